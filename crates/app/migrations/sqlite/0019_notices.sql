-- The notices an application owes besides its reply (issue 17 §4): 补正告知书, 延期答复告知书,
-- 征求意见函, 收费通知书 — made in the transaction of the step that owes them, kept as the letter
-- sent, and delivered by the addressee's channel: e-mail and SMS through the outbox (retried with
-- a growing pause until delivered), post when a clerk records the posting.
CREATE TABLE notice (
    notice_id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES application(application_id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    addressee TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    letter_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    sent_at TEXT,
    sent_by TEXT
);
CREATE INDEX notice_application ON notice(application_id);

-- The outbox carries text messages too, and a notice's letter as an attachment.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
ALTER TABLE outbox ADD COLUMN notice_id INTEGER REFERENCES notice(notice_id);
ALTER TABLE outbox ADD COLUMN next_try_at TEXT;
