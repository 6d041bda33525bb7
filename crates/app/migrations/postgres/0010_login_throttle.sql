-- Login throttling counted before the password is checked (issue 13): one row per key, the pair
-- (account, address) and the address alone; an upsert increments atomically on both back ends.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    attempts BIGINT NOT NULL,
    last_at TEXT NOT NULL,
    prev_at TEXT NOT NULL
);

-- API tokens expire and can be revoked; tokens made before this release expire on 2027-03-01
-- (about ninety days after it), new ones ninety days after they are made unless told otherwise.
ALTER TABLE api_token ADD COLUMN expires_at TEXT NOT NULL DEFAULT '2027-03-01T00:00:00.000000Z';
ALTER TABLE api_token ADD COLUMN revoked_at TEXT;

-- Per-installation secrets (made on first use, never shown): the key of the keyed digest under
-- which 查我自己的 queries are logged, so a logged digest cannot be reversed by trying every ID.
CREATE TABLE install_secret (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
