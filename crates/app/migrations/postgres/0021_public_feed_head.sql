-- The public pages are cached while nothing public changes (issue 19). An application received or
-- moved on changes no public page, and under load they are most of the change feed: the caches
-- are keyed by the newest entry of any other kind, read from this index in one step.
CREATE INDEX change_feed_public ON change_feed (seq) WHERE object_type <> 'application';
