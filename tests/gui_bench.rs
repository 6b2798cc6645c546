//! GUI benchmark (`cargo test --release --test gui_bench -- --bench`, under
//! `xvfb-run` and `dbus-run-session`; without `--bench` it does nothing): start-up to first frame, a 10 000-APDU script on the
//! demo card in the window against the command line, the longest main-loop
//! stall during that run, and 100 000 log rows (append, scroll, memory).
//! Prints figures; it asserts nothing about time.

mod common;

use std::cell::{Cell, RefCell};
use std::path::Path;
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use adw::prelude::*;
use apdu_scriptor::card::DEMO_READER;
use apdu_scriptor::ui::log_entry::{EntryKind, LogEntry, Time};
use apdu_scriptor::ui::log_row::LogRow;
use apdu_scriptor::ui::Window;
use gtk::glib;

fn iterate_until(secs: u64, mut cond: impl FnMut() -> bool) -> bool {
    let ctx = glib::MainContext::default();
    let deadline = Instant::now() + Duration::from_secs(secs);
    // Blocking iterations, as the application's own main loop does; the tick
    // only makes sure the deadline is seen when nothing else happens.
    let tick = glib::timeout_add_local(Duration::from_millis(20), || glib::ControlFlow::Continue);
    let met = loop {
        if cond() {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        ctx.iteration(true);
    };
    tick.remove();
    met
}

/// The kind of the log's last row, without copying the log.
fn last_kind(w: &Window) -> Option<EntryKind> {
    let store = w.log_view().store();
    let n = store.n_items();
    let row = store.item(n.checked_sub(1)?)?.downcast::<LogRow>().ok()?;
    Some(row.entry().kind)
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// CPU time (user + system) of this process so far.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // fields 14 and 15 (utime, stime) are at 11 and 12 after the name
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn binary() -> std::path::PathBuf {
    Path::new(env!("CARGO_BIN_EXE_apdu-scriptor")).to_path_buf()
}

/// Start the binary until its first frame is drawn, 11 times after one
/// launch that is not counted (the first start in a D-Bus session also
/// starts the accessibility bus, which later starts find running), each
/// time just before the baseline: both see the same load on the machine.
fn first_frame(home: &Path) {
    // The baseline: tools/bench-gui.sh builds it next to the test binary.
    let baseline = std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.parent()?.join("examples/empty_window")))
        .filter(|p| p.exists());
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    let (mut ours_cpu, mut base_cpu) = (Vec::new(), Vec::new());
    for i in 0..12 {
        let a = start_once(&binary(), home);
        let b = baseline.as_deref().and_then(|b| start_once(b, home));
        if i > 0 {
            ours.extend(a.map(|a| a.0));
            ours_cpu.extend(a.map(|a| a.1));
            base.extend(b.map(|b| b.0));
            base_cpu.extend(b.map(|b| b.1));
        }
    }
    let a = report_starts(&mut ours, "apdu-scriptor");
    let b = report_starts(&mut base, "empty AdwApplicationWindow");
    match (a, b) {
        (Some(a), Some(b)) => println!(
            "start to first frame: {:.2}× the empty window",
            a.as_secs_f64() / b.as_secs_f64()
        ),
        _ => println!("(no baseline: cargo build --release --example empty_window)"),
    }
    // CPU time varies less than wall time on a busy machine.
    let (a, b) = (median(&mut ours_cpu), median(&mut base_cpu));
    if !b.is_zero() {
        println!(
            "CPU time from start to exit after the first frame: median {a:.0?} against {b:.0?}, {:.2}×",
            a.as_secs_f64() / b.as_secs_f64()
        );
    }
}

