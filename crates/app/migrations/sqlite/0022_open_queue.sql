-- The staff queue (issue 19): a unit's open applications, soonest due first, read from an index
-- of only the open ones in the order the page shows them, instead of reading and sorting every
-- open row of the unit for each page; the queue's counts read the same index and nothing else.
CREATE INDEX application_open_queue ON application (unit_id, due_on, application_id) WHERE finished_on IS NULL;
-- The office's queue of every unit, in the same order.
CREATE INDEX application_open_due ON application (due_on, application_id) WHERE finished_on IS NULL;
