-- 基层政务公开标准目录: per unit and area (a unit_id of NULL is the national template of the area),
-- its entries (all elements of the domain entry as JSON, the names kept as columns to list and
-- match them), and which entry a published item fulfils.
CREATE TABLE basic_catalog (
    basic_catalog_id INTEGER PRIMARY KEY,
    unit_id INTEGER REFERENCES unit(unit_id),
    area_code TEXT NOT NULL,
    level_labels TEXT NOT NULL DEFAULT '[]',
    -- The date the entries' information is taken as formed unless an entry says otherwise.
    effective_on TEXT NOT NULL,
    edition TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX basic_catalog_unit_area ON basic_catalog(COALESCE(unit_id, 0), area_code);

CREATE TABLE basic_entry (
    basic_entry_id INTEGER PRIMARY KEY,
    basic_catalog_id INTEGER NOT NULL REFERENCES basic_catalog(basic_catalog_id),
    position INTEGER NOT NULL,
    level1 TEXT NOT NULL,
    level2 TEXT NOT NULL,
    entry_json TEXT NOT NULL,
    -- The date this entry's information formed or changed (NULL: the catalog's effective_on).
    event_on TEXT,
    -- Who set the rule by hand for a 时限 the platform could not read (NULL: read from the text).
    rule_set_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX basic_entry_catalog ON basic_entry(basic_catalog_id, position);

CREATE TABLE item_basic_entry (
    item_id INTEGER PRIMARY KEY REFERENCES item(item_id),
    basic_entry_id INTEGER NOT NULL REFERENCES basic_entry(basic_entry_id)
);
CREATE INDEX item_basic_entry_entry ON item_basic_entry(basic_entry_id);