/// User and system CPU time of the children waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage struct.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// The time from start to first frame of `exe`, and the CPU time it used
/// (until it quit).
fn start_once(exe: &Path, home: &Path) -> Option<(Duration, Duration)> {
    let cpu = children_cpu();
    let start = Instant::now();
    let mut child = Command::new(exe)
        .env("APDU_SCRIPTOR_EXIT_AFTER_FIRST_FRAME", "1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("ff-config"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    // Timed when the window says it has drawn, not when it has exited.
    let drawn = child.stdout.take().and_then(|out| {
        std::io::BufRead::lines(std::io::BufReader::new(out))
            .map_while(Result::ok)
            .any(|l| l == "first-frame")
            .then(|| start.elapsed())
    });
    let _ = child.wait();
    Some((drawn?, children_cpu() - cpu))
}

/// Print the median of `times` (and its range); return it.
fn report_starts(times: &mut [Duration], what: &str) -> Option<Duration> {
    let mid = median(times);
    let (first, last) = (*times.first()?, *times.last()?);
    println!(
        "start to first frame, {what}: median {mid:.0?} of {} starts ({first:.0?} to {last:.0?})",
        times.len()
    );
    Some(mid)
}

/// Longest gap between ticks of a 5 ms timer, reset by `reset`. With
/// `BENCH_PROFILE` set it also keeps every gap over 16 ms, for
/// [`FrameProfile::report`].
struct StallMeter {
    last: Rc<Cell<Instant>>,
    max: Rc<Cell<Duration>>,
    /// Gaps over 16 ms: when each ended, and how long it was.
    long: Rc<RefCell<Vec<(Instant, Duration)>>>,
    _source: glib::SourceId,
}

impl StallMeter {
    fn start() -> StallMeter {
        let last = Rc::new(Cell::new(Instant::now()));
        let max = Rc::new(Cell::new(Duration::ZERO));
        let long: Rc<RefCell<Vec<(Instant, Duration)>>> = Rc::default();
        let (l, m, g) = (last.clone(), max.clone(), long.clone());
        let source = glib::timeout_add_local(Duration::from_millis(5), move || {
            let now = Instant::now();
            let gap = now - l.get();
            m.set(m.get().max(gap));
            if gap > Duration::from_millis(16) {
                g.borrow_mut().push((now, gap));
            }
            l.set(now);
            glib::ControlFlow::Continue
        });
        StallMeter {
            last,
            max,
            long,
            _source: source,
        }
    }
    fn reset(&self) {
        self.last.set(Instant::now());
        self.max.set(Duration::ZERO);
        self.long.borrow_mut().clear();
    }
}

/// One frame of the window's frame clock: when it began, and how long its
/// update (tick callbacks), layout and paint (snapshot and render) took.
#[derive(Clone, Copy)]
struct Frame {
    start: Instant,
    update: Duration,
    layout: Duration,
    paint: Duration,
}

/// With `BENCH_PROFILE` set: the frame clock's phases of every frame, to
/// tell what each long gap of the [`StallMeter`] was made of.
struct FrameProfile {
    frames: Rc<RefCell<Vec<Frame>>>,
}

impl FrameProfile {
    fn start(w: &Window) -> Option<FrameProfile> {
        std::env::var_os("BENCH_PROFILE")?;
        let clock = w.frame_clock()?;
        let frames: Rc<RefCell<Vec<Frame>>> = Rc::default();
        // Connected after GTK's own handlers: each mark is the end of a
        // phase (a frame runs only the phases it needs).
        let marks: Rc<RefCell<Vec<(&'static str, Instant)>>> = Rc::default();
        let m = marks.clone();
        clock.connect_before_paint(move |_| {
            let mut m = m.borrow_mut();
            m.clear();
            m.push(("before", Instant::now()));
        });
        for phase in ["update", "layout", "paint"] {
            let m = marks.clone();
            clock.connect_local(phase, false, move |_| {
                m.borrow_mut().push((phase, Instant::now()));
                None
            });
        }
        let (m, f) = (marks.clone(), frames.clone());
        clock.connect_after_paint(move |_| {
            let m = m.borrow();
            let Some(&(_, start)) = m.first() else {
                return;
            };
            let mut frame = Frame {
                start,
                update: Duration::ZERO,
                layout: Duration::ZERO,
                paint: Duration::ZERO,
            };
            for pair in m.windows(2) {
                let d = pair[1].1 - pair[0].1;
                match pair[1].0 {
                    "update" => frame.update += d,
                    "layout" => frame.layout += d,
                    _ => frame.paint += d,
                }
            }
            f.borrow_mut().push(frame);
            let took = frame.update + frame.layout + frame.paint;
            if took > Duration::from_millis(16) && std::env::var_os("BENCH_PROFILE_DEBUG").is_some()
            {
                // CLOCK_MONOTONIC, as `perf record -k CLOCK_MONOTONIC` stamps samples.
                let now = glib::monotonic_time();
                eprintln!(
                    "long frame: {:.6} to {:.6}",
                    (now - took.as_micros() as i64) as f64 / 1e6,
                    now as f64 / 1e6
                );
            }
        });
        Some(FrameProfile { frames })
    }

    fn reset(&self) {
        self.frames.borrow_mut().clear();
    }

    /// Each long gap: the frames inside it and the time outside frames
    /// (other main-loop work: the log's appends, the worker's events).
    fn report(&self, what: &str, meter: &StallMeter) {
        let frames = self.frames.borrow();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mut worst: Vec<(Instant, Duration)> = meter.long.borrow().clone();
        worst.sort_by_key(|g| std::cmp::Reverse(g.1));
        println!(
            "profile, {what}: {} frames, {} gaps over 16 ms",
            frames.len(),
            worst.len()
        );
        let all = |f: fn(&Frame) -> Duration| {
            let mut v: Vec<Duration> = frames.iter().map(f).collect();
            let med = median(&mut v);
            (ms(med), ms(v.last().copied().unwrap_or_default()))
        };
        let (u, um) = all(|f| f.update);
        let (l, lm) = all(|f| f.layout);
        let (p, pm) = all(|f| f.paint);
        println!(
            "  frames: update median {u:.1} max {um:.1} ms, layout median {l:.1} max {lm:.1} ms, paint median {p:.1} max {pm:.1} ms"
        );
        for &(end, gap) in worst.iter().take(12) {
            let begin = end - gap;
            let inside: Vec<&Frame> = frames
                .iter()
                .filter(|f| f.start >= begin && f.start < end)
                .collect();
            let in_frames: Duration = inside.iter().map(|f| f.update + f.layout + f.paint).sum();
            let phases: Vec<String> = inside
                .iter()
                .map(|f| {
                    format!(
                        "[update {:.1} layout {:.1} paint {:.1}]",
                        ms(f.update),
                        ms(f.layout),
                        ms(f.paint)
                    )
                })
                .collect();
            println!(
                "  gap {:.1} ms: outside frames {:.1} ms; {}",
                ms(gap),
                ms(gap.saturating_sub(in_frames)),
                phases.join(" ")
            );
        }
    }
}

fn script_run(w: &Window, dir: &Path, meter: &StallMeter, profile: Option<&FrameProfile>) {
    let n = 10_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(if i % 2 == 0 {
            "00 A4 00 00 02 3F 00\n"
        } else {
            "00 B0 00 00 04\n"
        });
    }
    let path = dir.join("bench.apdu");
    std::fs::write(&path, &text).unwrap();

    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let mut cli_times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let cli = Command::new(binary())
            .args(["run", "--demo"])
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if matches!(cli, Ok(s) if s.success()) {
            cli_times.push(start.elapsed());
        }
    }
    let cli_time = median(&mut cli_times);
    println!(
        "command line, {n} APDUs on the demo card: median {cli_time:.1?} of {} runs",
        cli_times.len()
    );

    w.open_path(&path);
    w.reader_panel().select_reader(DEMO_READER);
    // Connected first, as in a session: the run alone is timed.
    WidgetExt::activate_action(w, "win.connect", None).unwrap();
    iterate_until(10, || w.reader_panel().connected_reader().is_some());
    iterate_until(1, || false);
    let paints = Rc::new(Cell::new(0u64));
    let p = paints.clone();
    let clock = w.frame_clock().expect("a mapped window");
    let counter = clock.connect_after_paint(move |_| p.set(p.get() + 1));
    let mut gui_times = Vec::new();
    let mut drawn_times = Vec::new();
    let mut stall = Duration::ZERO;
    let mut rows = 0;
    let mut engine = Duration::ZERO;
    for _ in 0..runs {
        w.log_view().clear();
        iterate_until(1, || false);
        meter.reset();
        if let Some(p) = profile {
            p.reset();
        }
        let start = Instant::now();
        WidgetExt::activate_action(w, "win.run", None).unwrap();
        let done = iterate_until(120, || {
            !w.is_running() && last_kind(w) == Some(EntryKind::Summary)
        });
        if done {
            gui_times.push(start.elapsed());
        }
        // The frames that show the run's last rows count too.
        let painted = paints.get();
        if iterate_until(2, || paints.get() > painted) && done {
            drawn_times.push(start.elapsed());
        }
        iterate_until(1, || {
            start.elapsed()
                > gui_times.last().copied().unwrap_or_default() + Duration::from_millis(150)
        });
        stall = stall.max(meter.max.get());
        if let Some(p) = profile {
            p.report("run", meter);
        }
        rows = w.log_view().store().n_items();
        engine = w
            .log_view()
            .entries()
            .last()
            .and_then(|e| e.duration)
            .unwrap_or_default();
    }
    clock.disconnect(counter);
    let gui_time = median(&mut gui_times);
    println!("engine time of the last run in the worker: {engine:.1?}");
    println!(
        "window, {n} APDUs on the demo card: median {gui_time:.1?} of {} runs ({rows} rows), {:.2}x the command line",
        gui_times.len(),
        gui_time.as_secs_f64() / cli_time.as_secs_f64()
    );
    println!(
        "window, to the first frame after the last row: median {:.1?}, {:.2}x the command line",
        median(&mut drawn_times),
        median(&mut drawn_times).as_secs_f64() / cli_time.as_secs_f64()
    );
    println!("longest main-loop stall during the runs (and their last frames): {stall:.0?}");
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}
fn many_rows(w: &Window, meter: &StallMeter, profile: Option<&FrameProfile>) {
    let log = w.log_view();
    log.clear();
    let before = rss_mb();
    meter.reset();
    if let Some(p) = profile {
        p.reset();
    }
    let start = Instant::now();
    let template = LogEntry {
        // Wrapped as in the log: the command, then 40 bytes on 3 lines.
        command: vec![0x00, 0xB0, 0x00, 0x00, 0x28],
        response: (0u8..40).chain([0x90, 0x00]).collect(),
        duration: Some(Duration::from_micros(120)),
        ..LogEntry::message(EntryKind::Exchange, Time(43_200_000), 1, String::new())
    };
    let total: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    for chunk in 0..(total / 500) {
        let batch: Vec<LogEntry> = (0..500)
            .map(|i| LogEntry {
                line: chunk * 500 + i + 1,
                ..template.clone()
            })
            .collect();
        log.append(batch);
        glib::MainContext::default().iteration(false);
    }
    iterate_until(5, || false);
    println!(
        "{total} rows appended in {:.0?}; longest stall {:.0?}",
        start.elapsed() - Duration::from_secs(5),
        meter.max.get()
    );
    let scroller = log
        .list_view()
        .parent()
        .and_downcast::<gtk::ScrolledWindow>()
        .expect("scrolled window");
    if let Some(p) = profile {
        p.report("append", meter);
        p.reset();
    }
    let adj = scroller.vadjustment();
    meter.reset();
    let start = Instant::now();
    let cpu = cpu_time();
    let steps = 200;
    for i in 0..=steps {
        adj.set_value(adj.upper() * f64::from(i) / f64::from(steps));
        let t = Instant::now();
        while t.elapsed() < Duration::from_millis(10) {
            glib::MainContext::default().iteration(false);
        }
    }
    println!(
        "scrolled through {total} rows in {steps} jumps: {:.0?} ({:.0?} CPU in this process), longest stall {:.0?}",
        start.elapsed(),
        cpu_time() - cpu,
        meter.max.get()
    );
    if let Some(p) = profile {
        p.report("scroll", meter);
    }
    println!(
        "resident memory: {:.0} MB with {total} rows ({:.0} MB before)",
        rss_mb(),
        before
    );
    // What an export still does on the main loop: take the rows.
    let t = Instant::now();
    let rows = log.entries();
    println!(
        "export: the {} rows taken in {:.0?} on the main loop (written on a thread)",
        rows.len(),
        t.elapsed()
    );
}

