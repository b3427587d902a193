"""Workspace schema, as an ordered list of migrations. Never edit a released migration: append.

Every list table is keyed by ``snapshot_id``: a snapshot is immutable once committed, and a
load writes all of its rows and its ``snapshots`` row in one transaction, so a reader never sees
a partial snapshot.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (1, "list snapshots", [
        "CREATE SEQUENCE snapshot_seq START 1",
        """CREATE TABLE snapshots (
            snapshot_id INTEGER NOT NULL,
            source VARCHAR NOT NULL,
            format VARCHAR NOT NULL,
            parser_version VARCHAR NOT NULL,
            path VARCHAR NOT NULL,
            files JSON NOT NULL,
            sha256 VARCHAR NOT NULL,
            published_at VARCHAR,
            loaded_at TIMESTAMP NOT NULL,
            entity_count INTEGER NOT NULL,
            name_count INTEGER NOT NULL,
            identifier_count INTEGER NOT NULL,
            address_count INTEGER NOT NULL,
            sanction_count INTEGER NOT NULL,
            warning_count INTEGER NOT NULL,
            leftover_count INTEGER NOT NULL,
            load_seconds DOUBLE
        )""",
        """CREATE TABLE entities (
            snapshot_id INTEGER NOT NULL,
            entity_id VARCHAR NOT NULL,
            source_id VARCHAR NOT NULL,
            schema VARCHAR NOT NULL,
            caption VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            data JSON NOT NULL
        )""",
        """CREATE TABLE names (
            snapshot_id INTEGER NOT NULL,
            entity_id VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            script VARCHAR,
            lang VARCHAR
        )""",
        """CREATE TABLE identifiers (
            snapshot_id INTEGER NOT NULL,
            entity_id VARCHAR NOT NULL,
            scheme VARCHAR NOT NULL,
            value VARCHAR NOT NULL,
            raw VARCHAR,
            valid BOOLEAN,
            country VARCHAR,
            note VARCHAR
        )""",
        """CREATE TABLE addresses (
            snapshot_id INTEGER NOT NULL,
            entity_id VARCHAR NOT NULL,
            "full" VARCHAR NOT NULL,
            street VARCHAR,
            city VARCHAR,
            postal_code VARCHAR,
            region VARCHAR,
            country VARCHAR
        )""",
        """CREATE TABLE countries (
            snapshot_id INTEGER NOT NULL,
            entity_id VARCHAR NOT NULL,
            code VARCHAR NOT NULL,
            role VARCHAR NOT NULL
        )""",
        """CREATE TABLE sanctions (
            snapshot_id INTEGER NOT NULL,
            entity_id VARCHAR NOT NULL,
            authority VARCHAR NOT NULL,
            program VARCHAR,
            list_name VARCHAR,
            listing_date VARCHAR,
            end_date VARCHAR,
            reason VARCHAR,
            source_url VARCHAR
        )""",
        """CREATE TABLE load_issues (
            snapshot_id INTEGER NOT NULL,
            severity VARCHAR NOT NULL,
            file VARCHAR NOT NULL,
            line INTEGER,
            element VARCHAR,
            field VARCHAR,
            message VARCHAR NOT NULL,
            value VARCHAR
        )""",
        """CREATE TABLE load_leftovers (
            snapshot_id INTEGER NOT NULL,
            field VARCHAR NOT NULL,
            count INTEGER NOT NULL
        )""",
        """CREATE TABLE fetch_state (
            source VARCHAR NOT NULL,
            url VARCHAR NOT NULL,
            etag VARCHAR,
            last_modified VARCHAR,
            sha256 VARCHAR,
            bytes BIGINT,
            path VARCHAR,
            fetched_at TIMESTAMP NOT NULL
        )""",
    ]),
]

MIGRATIONS.append((2, "screening index and proof of screening", [
    """CREATE TABLE match_index_state (
        built_at TIMESTAMP NOT NULL,
        snapshot_ids JSON NOT NULL,
        algorithm VARCHAR NOT NULL,
        name_count INTEGER NOT NULL,
        key_count BIGINT NOT NULL
    )""",
    """CREATE TABLE match_entities (
        entity_id VARCHAR NOT NULL,
        snapshot_id INTEGER NOT NULL,
        source VARCHAR NOT NULL,
        source_id VARCHAR NOT NULL,
        schema VARCHAR NOT NULL,
        caption VARCHAR NOT NULL,
        countries VARCHAR[],
        identifiers JSON,
        programs VARCHAR
    )""",
    """CREATE TABLE match_names (
        name_id INTEGER NOT NULL,
        entity_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        tokens VARCHAR[] NOT NULL,
        plain VARCHAR[] NOT NULL,
        legal_forms VARCHAR[] NOT NULL,
        numbers VARCHAR[] NOT NULL,
        native VARCHAR,
        script VARCHAR
    )""",
    """CREATE TABLE match_keys (
        key VARCHAR NOT NULL,
        name_id INTEGER NOT NULL
    )""",
    """CREATE TABLE match_key_idf (
        key VARCHAR NOT NULL,
        df INTEGER NOT NULL,
        idf DOUBLE NOT NULL
    )""",
    "CREATE SEQUENCE screening_run_seq START 1",
    """CREATE TABLE screening_runs (
        run_id INTEGER NOT NULL,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        algorithm VARCHAR NOT NULL,
        algorithm_version VARCHAR NOT NULL,
        threshold DOUBLE NOT NULL,
        top_k INTEGER NOT NULL,
        snapshots JSON NOT NULL,
        query_count INTEGER NOT NULL,
        match_count INTEGER NOT NULL,
        origin VARCHAR
    )""",
    """CREATE TABLE screening_queries (
        run_id INTEGER NOT NULL,
        query_no INTEGER NOT NULL,
        name VARCHAR NOT NULL,
        schema VARCHAR,
        countries VARCHAR,
        identifiers VARCHAR,
        hit_count INTEGER NOT NULL,
        best_score DOUBLE
    )""",
    """CREATE TABLE screening_results (
        run_id INTEGER NOT NULL,
        query_no INTEGER NOT NULL,
        rank INTEGER NOT NULL,
        entity_id VARCHAR NOT NULL,
        snapshot_id INTEGER NOT NULL,
        score DOUBLE NOT NULL,
        is_match BOOLEAN NOT NULL,
        matched_name VARCHAR,
        explanation JSON
    )""",
]))

MIGRATIONS.append((3, "shipments", [
    "CREATE SEQUENCE shipment_load_seq START 1",
    """CREATE TABLE shipment_loads (
        load_id INTEGER NOT NULL,
        source_name VARCHAR NOT NULL,
        mapping VARCHAR NOT NULL,
        file VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        bytes BIGINT NOT NULL,
        loaded_at TIMESTAMP NOT NULL,
        row_count BIGINT NOT NULL,
        quarantined_count BIGINT NOT NULL,
        warning_count BIGINT NOT NULL,
        seconds DOUBLE
    )""",
    # One row per customs declaration line, in the canonical schema (dibwatch.trade.schema).
    # ``warnings`` maps a field to why its value was kept as NULL or kept unverified (the raw
    # text included); ``extra`` holds source columns a mapping keeps without a canonical home.
    """CREATE TABLE shipments (
        load_id INTEGER NOT NULL,
        line_no BIGINT NOT NULL,
        declaration_id VARCHAR,
        item_no INTEGER,
        date DATE NOT NULL,
        direction VARCHAR,
        hs_code VARCHAR,
        description VARCHAR,
        manufacturer VARCHAR,
        brand VARCHAR,
        model VARCHAR,
        quantity DOUBLE,
        unit VARCHAR,
        net_kg DOUBLE,
        value_usd DOUBLE,
        invoice_currency VARCHAR,
        exporter_name VARCHAR,
        exporter_address VARCHAR,
        exporter_country VARCHAR,
        exporter_id VARCHAR,
        importer_name VARCHAR,
        importer_address VARCHAR,
        importer_country VARCHAR,
        importer_id VARCHAR,
        contract_holder_name VARCHAR,
        contract_holder_id VARCHAR,
        origin_country VARCHAR,
        dispatch_country VARCHAR,
        trading_country VARCHAR,
        destination_country VARCHAR,
        warnings JSON,
        extra JSON
    )""",
    """CREATE TABLE shipment_quarantine (
        load_id INTEGER NOT NULL,
        file VARCHAR NOT NULL,
        line_no BIGINT NOT NULL,
        field VARCHAR,
        reason VARCHAR NOT NULL,
        raw_row JSON NOT NULL
    )""",
]))

MIGRATIONS.append((4, "party resolution", [
    # One row per distinct party mention (name, address, country, id as written), whatever
    # role it played; load_id / line_no / role say where it was first seen.
    """CREATE TABLE party_mentions (
        mention_id INTEGER NOT NULL,
        load_id INTEGER,
        line_no BIGINT,
        role VARCHAR NOT NULL,
        name VARCHAR,
        address VARCHAR,
        country VARCHAR,
        id_value VARCHAR,
        norm_name VARCHAR,
        name_keys VARCHAR[] NOT NULL,
        name_generic BOOLEAN NOT NULL,
        name_core VARCHAR,
        country_code VARCHAR,
        id_norm VARCHAR,
        address_norm VARCHAR,
        roles VARCHAR[] NOT NULL,
        shipment_count INTEGER NOT NULL,
        first_seen DATE,
        last_seen DATE
    )""",
    # Every shipment line's parties: the link from a declaration line to its firms.
    """CREATE TABLE shipment_parties (
        load_id INTEGER,
        line_no BIGINT,
        role VARCHAR NOT NULL,
        mention_id INTEGER NOT NULL
    )""",
    """CREATE TABLE firms (
        firm_id INTEGER NOT NULL,
        caption VARCHAR NOT NULL,
        country VARCHAR,
        ids VARCHAR[] NOT NULL,
        roles VARCHAR[] NOT NULL,
        member_count INTEGER NOT NULL,
        mention_count INTEGER NOT NULL,
        first_seen DATE,
        last_seen DATE
    )""",
    """CREATE TABLE firm_members (
        firm_id INTEGER NOT NULL,
        mention_id INTEGER NOT NULL,
        match_probability DOUBLE
    )""",
    """CREATE TABLE firm_screening (
        firm_id INTEGER NOT NULL,
        entity_id VARCHAR NOT NULL,
        score DOUBLE NOT NULL,
        matched_name VARCHAR,
        run_id INTEGER,
        explanation JSON
    )""",
    """CREATE TABLE resolution_runs (
        resolved_at TIMESTAMP NOT NULL,
        threshold DOUBLE NOT NULL,
        training VARCHAR NOT NULL,
        shipment_count BIGINT NOT NULL,
        mention_count INTEGER NOT NULL,
        firm_count INTEGER NOT NULL,
        screened_firms INTEGER NOT NULL,
        model JSON NOT NULL
    )""",
]))


# Tables whose rows belong to one snapshot, in the order a load writes them.
SNAPSHOT_TABLES = ("entities", "names", "identifiers", "addresses", "countries", "sanctions",
                   "load_issues", "load_leftovers")

MIGRATIONS.append((5, "shipment classification", [
    # One row per loaded shipment line: HS levels, CHPL tier declared / inferred from the
    # description and part number, the brand and whether its maker is in the coalition.
    """CREATE TABLE shipment_classes (
        load_id INTEGER NOT NULL,
        line_no BIGINT NOT NULL,
        hs6 VARCHAR,
        hs4 VARCHAR,
        hs2 VARCHAR,
        chpl_tier VARCHAR,
        declared_tier VARCHAR,
        inferred_hs VARCHAR,
        inferred_tier VARCHAR,
        brand_canonical VARCHAR,
        brand_country VARCHAR,
        coalition_brand BOOLEAN,
        misdeclared BOOLEAN,
        class_reasons VARCHAR[]
    )""",
]))

MIGRATIONS.append((6, "risk flags", [
    # One scoring run: the indicator set and the configuration it ran with.
    """CREATE TABLE risk_runs (
        run_id INTEGER NOT NULL,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        config JSON NOT NULL,
        indicators JSON NOT NULL,
        flag_count INTEGER,
        firm_count INTEGER
    )""",
    # One flag per firm and indicator: score in [0, 1], the measured value and why.
    """CREATE TABLE risk_flags (
        run_id INTEGER NOT NULL,
        flag_no INTEGER NOT NULL,
        firm_id INTEGER NOT NULL,
        indicator VARCHAR NOT NULL,
        version VARCHAR NOT NULL,
        score DOUBLE NOT NULL,
        value DOUBLE,
        detail JSON
    )""",
    # The rows behind a flag: shipment lines (load_id, line_no) or list entities (entity_id).
    """CREATE TABLE risk_evidence (
        run_id INTEGER NOT NULL,
        flag_no INTEGER NOT NULL,
        load_id INTEGER,
        line_no BIGINT,
        entity_id VARCHAR
    )""",
    """CREATE TABLE firm_scores (
        run_id INTEGER NOT NULL,
        firm_id INTEGER NOT NULL,
        rank INTEGER NOT NULL,
        score DOUBLE NOT NULL,
        contributions JSON NOT NULL
    )""",
]))

MIGRATIONS.append((7, "country trade flows", [
    "CREATE SEQUENCE country_snapshot_seq START 1",
    # One row per loaded statistics file (dibwatch.countries); written last in its load's
    # transaction, so a snapshot row means all of its flows are there.
    """CREATE TABLE country_snapshots (
        snapshot_id INTEGER NOT NULL,
        source VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        parser_version VARCHAR NOT NULL,
        file VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        bytes BIGINT NOT NULL,
        loaded_at TIMESTAMP NOT NULL,
        row_count BIGINT NOT NULL,
        skipped_count BIGINT NOT NULL,
        warning_count BIGINT NOT NULL,
        leftover_count BIGINT NOT NULL,
        report JSON NOT NULL,
        seconds DOUBLE
    )""",
    # Official trade statistics at country level: reporter and partner are ISO 3166-1
    # alpha-2 codes or the special codes of dibwatch.countries (W00, EU27_2020, ...);
    # period is 'YYYY' (granularity year) or 'YYYY-MM' (month); hs_code is 'TOTAL' or HS
    # digits; value is in whole units of currency.
    """CREATE TABLE country_flows (
        snapshot_id INTEGER NOT NULL,
        line_no BIGINT NOT NULL,
        source VARCHAR NOT NULL,
        reporter VARCHAR NOT NULL,
        partner VARCHAR NOT NULL,
        flow VARCHAR NOT NULL,
        period VARCHAR NOT NULL,
        granularity VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        month INTEGER,
        hs_code VARCHAR NOT NULL,
        value DOUBLE NOT NULL,
        currency VARCHAR NOT NULL,
        valuation VARCHAR
    )""",
    # The flows to compute on: for each observation, the value of the newest snapshot of
    # its source (a revised file supersedes the older one row by row).
    """CREATE VIEW country_flows_current AS
        SELECT * EXCLUDE (rn) FROM (
            SELECT *, row_number() OVER (
                PARTITION BY source, reporter, partner, flow, period, hs_code
                ORDER BY snapshot_id DESC) AS rn
            FROM country_flows)
        WHERE rn = 1""",
]))

MIGRATIONS.append((8, "risk run list matches", [
    # The list matches a risk run scored with: the screening stage's, less the pairs analysts
    # dismissed, plus those they confirmed (dibwatch.risk.Decisions), so that a run's ranked
    # table shows the matches its scores rest on.
    """CREATE TABLE risk_matches (
        run_id INTEGER NOT NULL,
        firm_id INTEGER NOT NULL,
        entity_id VARCHAR NOT NULL,
        score DOUBLE NOT NULL,
        matched_name VARCHAR
    )""",
]))

MIGRATIONS.append((9, "stage runs and load changes", [
    # One row per run of a derived stage (resolve, screen, rank): the inputs it read, as a
    # fingerprint and in words, so that `dibwatch update` runs only what is out of date.
    """CREATE TABLE stage_runs (
        stage VARCHAR NOT NULL,
        run_no INTEGER NOT NULL,
        fingerprint VARCHAR NOT NULL,
        inputs JSON NOT NULL,
        outputs JSON NOT NULL,
        finished_at TIMESTAMP NOT NULL,
        seconds DOUBLE NOT NULL
    )""",
    # Loads taken back or replaced by a person (trade unload / --replace, lists unload): the
    # data goes, the record of what went and why stays.
    """CREATE TABLE load_changes (
        change_no INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        object_id INTEGER NOT NULL,
        file VARCHAR,
        sha256 VARCHAR,
        replaced_by INTEGER,
        detail JSON NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR NOT NULL
    )""",
]))

# Read models: the relations other stages read, defined once here, each owned by a stage
# (its Python accessors are in that stage's ``read`` module). Nothing outside the owning
# stage joins the underlying tables again.
MIGRATIONS.append((10, "read models", [
    # resolve: every shipment line a firm was a party to, with the role it played.
    """CREATE VIEW firm_lines AS
        SELECT DISTINCT m.firm_id, sp.role, sp.load_id, sp.line_no
        FROM shipment_parties sp JOIN firm_members m USING (mention_id)""",
    # resolve: who a firm traded with — the other firms on its lines, each line once, with
    # the roles both played on them.
    """CREATE VIEW firm_counterparties AS
        WITH pairs AS (
            SELECT a.firm_id, b.firm_id AS counterparty_id, a.role AS own_role,
                   b.role AS their_role, a.load_id, a.line_no
            FROM firm_lines a JOIN firm_lines b
              ON a.load_id = b.load_id AND a.line_no = b.line_no AND a.firm_id <> b.firm_id
        ), roles AS (
            SELECT firm_id, counterparty_id,
                   list(DISTINCT own_role ORDER BY own_role) AS own_roles,
                   list(DISTINCT their_role ORDER BY their_role) AS their_roles
            FROM pairs GROUP BY firm_id, counterparty_id
        ), lines AS (
            SELECT DISTINCT firm_id, counterparty_id, load_id, line_no FROM pairs
        ), totals AS (
            SELECT l.firm_id, l.counterparty_id, count(*) AS lines,
                   sum(coalesce(s.value_usd, 0)) AS value_usd,
                   min(s."date") AS first_day, max(s."date") AS last_day
            FROM lines l JOIN shipments s USING (load_id, line_no)
            GROUP BY l.firm_id, l.counterparty_id
        )
        SELECT t.firm_id, t.counterparty_id, r.own_roles, r.their_roles, t.lines,
               t.value_usd, t.first_day, t.last_day
        FROM totals t JOIN roles r USING (firm_id, counterparty_id)""",
    # risk: the runs that finished, and the latest of them.
    """CREATE VIEW finished_risk_runs AS
        SELECT * FROM risk_runs WHERE finished_at IS NOT NULL""",
    """CREATE VIEW latest_risk_run AS
        SELECT max(run_id) AS run_id FROM finished_risk_runs""",
]))

MIGRATIONS.append((11, "firm link evidence", [
    # Why a firm's members were joined: each link used (the model's, strongest first, or an
    # analyst's merge), with the level each comparison reached and the match weight.
    """CREATE TABLE firm_links (
        firm_id INTEGER NOT NULL,
        mention_l INTEGER NOT NULL,
        mention_r INTEGER NOT NULL,
        match_probability DOUBLE NOT NULL,
        match_weight DOUBLE,
        levels JSON NOT NULL,
        source VARCHAR NOT NULL
    )""",
    # Links over the threshold that were not used, and why (conflicting registry numbers,
    # an analyst's split, names that differ): the two firms stay apart, the evidence stays.
    """CREATE TABLE firm_link_refusals (
        mention_l INTEGER NOT NULL,
        mention_r INTEGER NOT NULL,
        firm_l INTEGER NOT NULL,
        firm_r INTEGER NOT NULL,
        match_probability DOUBLE NOT NULL,
        match_weight DOUBLE,
        levels JSON NOT NULL,
        reason VARCHAR NOT NULL
    )""",
]))

SCHEMA_VERSION = MIGRATIONS[-1][0]
