//! Configuration: a commented TOML file (`gongkai.toml` in the data directory, or `--config`),
//! overridden by `GONGKAI_…` environment variables, overridden by flags. Unknown keys are an
//! error, so a typo never silently does nothing.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Where the SQLite database, the search index and attachments live.
    pub data_dir: PathBuf,
    /// PostgreSQL URL for several nodes; empty = SQLite in the data directory.
    pub database_url: Option<String>,
    /// Public form submissions allowed per address per minute (applications, complaints, messages).
    pub public_submissions_per_minute: u32,
    /// Largest request body, in bytes (attachments included).
    pub max_body_bytes: usize,
    /// Set when the site is served behind TLS: session cookies get `Secure`.
    pub secure_cookies: bool,
    /// Trust X-Forwarded-For from a reverse proxy in front of the nodes.
    pub trust_proxy: bool,
    /// How many proxies of ours stand in front of the node: X-Forwarded-For is read that many
    /// entries from the right (a client can write anything on the left).
    pub trusted_proxies: u32,
    /// SMTP relay for reminders ("host:port"); empty = reminders stay in the outbox and in-app.
    pub smtp_relay: Option<String>,
    pub smtp_from: String,
    /// SMS gateway for notices to applicants who chose no e-mail: an HTTP(S) URL that takes a POST
    /// of JSON `{"to": phone, "text": message}` and answers 2xx when it accepted the message;
    /// empty = text messages stay queued in the outbox.
    pub sms_gateway: Option<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("gongkai-data"),
            database_url: None,
            public_submissions_per_minute: 10,
            max_body_bytes: 20 * 1024 * 1024,
            secure_cookies: false,
            trust_proxy: false,
            trusted_proxies: 1,
            smtp_relay: None,
            smtp_from: "gongkai@localhost".into(),
            sms_gateway: None,
        }
    }
}

pub const EXAMPLE: &str = r#"# Gongkai configuration. Every key is optional; GONGKAI_<KEY> environment variables and
# command-line flags override this file.

# Address to listen on.
# listen = "127.0.0.1:8080"

# Data directory: the SQLite database, search index and attachments.
# data_dir = "gongkai-data"

# PostgreSQL for several nodes (empty: embedded SQLite in data_dir).
# database_url = "postgres://gongkai@127.0.0.1:5432/gongkai"

# Public submissions (applications, complaints, messages) per address per minute.
# public_submissions_per_minute = 10

# Largest request body in bytes, attachments included.
# max_body_bytes = 20971520

# Behind TLS: mark session cookies Secure.
# secure_cookies = false

# Behind a reverse proxy: take the client address from X-Forwarded-For.
# trust_proxy = false
# How many of our proxies are in front (X-Forwarded-For is read this many entries from the right).
# trusted_proxies = 1

# SMTP relay for reminder e-mails ("host:port"); without it reminders stay in-app and queued.
# smtp_relay = "127.0.0.1:25"
# smtp_from = "gongkai@example.gov.cn"

# SMS gateway for notices to applicants without e-mail: POST {"to": phone, "text": message} as JSON.
# sms_gateway = "http://sms-gateway.internal/send"
"#;

impl Config {
    /// Read the file (if any), then the environment. Flags are applied by the caller.
    pub fn load(file: Option<&Path>, data_dir_hint: Option<&Path>) -> anyhow::Result<Config> {
        let candidate = match (file, data_dir_hint) {
            (Some(f), _) => Some(f.to_path_buf()),
            (None, Some(d)) => Some(d.join("gongkai.toml")).filter(|p| p.exists()),
            (None, None) => Some(PathBuf::from("gongkai-data/gongkai.toml")).filter(|p| p.exists()),
        };
        let mut config = match candidate {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| anyhow::anyhow!("cannot read config file {}: {e}", path.display()))?;
                toml::from_str::<Config>(&text).map_err(|e| {
                    anyhow::anyhow!("config file {} is not valid: {}", path.display(), e.message().trim())
                })?
            }
            None => Config::default(),
        };
        config.apply_env()?;
        Ok(config)
    }

    fn apply_env(&mut self) -> anyhow::Result<()> {
        let get = |k: &str| std::env::var(format!("GONGKAI_{k}")).ok().filter(|v| !v.is_empty());
        if let Some(v) = get("LISTEN") {
            self.listen = v;
        }
        if let Some(v) = get("DATA_DIR") {
            self.data_dir = v.into();
        }
        if let Some(v) = get("DATABASE_URL") {
            self.database_url = Some(v);
        }
        if let Some(v) = get("PUBLIC_SUBMISSIONS_PER_MINUTE") {
            self.public_submissions_per_minute = v
                .parse()
                .map_err(|_| anyhow::anyhow!("GONGKAI_PUBLIC_SUBMISSIONS_PER_MINUTE must be a number, got `{v}`"))?;
        }
        if let Some(v) = get("TRUST_PROXY") {
            self.trust_proxy = v == "1" || v == "true";
        }
        if let Some(v) = get("TRUSTED_PROXIES") {
            self.trusted_proxies =
                v.parse().map_err(|_| anyhow::anyhow!("GONGKAI_TRUSTED_PROXIES must be a number, got `{v}`"))?;
        }
        if let Some(v) = get("SECURE_COOKIES") {
            self.secure_cookies = v == "1" || v == "true";
        }
        if let Some(v) = get("SMTP_RELAY") {
            self.smtp_relay = Some(v);
        }
        if let Some(v) = get("SMTP_FROM") {
            self.smtp_from = v;
        }
        if let Some(v) = get("SMS_GATEWAY") {
            self.sms_gateway = Some(v);
        }
        if let Some(v) = get("MAX_BODY_BYTES") {
            self.max_body_bytes = v
                .parse()
                .map_err(|_| anyhow::anyhow!("GONGKAI_MAX_BODY_BYTES must be a number of bytes, got `{v}`"))?;
        }
        Ok(())
    }

    /// The database URL in force: PostgreSQL if given, else SQLite in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) if !u.is_empty() => u.clone(),
            _ => crate::db::sqlite_url(&self.data_dir),
        }
    }

    /// The database URL as it may be printed or logged: the password replaced.
    pub fn database_url_redacted(&self) -> String {
        crate::db::redact(&self.database_url())
    }
}