/// Typing in a 100 000-line script: per keystroke (typed as the text view
/// types, in a user action at the cursor), the time until the editor's
/// error count says the edit is validated, and until the next frame is
/// painted; the longest main-loop stall while typing.
fn typing(app: &impl IsA<gtk::Application>, dir: &Path) {
    let n = 100_000;
    let mut text = String::with_capacity(n * 21);
    for i in 0..n {
        text.push_str(if i % 2 == 0 {
            "00 A4 00 00 02 3F 00\n"
        } else {
            "00 B0 00 00 04\n"
        });
    }
    let path = dir.join("typing.apdu");
    std::fs::write(&path, &text).unwrap();
    let w = Window::new(app);
    w.set_default_size(1280, 800);
    w.present();
    iterate_until(10, || w.is_mapped());
    let t = Instant::now();
    w.open_path(&path);
    let opened = t.elapsed();
    let editor = w.editor();
    iterate_until(10, || editor.error_count() == 0);
    iterate_until(1, || false);
    println!("typing: {n}-line script opened and validated in {opened:.0?}");
    let buffer = editor.buffer();
    editor.view().grab_focus();
    let meter = StallMeter::start();
    let ctx = glib::MainContext::default();
    // Frames painted, to time a keystroke until the screen shows it.
    let painted = Rc::new(Cell::new(0u64));
    let clock = w.frame_clock().expect("a mapped window has a frame clock");
    let p = painted.clone();
    let paint = clock.connect_after_paint(move |_| p.set(p.get() + 1));
    let keys = 40;
    let (mut validated, mut shown) = (Vec::new(), Vec::new());
    let mut stall = Duration::ZERO;
    for k in 0..keys {
        // A line in the middle, then the next ones, as someone editing.
        let line = (n / 2 + k * 7) as i32;
        if k % 2 == 0 {
            if let Some(at) = buffer.iter_at_line(line) {
                buffer.place_cursor(&at);
            }
        }
        // Let the cursor's move settle, so that only the key is timed.
        let pause = Instant::now();
        while pause.elapsed() < Duration::from_millis(60) {
            ctx.iteration(false);
        }
        meter.reset();
        // "0" at the start of a line makes an odd token (one error); the
        // second "0" makes it even again.
        let want = if k % 2 == 0 { 1 } else { 0 };
        let start = Instant::now();
        buffer.begin_user_action();
        buffer.insert_interactive_at_cursor("0", true);
        buffer.end_user_action();
        if !iterate_until(5, || editor.error_count() == want) {
            println!("typing: keystroke {k} never validated");
            continue;
        }
        validated.push(start.elapsed());
        // The frame that shows it (a frame may have shown the key before).
        let frames = painted.get();
        if iterate_until(5, || painted.get() > frames) {
            shown.push(start.elapsed());
        }
        let t = Instant::now();
        while t.elapsed() < Duration::from_millis(30) {
            ctx.iteration(false);
        }
        stall = stall.max(meter.max.get());
    }
    clock.disconnect(paint);
    let (v, f) = (median(&mut validated), median(&mut shown));
    println!(
        "typing in a {n}-line script, {} keystrokes: validated after median {v:.1?} (max {:.1?}); validated text on screen (the next frame painted): median {f:.1?} (max {:.1?})",
        validated.len(),
        validated.last().copied().unwrap_or_default(),
        shown.last().copied().unwrap_or_default(),
    );
    println!("typing: longest main-loop stall while typing {stall:.1?}");
    buffer.set_modified(false);
    w.close();
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let only_rows = std::env::var_os("BENCH_ONLY_ROWS").is_some();
    let only_run = std::env::var_os("BENCH_ONLY_RUN").is_some();
    let only_start = std::env::var_os("BENCH_ONLY_START").is_some();
    let only_typing = std::env::var_os("BENCH_ONLY_TYPING").is_some();
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    common::gui::use_private_home(&home);
    if !only_rows && !only_run && !only_typing {
        first_frame(&home);
    }
    if only_start {
        return;
    }

    let (app, _hold) = common::gui::start_app();
    if !only_rows && !only_run {
        typing(&app, tmp.path());
    }
    if only_typing {
        return;
    }
    let w = Window::new(&app);
    w.set_default_size(1280, 800);
    w.present();
    iterate_until(10, || w.is_mapped());
    let meter = StallMeter::start();
    let profile = FrameProfile::start(&w);
    if !only_rows {
        script_run(&w, tmp.path(), &meter, profile.as_ref());
    }
    if !only_run {
        many_rows(&w, &meter, profile.as_ref());
    }
    w.editor().buffer().set_modified(false);
    w.close();
}
