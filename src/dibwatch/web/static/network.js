// The firm page's network view: fetch the neighbourhood as Cytoscape.js elements and draw it.
(function () {
  "use strict";
  var box = document.getElementById("network");
  if (!box || typeof cytoscape === "undefined") { return; }
  var colours = { shipment: "#1f5fbf", contract: "#8a4fbf", address: "#c77d00",
                  id: "#2a8a6a", ownership: "#b3261e" };
  // Hops from the centre firm over the (undirected) edges: breadth-first.
  function hopsFrom(elements, center) {
    var next = {}, hops = {}, queue = [center];
    elements.edges.forEach(function (e) {
      (next[e.data.source] = next[e.data.source] || []).push(e.data.target);
      (next[e.data.target] = next[e.data.target] || []).push(e.data.source);
    });
    hops[center] = 0;
    while (queue.length) {
      var at = queue.shift();
      (next[at] || []).forEach(function (n) {
        if (hops[n] === undefined) { hops[n] = hops[at] + 1; queue.push(n); }
      });
    }
    return hops;
  }
  fetch(box.dataset.url, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (graph) {
      var rings = hopsFrom(graph.elements, graph.data.center);
      var cy = cytoscape({
        container: box,
        elements: graph.elements,
        // Rings by hops from the firm (it in the middle, its counterparties around it, theirs
        // outside): deterministic, and labels do not pile up in the centre as with cose.
        layout: { name: "concentric", animate: false, minNodeSpacing: 28, padding: 20,
                  levelWidth: function () { return 1; },
                  concentric: function (n) { return rings[n.id()] === undefined ? 0
                                                    : 10 - rings[n.id()]; } },
        style: [
          { selector: "node", style: {
              "label": "data(label)", "font-size": 9, "text-wrap": "ellipsis",
              "text-max-width": 110, "background-color": "#8fa3bf", "width": 14, "height": 14 } },
          { selector: "node[?listed]", style: { "background-color": "#b3261e" } },
          { selector: "node#" + graph.data.center, style: {
              "background-color": "#16202e", "width": 22, "height": 22, "font-weight": "bold" } },
          { selector: "edge", style: {
              "width": 1.2, "curve-style": "bezier", "line-color": function (e) {
                return colours[e.data("kind")] || "#999"; },
              "target-arrow-shape": function (e) { return e.data("directed") ? "triangle" : "none"; },
              "target-arrow-color": function (e) { return colours[e.data("kind")] || "#999"; },
              "arrow-scale": 0.7 } }
        ]
      });
      cy.on("tap", "node", function (evt) {
        var fid = evt.target.data("firm_id");
        if (fid !== undefined) { window.location.href = "/ui/firms/" + fid; }
      });
      box.dataset.ready = "true";
      box.dataset.nodes = String(cy.nodes().length);
    });
})();
