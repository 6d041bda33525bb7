-- The text of an item's attachments (PDF through poppler's pdftotext, .docx), extracted at
-- upload: scanned for personal data before publication like the body; only the masked text is
-- searchable. An attachment with findings stays with staff; the public gets a masked copy (a new
-- .docx holding the masked text, masked_from naming the original).
CREATE TABLE item_attachment_text (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachment(attachment_id),
    item_id INTEGER NOT NULL REFERENCES item(item_id),
    text TEXT NOT NULL,
    masked_text TEXT NOT NULL,
    findings INTEGER NOT NULL,
    staff_only INTEGER NOT NULL DEFAULT 0,
    masked_from INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX item_attachment_text_item ON item_attachment_text(item_id);
