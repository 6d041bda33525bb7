//! The integration tests: one binary, so the app's test support is compiled and linked once.
//! Every test starts the real `gongkai` binary (SQLite, and PostgreSQL where
//! `GONGKAI_TEST_DATABASE_URL` is set) and talks to it over HTTP, the command line or a browser.

mod common;
mod support;

mod access;
mod accessibility;
mod attachments;
mod basic_catalog;
mod browser;
mod browser_interaction;
mod browser_portal;
mod cli;
mod clock;
mod demo_records;
mod disclosure;
mod hostile;
mod http;
mod import_stream;
mod layers;
mod livelihood;
mod notices;
mod open_data;
mod ops;
mod page_cache;
mod permissions;
mod portal_monitor;
mod privacy_crawl;
mod queue_order;
mod reliability;
mod report_forms;
mod report_records;
mod reports;
mod review_cases;
mod search_building;
mod supervision;
mod supervision_exports;
mod three_sync;
mod throttle;
mod upgrade;
