-- A file whose text cannot be read (an image, a scanned PDF, a format without a converter, a
-- converter that timed out) is published only after a reviewer has checked it by hand and said
-- so, with a reason (issue 13): one row per confirmed file.
CREATE TABLE attachment_review (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachment(attachment_id),
    reviewer TEXT NOT NULL,
    reason TEXT NOT NULL,
    reviewed_at TEXT NOT NULL
);
