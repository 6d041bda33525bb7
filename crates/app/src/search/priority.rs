//! The index writer first. In an import that writes the search index itself, tantivy's one
//! indexing thread is the pipeline's bottleneck: at 200,000 items it was runnable 85 % of the run
//! but on a core only 64 %, the rest of the time waiting behind the import's other stages
//! (checking lines, SQLite's writer, reading rows back) on two cores (BENCHMARKS.md, "thirteenth
//! steps"). So those stages yield: every other thread of the process runs at a lower priority
//! (Linux's nice value, which is per thread and inherited by the threads a thread starts), and
//! the index's threads take the cores first; the rest use what the index leaves.
//!
//! An unprivileged process cannot raise a thread's priority back, so this is for the rest of the
//! process (an import's process ends after it), and the threads tantivy starts later must be
//! started by a thread kept at its priority: the import's index writer thread (`WRITER_THREAD`),
//! which adds and commits (a commit starts tantivy's next indexing thread).

/// The name of the thread that adds the import's documents and commits them.
pub const WRITER_THREAD: &str = "index-writer";

/// How far the other threads yield: nice 10 gets about a tenth of a core's share beside a thread
/// at 0 that wants the core, and all of it when that thread waits.
#[cfg(target_os = "linux")]
const NICE: i32 = 10;

/// The threads that keep their priority: the import's writer thread and tantivy's own
/// (indexing, store compression, segment updates, merges), by the first 15 bytes of the names
/// they are given: what Linux keeps of a thread's name.
const KEPT: [&str; 5] = [WRITER_THREAD, "thrd-tantivy-in", "docstore-compre", "segment_updater", "merge_thread_"];

/// Whether a thread of this name keeps its priority (`favour_the_index_writer`).
pub fn keeps_priority(thread_name: &str) -> bool {
    KEPT.iter().any(|k| thread_name.starts_with(k))
}

/// Lower every thread of this process but the index writer's and tantivy's (`keeps_priority`) to
/// nice 10, and so every thread they start from now on: how many were lowered. Where threads'
/// priorities cannot be read (not Linux) nothing changes.
pub fn favour_the_index_writer() -> std::io::Result<usize> {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Pid, getpriority_process, setpriority_process};
        let mut lowered = 0;
        for task in std::fs::read_dir("/proc/self/task")? {
            let task = task?;
            // A thread may end between the listing and the reading: skip it.
            let Ok(name) = std::fs::read_to_string(task.path().join("comm")) else { continue };
            let Some(pid) = task.file_name().to_str().and_then(|t| t.parse().ok()).and_then(Pid::from_raw) else {
                continue;
            };
            if keeps_priority(name.trim_end()) {
                continue;
            }
            let Ok(now) = getpriority_process(Some(pid)) else { continue };
            if now < NICE && setpriority_process(Some(pid), NICE).is_ok() {
                lowered += 1;
            }
        }
        Ok(lowered)
    }
    #[cfg(not(target_os = "linux"))]
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_writer_and_tantivys_threads_keep_their_priority_and_no_other() {
        for kept in [
            "index-writer",
            "thrd-tantivy-index0",
            "thrd-tantivy-index12",
            "docstore-compressor-thread",
            "segment_updater",
            "merge_thread_0",
        ] {
            assert!(keeps_priority(kept), "{kept}");
        }
        // Linux keeps 15 bytes of a thread's name: tantivy's names as /proc shows them.
        for shown in ["thrd-tantivy-in", "docstore-compre", "merge_thread_0", "segment_updater"] {
            assert!(keeps_priority(shown), "{shown}");
        }
        for lowered in ["gongkai", "tokio-runtime-worker", "sqlx-sqlite-worker-3", "import-check", "main"] {
            assert!(!keeps_priority(lowered), "{lowered}");
        }
    }

    /// The real thing, on Linux: a thread named as the writer keeps its priority, this one is
    /// lowered, and a thread started after by the writer keeps the writer's (as tantivy's next
    /// indexing thread does). It lowers the test process's other threads too, for good: they
    /// only run slower beside other processes.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_writer_keeps_its_priority_the_rest_yield_and_the_writers_threads_inherit_it() {
        use rustix::process::getpriority_process;
        let mine = || getpriority_process(Some(rustix::thread::gettid())).expect("priority");
        let before = mine();
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let (started, running) = std::sync::mpsc::channel::<()>();
        let writer = std::thread::Builder::new()
            .name(WRITER_THREAD.into())
            .spawn(move || {
                started.send(()).expect("test waiting");
                wait.recv().expect("told to go on");
                let child = std::thread::spawn(mine).join().expect("child");
                (mine(), child)
            })
            .expect("spawn");
        // A thread's name is set as it starts: lower the others once it runs.
        running.recv().expect("writer started");
        let lowered = favour_the_index_writer().expect("lowered");
        // (Run under `nice`, every thread may be as low already: nothing to lower.)
        assert!(lowered >= 1 || before >= NICE, "{lowered} threads lowered from {before}");
        assert_eq!(mine(), before.max(NICE));
        go.send(()).expect("writer waiting");
        let (writer_now, its_child) = writer.join().expect("writer");
        assert_eq!(writer_now, before, "the writer keeps its priority");
        assert_eq!(its_child, before, "a thread the writer starts inherits the writer's priority");
    }
}
