-- 主动公开: catalogs per unit, items with their catalogue metadata, the 索引号 serials, channels.
-- The public_* columns hold what the portal and the search index may show: the text as the
-- reviewer approved it, with personal data masked. The original stays for staff only.

CREATE TABLE catalog_node (
    catalog_node_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    parent_id INTEGER REFERENCES catalog_node(catalog_node_id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    update_class TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id, code)
);
CREATE INDEX catalog_node_parent ON catalog_node(parent_id);

-- The last 索引号 serial given out per unit and year: allocated inside the publishing
-- transaction, only ever incremented, so a serial is never given twice.
CREATE TABLE index_serial (
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    year INTEGER NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE item (
    item_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    catalog_node_id INTEGER REFERENCES catalog_node(catalog_node_id),
    status TEXT NOT NULL,
    index_no TEXT UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL DEFAULT '',
    doc_no TEXT NOT NULL DEFAULT '',
    art20 TEXT NOT NULL DEFAULT '',
    genre TEXT NOT NULL,
    subject TEXT NOT NULL,
    mode TEXT NOT NULL,
    validity TEXT NOT NULL,
    validity_since TEXT,
    validity_end TEXT,
    channels TEXT NOT NULL DEFAULT 'website',
    formed_on TEXT NOT NULL,
    written_on TEXT,
    due_on TEXT NOT NULL,
    published_on TEXT,
    late INTEGER NOT NULL DEFAULT 0,
    public_title TEXT NOT NULL DEFAULT '',
    public_summary TEXT NOT NULL DEFAULT '',
    public_body_html TEXT NOT NULL DEFAULT '',
    review_json TEXT,
    override_reason TEXT,
    status_reason TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX item_unit_status ON item(unit_id, status);
CREATE INDEX item_node_published ON item(catalog_node_id, status, published_on);
CREATE INDEX item_published ON item(status, published_on);
