//! `gongkai`: the web server and the command-line tools of the platform, in one binary.
//! Thin: parse the command line, set up logging, dispatch to `cli`.

use clap::Parser;

mod bench;
mod cli;
mod config;
mod db;
mod demo;
mod error;
mod export;
mod flows;
mod sandbox;
mod search;
mod state;
mod web;

fn main() -> std::process::ExitCode {
    // `gongkai routes | head`: the reader closing the pipe ends the output; it is not a crash.
    // (Rust ignores SIGPIPE, so the write fails and println! panics; resetting the signal would
    // take unsafe code, which the workspace forbids.) Exit as a shell's SIGPIPE would: 141.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info);
    }));
    let args = cli::Cli::parse();
    // Logs go to stderr; GONGKAI_LOG filters them (one line per request with
    // `gongkai::request=info`), GONGKAI_LOG_FORMAT=json writes one JSON object a line.
    let filter = tracing_subscriber::EnvFilter::try_from_env("GONGKAI_LOG")
        .unwrap_or_else(|_| "gongkai=info,gongkai::request=off,warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("GONGKAI_LOG_FORMAT").is_ok_and(|f| f == "json") {
        logs.json().init();
    } else {
        logs.init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gongkai: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(code) => code,
        Err(e) => {
            // One clear line: what is wrong and what to do.
            eprintln!("gongkai: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
