//! The disbursement-list importer as an Excel upload (.xlsx or .xls) reaches it: calamine reads
//! the first sheet, then row validation. Seeded with real workbooks (fuzz/seeds/sheet_xlsx/) so
//! mutations start from valid ZIP/OLE structure.
//!
//! calamine is not ours, and this target found two of its defects: a panic on a malformed .xls
//! (`read_sheet` catches it and returns a message) and a 4 TB allocation request, which aborts any
//! process (the server reads workbooks in a child process capped at 1 GiB: `crates/app/src/
//! sandbox.rs`). This target mirrors that cap: an allocator that refuses to hold more than 1 GiB,
//! and an allocation-error hook that panics instead of aborting, so a refused allocation ends in
//! the same "cannot read" message, and fuzzing goes on. A panic that escapes `read_sheet` still
//! aborts (libfuzzer-sys checks the unwind); caught panics are kept quiet.
#![no_main]
#![feature(alloc_error_hook)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use gongkai_domain::livelihood::{Period, Program, validate_rows};
use gongkai_domain::sheet::read_sheet;
use libfuzzer_sys::fuzz_target;

const CAP: usize = 1 << 30;
static LIVE: AtomicUsize = AtomicUsize::new(0);

struct Capped;

unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if LIVE.fetch_add(l.size(), Relaxed) + l.size() > CAP {
            LIVE.fetch_sub(l.size(), Relaxed);
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc(l) };
        if p.is_null() {
            LIVE.fetch_sub(l.size(), Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        if new_size > l.size() && LIVE.fetch_add(new_size - l.size(), Relaxed) + new_size - l.size() > CAP {
            LIVE.fetch_sub(new_size - l.size(), Relaxed);
            return std::ptr::null_mut();
        }
        let q = unsafe { System.realloc(p, l, new_size) };
        if q.is_null() {
            if new_size > l.size() {
                LIVE.fetch_sub(new_size - l.size(), Relaxed);
            }
        } else if new_size < l.size() {
            LIVE.fetch_sub(l.size() - new_size, Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Capped = Capped;

static SETUP: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    SETUP.call_once(|| {
        std::panic::set_hook(Box::new(|_| {}));
        std::alloc::set_alloc_error_hook(|l| panic!("allocation of {} bytes refused", l.size()));
    });
    let Ok(rows) = read_sheet("名册.xlsx", data) else { return };
    let program = &Program::examples()[0];
    let villages = vec!["温泉村".to_string()];
    if let Ok(check) = validate_rows(&rows, program, &villages, Period::month(2026, 6).unwrap()) {
        let _ = check.into_rows();
    }
});
