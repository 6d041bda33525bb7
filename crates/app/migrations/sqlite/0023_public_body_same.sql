-- Issue 19: an item whose public text is its draft text unchanged (nothing masked: most items,
-- and all but a few of an import) stores that text once. public_body_same = 1 means the public
-- body IS body_html and public_body_html holds ''; every read takes
-- CASE WHEN public_body_same = 1 THEN body_html ELSE public_body_html END, and the one statement
-- that changes body_html (db::item::update_item) first copies it into public_body_html, so a
-- changed draft never changes what the public sees. Halves the database of an import.
ALTER TABLE item ADD COLUMN public_body_same INTEGER NOT NULL DEFAULT 0;
