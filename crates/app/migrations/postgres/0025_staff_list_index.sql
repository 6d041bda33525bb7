-- Issue 19: the staff's list of items (a unit's, or the office's: all), last changed first, read
-- in index order: the walk tests the unit and the status from the index and stops at the page
-- (db::item::list_staff). Before, it sorted all the unit's or all items: 3.8 s for the office's
-- list of 1,000,000 items in the sqlite3 shell.
CREATE INDEX item_staff_recent ON item(updated_at, item_id, unit_id, status);
