//! Reading an uploaded workbook (.xlsx/.xls) in a child process with limits. The reader library
//! (calamine) is not ours, and fuzzing found inputs of a few kilobytes on which it panics (caught
//! in `domain::sheet`) or asks for terabytes of memory — an allocation failure aborts a process,
//! and no `catch_unwind` can stop that. So the server never parses a workbook itself: it runs
//! `gongkai read-sheet` (a hidden subcommand) with the bytes on stdin, a cap on its address space
//! and CPU time, and a wall-clock timeout. If the child dies, the clerk is told the file cannot be
//! read, and the server, with everyone else's requests, carries on.
//! CSV is read in-process: the parser is our own, and fuzzed (`fuzz/fuzz_targets/sheet_csv.rs`).

use std::io::{Read, Write};
use std::process::{ExitCode, Stdio};
use std::time::Duration;

use gongkai_domain::livelihood::RawRow;
use gongkai_domain::sheet::{self, MAX_SHEET_BYTES};
use tokio::io::AsyncWriteExt;

/// The child's address-space cap: a 10 MB workbook expands to well under this.
const MEMORY_CAP: u64 = 1 << 30;
/// CPU seconds the child may use, and the wall-clock time the server waits for it.
const CPU_SECONDS: u64 = 20;
const WAIT: Duration = Duration::from_secs(30);

const UNREADABLE: &str = "无法读取 Excel 文件：文件已损坏或格式不正确，请用 Excel 重新保存为 .xlsx 后上传";

/// Rows of named cells from an uploaded spreadsheet, as `domain::sheet::read_sheet` gives them;
/// workbooks are read by a child process (see the module comment).
pub async fn read_sheet(filename: &str, bytes: &[u8]) -> Result<Vec<RawRow>, String> {
    if bytes.is_empty() || bytes.len() > MAX_SHEET_BYTES || !sheet::is_workbook(filename, bytes) {
        return sheet::read_sheet(filename, bytes);
    }
    let out = run_child(filename, bytes, false).await?;
    serde_json::from_slice::<Result<Vec<RawRow>, String>>(&out).unwrap_or_else(|_| Err(UNREADABLE.into()))
}

/// The first sheet as (line number, cells), merged cells filled, as `domain::sheet::read_grid`
/// gives it (tables with a two-row header); workbooks are read by the capped child.
pub async fn read_grid(filename: &str, bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, String> {
    if bytes.is_empty() || bytes.len() > MAX_SHEET_BYTES || !sheet::is_workbook(filename, bytes) {
        return sheet::read_grid(filename, bytes);
    }
    let out = run_child(filename, bytes, true).await?;
    serde_json::from_slice::<Result<Vec<(usize, Vec<String>)>, String>>(&out).unwrap_or_else(|_| Err(UNREADABLE.into()))
}

/// Runs `gongkai read-sheet` on the bytes; its stdout, or the message for the clerk.
async fn run_child(filename: &str, bytes: &[u8], grid: bool) -> Result<Vec<u8>, String> {
    let exe = std::env::var_os("GONGKAI_EXE")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::current_exe().ok())
        .ok_or_else(|| UNREADABLE.to_string())?;
    // The child gets nothing of the server's environment (database URL with its credentials,
    // SMTP relay, …): only the log level.
    let child = tokio::process::Command::new(exe)
        .args(["read-sheet", "--name", filename])
        .args(if grid { &["--grid"][..] } else { &[][..] })
        .env_clear()
        .env("GONGKAI_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the workbook reader");
            return Err(UNREADABLE.into());
        }
    };
    let mut stdin = child.stdin.take().expect("stdin piped");
    let input = bytes.to_vec();
    // Written from its own task: a child that dies early must not leave the write blocked.
    let writer = tokio::spawn(async move {
        let _ = stdin.write_all(&input).await;
    });
    let out = match tokio::time::timeout(WAIT, child.wait_with_output()).await {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "workbook reader failed");
            return Err(UNREADABLE.into());
        }
        Err(_) => {
            tracing::warn!(file = filename, "workbook reader timed out and was killed");
            return Err(UNREADABLE.into());
        }
    };
    let _ = writer.await;
    if !out.status.success() {
        tracing::warn!(
            file = filename,
            status = %out.status,
            stderr = %String::from_utf8_lossy(&out.stderr).chars().take(300).collect::<String>(),
            "workbook reader died on an upload"
        );
        return Err(UNREADABLE.into());
    }
    Ok(out.stdout)
}

/// The child: cap itself, read the bytes from stdin, print the result as JSON.
pub fn child(name: &str, grid: bool) -> ExitCode {
    // Without its caps the child does not read the file at all: a reader that could take the
    // machine's memory is what the child exists to prevent.
    if rlimit::setrlimit(rlimit::Resource::AS, MEMORY_CAP, MEMORY_CAP).is_err()
        || rlimit::setrlimit(rlimit::Resource::CPU, CPU_SECONDS, CPU_SECONDS).is_err()
    {
        eprintln!("cannot set the reader's memory and CPU limits; refusing to read the workbook");
        return ExitCode::from(3);
    }
    let mut bytes = vec![];
    if std::io::stdin().take(MAX_SHEET_BYTES as u64 + 1).read_to_end(&mut bytes).is_err() {
        return ExitCode::from(2);
    }
    let mut out = std::io::stdout().lock();
    let written = if grid {
        serde_json::to_writer(&mut out, &sheet::read_grid(name, &bytes))
    } else {
        serde_json::to_writer(&mut out, &sheet::read_sheet(name, &bytes))
    };
    match written.and_then(|()| out.flush().map_err(serde_json::Error::io)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}
