-- 年度报告: figures staff enter (from other systems), and report versions. A published version
-- is never changed: a correction is a new version with its reason.

CREATE TABLE report_figure (
    report_figure_id INTEGER PRIMARY KEY,
    unit_id INTEGER REFERENCES unit(unit_id),
    year INTEGER NOT NULL,
    figure TEXT NOT NULL,
    value TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
CREATE UNIQUE INDEX report_figure_key ON report_figure(COALESCE(unit_id, 0), year, figure);

CREATE TABLE annual_report (
    report_id INTEGER PRIMARY KEY,
    unit_id INTEGER REFERENCES unit(unit_id),
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'reviewed', 'published', 'superseded')),
    organ TEXT NOT NULL,
    body_json TEXT NOT NULL,
    correction_reason TEXT,
    override_reason TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    published_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX annual_report_version ON annual_report(COALESCE(unit_id, 0), year, version);
