// The API docs page: Swagger UI from the vendored bundle, reading this server's schema.
// A file of its own, not an inline script: the pages' Content-Security-Policy forbids those.
(function () {
  "use strict";
  window.addEventListener("load", function () {
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  });
}());
