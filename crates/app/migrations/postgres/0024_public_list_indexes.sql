-- Issue 19: the public lists (home page, catalog, a unit's and a column's items) read their
-- newest items in index order instead of sorting every public item on each request. Before this,
-- SQLite took `status IN ('published', 'expired')` as two equality ranges of item_published (or
-- item_published_channels), fetched every public item and sorted them all for a page of 12 or 20:
-- 0.66 s a list over 200,000 items (sqlite3's .timer), seconds at a million.
--
-- Three partial indexes over the public items replace three that began with `status`, so an
-- import maintains as many indexes as before:
-- - item_public_newest: the home page and the lists across units, newest first; its other
--   columns let the report's yearly counts by channel (formerly item_published_channels) and a
--   column-code filter read the index alone;
-- - item_public_unit: a unit's public items, newest first, and its counts by column;
-- - item_public_node: a catalog column's public items, newest first, their count, and the
--   column's last update (formerly item_node_published).
-- `status` ends each: SQLite reads a partial index alone (no row) only where it holds every column
-- the statement names, the condition's included.
-- item_published (status, published_on) was also a prefix of item_published_channels.
DROP INDEX item_published;
DROP INDEX item_published_channels;
DROP INDEX item_node_published;
CREATE INDEX item_public_newest ON item(published_on, item_id, unit_id, catalog_node_id, channels, status)
    WHERE status IN ('published', 'expired');
CREATE INDEX item_public_unit ON item(unit_id, published_on, item_id, catalog_node_id, status)
    WHERE status IN ('published', 'expired');
CREATE INDEX item_public_node ON item(catalog_node_id, published_on, item_id, status)
    WHERE status IN ('published', 'expired');
