-- 三同步: an interpretation names the disclosure item of the policy it interprets (the free-text
-- policy_ref stays for legacy and outside policies).
ALTER TABLE interpretation ADD COLUMN policy_item_id BIGINT REFERENCES item(item_id);
CREATE INDEX interpretation_policy_item ON interpretation(policy_item_id);
