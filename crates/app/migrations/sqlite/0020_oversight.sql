-- 监督保障 (issue 17 §5): the 社会评议 records of 0012 also say how many took part, which
-- section 一 states ("参与评议N人次").
ALTER TABLE public_evaluation ADD COLUMN participants INTEGER NOT NULL DEFAULT 0;
