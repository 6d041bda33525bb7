-- The portal a unit already runs elsewhere (usually the government's own portal on a vendor's
-- CMS), watched by the portal monitor: its address and the columns to check, one a line
-- ("栏目名称 | 地址 | 类别"; empty: found from the home page's navigation).
CREATE TABLE portal_site (
    portal_site_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    base_url TEXT NOT NULL,
    columns_text TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id)
);

-- One run of the monitor: what it found, as JSON (columns with their newest dates, broken links,
-- missing elements). The column checks read the newest run and judge it on their own date.
CREATE TABLE portal_run (
    portal_run_id INTEGER PRIMARY KEY,
    portal_site_id INTEGER NOT NULL REFERENCES portal_site(portal_site_id),
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    report_json TEXT NOT NULL
);
CREATE INDEX portal_run_site ON portal_run (portal_site_id, portal_run_id);
