-- 行政复议 / 行政诉讼 cases carried to their end: the acceptance date the 60 days run from
-- (行政复议法第六十二条), the day an extension of 30 days was granted, the deadline a court set;
-- the result moves from 'pending' to upheld / corrected / other / withdrawn exactly once.
--
-- 社会评议 (public evaluations of the office's work) and 责任追究 (accountability cases), the
-- records behind section 一's 监督保障 paragraph (条例第五十条第四项) and the supervision dashboards.

ALTER TABLE review_case ADD COLUMN accepted_on TEXT;
ALTER TABLE review_case ADD COLUMN extended_on TEXT;
ALTER TABLE review_case ADD COLUMN court_due_on TEXT;
ALTER TABLE review_case ADD COLUMN updated_at TEXT;
CREATE INDEX review_case_unit ON review_case(unit_id);

CREATE TABLE public_evaluation (
    public_evaluation_id INTEGER PRIMARY KEY,
    -- NULL: the government's OGI work as a whole.
    unit_id INTEGER REFERENCES unit(unit_id),
    evaluated_on TEXT NOT NULL,
    evaluator TEXT NOT NULL,
    method TEXT NOT NULL,
    -- A decimal as written (e.g. 92.5), or NULL when the evaluation gave no score.
    score TEXT,
    issues TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX public_evaluation_on ON public_evaluation(evaluated_on);

CREATE TABLE accountability_case (
    accountability_case_id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(unit_id),
    reason TEXT NOT NULL,
    action TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX accountability_case_on ON accountability_case(decided_on);
