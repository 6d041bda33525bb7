//! The node's background work, once a second: follow the change feed (the calendar and the
//! settings may have changed on another node), and every minute the reminders of deadlines, the
//! supervision reminders and escalations, the outbox, the annual-report reminders of late January
//! and the purge of old idempotency keys.
//! Every failure is logged with its task and counted (`failures`, shown in `/metrics`); a failing
//! task never stops the others or the loop.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{Duration, Utc};

use crate::db;
use crate::error::Result;
use crate::state::{AppState, today};

/// The background tasks, by name, each with its failure count since the process started.
pub const TASKS: [&str; 9] = [
    "change_feed",
    "settings",
    "reminders",
    "supervision_reminders",
    "rectification_escalation",
    "mail",
    "idempotency_purge",
    "report_reminders",
    "portal_monitor",
];

static PORTAL_RUNNING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

static FAILURES: [AtomicU64; TASKS.len()] = [const { AtomicU64::new(0) }; TASKS.len()];

/// (task, failures since the process started), in `TASKS` order.
pub fn failures() -> Vec<(&'static str, u64)> {
    TASKS.iter().zip(FAILURES.iter()).map(|(t, n)| (*t, n.load(Ordering::Relaxed))).collect()
}

/// Run one task; a failure is logged with the task's name and counted.
async fn run_task<T, F>(task: &'static str, work: F) -> Option<T>
where
    F: Future<Output = Result<T>>,
{
    match work.await {
        Ok(v) => Some(v),
        Err(e) => {
            if let Some(i) = TASKS.iter().position(|t| *t == task) {
                FAILURES[i].fetch_add(1, Ordering::Relaxed);
            }
            tracing::warn!(task, error = %e, "background task failed; it runs again at its next turn");
            None
        }
    }
}

/// The loop, for the life of the server.
pub async fn run(state: AppState) {
    // From the feed's head, not its start: a node started on a million items read the whole feed
    // back, 1,000 entries a second, for a quarter of an hour, to learn nothing. What came before is
    // in the state already loaded; the calendar is read once more here for a change between the two.
    let mut last_seq =
        run_task("change_feed", async { Ok(db::audit::max_feed_seq(&state.db).await?) }).await.unwrap_or(0);
    run_task("change_feed", async { Ok(state.reload_calendar().await?) }).await;
    let mut ticks = 0u64;
    loop {
        let entries = run_task("change_feed", async { Ok(db::audit::feed_since(&state.db, last_seq, 1000).await?) });
        if let Some(entries) = entries.await {
            let mut reload_calendar = false;
            for e in &entries {
                last_seq = last_seq.max(e.seq);
                reload_calendar |= e.kind == "calendar.changed";
            }
            if reload_calendar {
                run_task("change_feed", async { Ok(state.reload_calendar().await?) }).await;
            }
        }
        if ticks.is_multiple_of(60) {
            let today = today();
            run_task("settings", async { Ok(state.reload_settings().await?) }).await;
            run_task("reminders", super::application::send_reminders(&state, today)).await;
            run_task("supervision_reminders", super::supervision::weekly_reminders(&state, today)).await;
            run_task("rectification_escalation", super::supervision::escalate_overdue(&state, today)).await;
            run_task("mail", super::mail::deliver(&state)).await;
            run_task("report_reminders", super::report_oversight::remind_units(&state, today)).await;
            // The portal monitor runs at a polite pace for minutes: beside the loop, one at a time.
            if !PORTAL_RUNNING.swap(true, Ordering::SeqCst) {
                let state = state.clone();
                tokio::spawn(async move {
                    run_task("portal_monitor", super::supervision::portal::run_due(&state, today)).await;
                    PORTAL_RUNNING.store(false, Ordering::SeqCst);
                });
            }
            let day_ago = (Utc::now() - Duration::hours(24)).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
            run_task("idempotency_purge", async { Ok(db::application::purge_idempotency(&state.db, &day_ago).await?) })
                .await;
        }
        ticks += 1;
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}
