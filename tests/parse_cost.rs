//! What reading and checking a script costs in memory, as `run` does it:
//! at most 3 times the script's size, valid or not (counted by a global
//! allocator that records the peak of live heap bytes).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use apdu_scriptor::files::read_text;
use apdu_scriptor::script::{statements, MAX_ERRORS};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout goes to the system allocator as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static A: Counting = Counting;

/// Peak heap bytes above what was live before, while `f` runs.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = f();
    (r, PEAK.load(Ordering::Relaxed) - base)
}

fn file_of(line: &str, size: usize) -> Vec<u8> {
    line.repeat(size / line.len()).into_bytes()
}

/// Read (bounded), check (errors only), then run statement by statement.
fn as_run_does(bytes: &[u8]) -> (usize, usize) {
    let text = read_text(bytes, u64::MAX, bytes.len() as u64).unwrap();
    let checked = statements(&text).finish();
    let mut n = 0;
    if checked.errors.is_empty() {
        for s in statements(&text) {
            std::hint::black_box(&s);
            n += 1;
        }
    }
    (n, checked.error_count())
}

// One test function: the counters are process-wide.
#[test]
fn reading_and_checking_costs_at_most_three_times_the_script() {
    const SIZE: usize = 8 << 20;
    let pair = "00 A4 04 00 07 A0 00 00 00 03 10 10\n00b0000010\n";
    let valid = file_of(pair, SIZE);
    let ((n, errors), peak) = peak_of(|| as_run_does(&valid));
    eprintln!("valid: peak {peak} bytes for {} bytes", valid.len());
    assert_eq!(errors, 0);
    assert_eq!(n, valid.len() / pair.len() * 2);
    assert!(
        peak <= 3 * valid.len(),
        "valid: peak {peak} bytes for {} bytes",
        valid.len()
    );

    let invalid = file_of("this is not a script at all\n", SIZE);
    let ((n, errors), peak) = peak_of(|| as_run_does(&invalid));
    eprintln!("invalid: peak {peak} bytes for {} bytes", invalid.len());
    assert_eq!(n, 0);
    assert_eq!(errors, invalid.len() / 28);
    assert!(
        peak <= 3 * invalid.len(),
        "invalid: peak {peak} bytes for {} bytes",
        invalid.len()
    );
    let listed = statements(std::str::from_utf8(&invalid).unwrap()).finish();
    assert_eq!(listed.errors.len(), MAX_ERRORS);
    assert_eq!(listed.more_errors, invalid.len() / 28 - MAX_ERRORS);
}
