//! `gongkai serve`: the web server.

use std::process::ExitCode;

use clap::Args;

use super::DbArgs;
use crate::state::AppState;

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on (default 127.0.0.1:8080)
    #[arg(long)]
    pub listen: Option<String>,
    /// On an empty database: load the Ruzhou demo (units, users, records); prints the admin password once
    #[arg(long)]
    pub demo: bool,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = args.db.config()?;
    if let Some(l) = args.listen {
        config.listen = l;
    }
    // Bind first: a port in use is reported before anything is created.
    let listener = tokio::net::TcpListener::bind(&config.listen).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {}: {e}. Is another server running there? Use --listen ADDR:PORT",
            config.listen
        )
    })?;
    let db = super::open_db(&config).await?;
    if args.demo {
        match crate::demo::load(&db).await? {
            Some(password) => {
                eprintln!(
                    "demo data loaded (汝州市). Sign in at http://{}/staff/login as `admin` with password: {password}",
                    config.listen
                );
                eprintln!(
                    "(unit accounts: e.g. `zfb-clerk` / `zfb-reviewer`, same password; this password is shown only now)"
                );
            }
            None => eprintln!("database is not empty: demo data not loaded again"),
        }
    }
    let state = AppState::new(db, config.clone()).await?;
    // The bound address (with --listen 127.0.0.1:0 the OS picks the port; tests read this line).
    let bound = listener.local_addr()?;
    tracing::info!("gongkai serving on http://{bound}");
    eprintln!("gongkai: serving on http://{bound} (database: {})", config.database_url_redacted());
    crate::web::serve(state, listener).await?;
    Ok(ExitCode::SUCCESS)
}
