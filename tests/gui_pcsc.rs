//! Widget tests of the window on the real PC/SC stack: a private pcscd with
//! the vpcd driver (tests/common), a virtual card served in-process. Run
//! under `dbus-run-session -- xvfb-run -a cargo test --test gui_pcsc`.

mod common;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use adw::prelude::*;
use apdu_scriptor::card::{ReaderInfo, DEMO_READER};
use apdu_scriptor::ui::log_entry::{EntryKind, LogEntry};
use apdu_scriptor::ui::{Application, Window};
use common::card::{TestCard, ATR_T0};
use common::gui::{close_window, wait_until, window};
use common::Bench;

fn reader(w: &Window, name: &str) -> Option<ReaderInfo> {
    w.reader_panel()
        .readers()
        .into_iter()
        .find(|r| r.name == name)
}

fn exchanges(w: &Window) -> Vec<LogEntry> {
    w.log_view()
        .entries()
        .into_iter()
        .filter(|e| e.kind == EntryKind::Exchange)
        .collect()
}

fn load(w: &Window, dir: &std::path::Path, text: &str) {
    let path = dir.join("bench.apdu");
    std::fs::write(&path, text).unwrap();
    assert!(w.open_path(&path));
}

fn run(w: &Window) {
    WidgetExt::activate_action(w, "win.run", None).unwrap();
    wait_until("run finished", 30, || {
        !w.is_running()
            && w.log_view()
                .entries()
                .iter()
                .any(|e| e.kind == EntryKind::Summary)
    });
}

fn run_on_the_virtual_card(app: &Application, dir: &std::path::Path) {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let name = bench.reader_name();
    let w = window(app);
    wait_until("virtual reader listed with its card", 10, || {
        reader(&w, &name).is_some_and(|r| r.card_present)
    });
    assert_eq!(w.reader_panel().reader_names()[0], DEMO_READER);
    load(
        &w,
        dir,
        "00 A4 04 00 02 3F 00\n00 B0 00 00 04 (9000)\n00 CA 00 00 00\n00 C0 00 00 10\n",
    );
    w.reader_panel().select_reader(&name);
    run(&w);
    let x = exchanges(&w);
    let sws: Vec<String> = x.iter().map(|e| e.sw_text()).collect();
    assert_eq!(sws, ["9000", "9000", "6110", "9000"], "{x:#?}");
    assert_eq!(x[1].data(), &[0, 1, 2, 3]);
    assert_eq!(x[1].check, Some(true));
    assert_eq!(x[3].data(), (0xA0..0xB0).collect::<Vec<u8>>().as_slice());
    assert!(x.iter().all(|e| !e.meaning().is_empty()), "meanings shown");
    assert_eq!(w.reader_panel().connected_reader(), Some(name.clone()));
    let connected = w
        .log_view()
        .entries()
        .into_iter()
        .find(|e| e.kind == EntryKind::Reset)
        .expect("connected row");
    assert_eq!(connected.response, ATR_T0);
    close_window(&w);
    drop(bench);
}

fn timestamps_follow_a_slow_card(app: &Application, dir: &std::path::Path) {
    let mut bench = Bench::start();
    let card = TestCard::new(ATR_T0).taking(std::time::Duration::from_millis(15));
    bench.insert_card(Box::new(card));
    let name = bench.reader_name();
    let w = window(app);
    wait_until("virtual reader listed with its card", 10, || {
        reader(&w, &name).is_some_and(|r| r.card_present)
    });
    load(&w, dir, &"00 B0 00 00 04\n".repeat(6));
    w.reader_panel().select_reader(&name);
    run(&w);
    let x = exchanges(&w);
    assert_eq!(x.len(), 6, "{x:#?}");
    // Each row has its own time: when its command was sent, no earlier
    // than the answer to the one before.
    for pair in x.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            a.duration.unwrap() >= std::time::Duration::from_millis(15),
            "{a:?}"
        );
        assert!(
            b.time.0 >= a.time.after(a.duration.unwrap()).0,
            "{} after {} + {:?}",
            b.time,
            a.time,
            a.duration
        );
    }
    assert_ne!(x[0].time, x[5].time, "the times differ");
    close_window(&w);
    drop(bench);
}

fn card_removed_mid_script(app: &Application, dir: &std::path::Path) {
    let mut bench = Bench::start();
    let stop = Arc::new(AtomicBool::new(false));
    let card = TestCard::new(ATR_T0).leaving_on(0xB0, stop.clone());
    bench.insert_cards_with_stop(vec![(0, Box::new(card), stop)]);
    let name = bench.reader_name();
    let w = window(app);
    wait_until("virtual reader listed", 10, || {
        reader(&w, &name).is_some_and(|r| r.card_present)
    });
    let text = "00 A4 04 00 02 3F 00\n00 B0 00 00 04\n00 A4 04 00 02 3F 00\n00 B0 00 00 02\n";
    load(&w, dir, text);
    w.reader_panel().select_reader(&name);
    run(&w);
    let rows = w.log_view().entries();
    let x = exchanges(&w);
    // The card leaves right after answering READ BINARY; on a busy machine
    // its answer may be lost with it, so the error is on line 2 or 3.
    assert!(
        (1..=2).contains(&x.len()),
        "the exchanges before the removal: {rows:#?}"
    );
    assert_eq!(x[0].sw_text(), "9000");
    let failed_line = x.len() + 1;
    assert!(
        rows.iter()
            .any(|e| e.kind == EntryKind::Error && e.line == failed_line),
        "an error row for line {failed_line}: {rows:#?}"
    );
    assert!(
        x.iter().all(|e| e.line < failed_line),
        "nothing sent after the error"
    );
    let summary = rows.last().unwrap();
    assert_eq!(summary.kind, EntryKind::Summary);
    assert_eq!(summary.check, Some(false), "never a success after an error");
    assert_eq!(w.editor().text(), text, "the editor is untouched");
    assert!(!w.editor().buffer().is_modified());
    assert!(w.editor().marked_lines().is_empty());
    wait_until("the panel shows the card gone", 10, || {
        reader(&w, &name).is_some_and(|r| !r.card_present)
    });
    assert_eq!(w.reader_panel().connected_reader(), None);
    close_window(&w);
    drop(bench);
}

/// Whether the button for `action` (or labelled `label`) can be clicked.
fn button_enabled(w: &Window, action_or_label: &str) -> bool {
    let button = common::gui::descendants(w.upcast_ref())
        .into_iter()
        .find(|b| {
            b.downcast_ref::<gtk::Button>()
                .is_some_and(|b| b.action_name().as_deref() == Some(action_or_label))
                || b.downcast_ref::<gtk::MenuButton>().is_some_and(|b| {
                    b.label()
                        .is_some_and(|l| l.replace('_', "") == action_or_label)
                })
        })
        .unwrap_or_else(|| panic!("a button for {action_or_label}"));
    button.is_sensitive()
}

/// The panel tells the truth about the card without a run: the Card group
/// shows the connection (not the reader chosen next), and a pulled card
/// clears it at once, with a log row.
fn card_pulled_while_connected(app: &Application) {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let name = bench.reader_name();
    let w = window(app);
    wait_until("virtual reader listed with its card", 10, || {
        reader(&w, &name).is_some_and(|r| r.card_present)
    });
    let panel = w.reader_panel();
    assert!(
        !button_enabled(&w, "win.disconnect"),
        "nothing to disconnect"
    );
    assert!(!button_enabled(&w, "Reset"), "nothing to reset");
    panel.select_reader(&name);
    assert!(button_enabled(&w, "win.connect"));
    WidgetExt::activate_action(&w, "win.connect", None).unwrap();
    wait_until("connected", 10, || {
        panel.connected_reader() == Some(name.clone())
    });
    let atr_text = apdu_scriptor::apdu::hex_spaced(ATR_T0);
    let connection = panel.connection().unwrap();
    assert_eq!(connection.protocol, apdu_scriptor::card::Protocol::T0);
    assert_eq!(panel.card_status().1, atr_text);
    assert!(button_enabled(&w, "win.disconnect"));
    assert!(button_enabled(&w, "Reset"));

    // Choosing another reader for the next connection changes nothing of
    // what the Card group says about this one.
    let shown = panel.card_status();
    panel.select_reader(DEMO_READER);
    assert_eq!(panel.selected_reader().as_deref(), Some(DEMO_READER));
    assert_eq!(panel.card_status(), shown);
    assert_eq!(panel.connected_reader(), Some(name.clone()));

    let pulled = std::time::Instant::now();
    bench.remove_card();
    wait_until("the panel shows no card", 10, || {
        let (status, atr) = panel.card_status();
        panel.connected_reader().is_none() && atr == "—" && status != shown.0
    });
    println!("card pulled → panel cleared: {:?}", pulled.elapsed());
    let rows = w.log_view().entries();
    assert!(
        rows.iter()
            .any(|e| e.kind == EntryKind::Warning && e.text.contains(&name)),
        "a log row says the card left: {rows:#?}"
    );
    assert!(!button_enabled(&w, "win.disconnect"));
    assert!(!button_enabled(&w, "Reset"));
    close_window(&w);
    drop(bench);
}

/// A card that never answers: the window shows the command it waits for,
/// Stop gives that card up (its reader says so), and the window connects
/// and runs again afterwards.
fn hung_card_is_abandoned_by_stop(app: &Application, dir: &std::path::Path) {
    let mut bench = Bench::start();
    let release = Arc::new(AtomicBool::new(false));
    let card = TestCard::new(ATR_T0).silent_on(0xB0, release.clone());
    bench.insert_cards_with_stop(vec![(0, Box::new(card), release)]);
    let name = bench.reader_name();
    let w = window(app);
    wait_until("virtual reader listed", 10, || {
        reader(&w, &name).is_some_and(|r| r.card_present)
    });
    load(&w, dir, "00 A4 04 00 02 3F 00\n00 B0 00 00 04\n");
    w.reader_panel().select_reader(&name);
    WidgetExt::activate_action(&w, "win.run", None).unwrap();
    wait_until("the command in flight is shown", 10, || {
        w.busy_text().is_some_and(|t| t.contains("00 B0 00 00 04"))
    });
    assert!(w.is_running());
    wait_until(
        "the answer before the silence is shown meanwhile",
        5,
        || exchanges(&w).len() == 1,
    );
    common::gui::shoot_if_asked("busy-card");
    let stopped = std::time::Instant::now();
    WidgetExt::activate_action(&w, "win.stop", None).unwrap();
    wait_until("the silent card is given up", 15, || !w.is_running());
    println!("Stop → run over: {:?}", stopped.elapsed());
    assert_eq!(w.reader_panel().connected_reader(), None);
    let subtitle = w.reader_panel().reader_subtitle(&name).unwrap_or_default();
    assert!(subtitle.contains("not responding"), "{subtitle}");
    let rows = w.log_view().entries();
    assert!(
        rows.iter()
            .any(|e| e.kind == EntryKind::Error && e.text.contains("00 B0 00 00 04")),
        "an error row names the command: {rows:#?}"
    );
    assert!(w.busy_text().is_none());

    // A fresh card thread: connecting and running work again.
    w.reader_panel().select_reader(DEMO_READER);
    WidgetExt::activate_action(&w, "win.connect", None).unwrap();
    wait_until("connected to the demo card", 10, || {
        w.reader_panel().connected_reader().as_deref() == Some(DEMO_READER)
    });
    let before = exchanges(&w).len();
    run(&w);
    assert_eq!(
        exchanges(&w).len(),
        before + 2,
        "both lines ran on the demo card"
    );
    close_window(&w);
    drop(bench);
}

/// pcscd going away while connected: the connection is over at once.
fn pcscd_stopping_clears_the_connection(app: &Application) {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let name = bench.reader_name();
    let w = window(app);
    wait_until("virtual reader listed", 10, || {
        reader(&w, &name).is_some_and(|r| r.card_present)
    });
    w.reader_panel().select_reader(&name);
    WidgetExt::activate_action(&w, "win.connect", None).unwrap();
    wait_until("connected", 10, || {
        w.reader_panel().connected_reader() == Some(name.clone())
    });
    bench.stop_pcscd();
    wait_until("the connection is over", 10, || {
        w.reader_panel().connected_reader().is_none()
    });
    assert_eq!(w.reader_panel().card_status().1, "—");
    close_window(&w);
    drop(bench);
}

fn reader_list_follows_the_card(app: &Application) {
    let mut bench = Bench::start();
    let name = bench.reader_name();
    let w = window(app);
    wait_until("virtual reader listed without a card", 10, || {
        reader(&w, &name).is_some_and(|r| !r.card_present)
    });
    for round in 0..2 {
        bench.insert_card(Box::new(TestCard::new(ATR_T0)));
        wait_until(&format!("card inserted ({round})"), 5, || {
            reader(&w, &name).is_some_and(|r| r.card_present && r.atr.as_deref() == Some(ATR_T0))
        });
        bench.remove_card();
        wait_until(&format!("card removed ({round})"), 5, || {
            reader(&w, &name).is_some_and(|r| !r.card_present)
        });
    }
    assert_eq!(w.reader_panel().reader_names()[0], DEMO_READER);
    // pcscd going away leaves the demo card listed.
    drop(bench);
    wait_until("virtual readers gone", 10, || reader(&w, &name).is_none());
    assert_eq!(w.reader_panel().reader_names(), [DEMO_READER]);
    close_window(&w);
}

type Test = (&'static str, fn(&Application, &std::path::Path));

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    common::gui::use_private_home(tmp.path());
    std::env::set_var("GSK_RENDERER", "cairo");
    // pcsc-lite reads the socket name once: point it at the bench's before
    // the window's reader monitor makes the first PC/SC call.
    std::env::set_var("PCSCLITE_CSOCK_NAME", common::bench_dir().join("s"));
    let (app, _hold) = common::gui::start_app();
    let tests: &[Test] = &[
        ("run_on_the_virtual_card", run_on_the_virtual_card),
        ("card_removed_mid_script", card_removed_mid_script),
        (
            "timestamps_follow_a_slow_card",
            timestamps_follow_a_slow_card,
        ),
        (
            "hung_card_is_abandoned_by_stop",
            hung_card_is_abandoned_by_stop,
        ),
        ("card_pulled_while_connected", |a, _| {
            card_pulled_while_connected(a);
        }),
        ("pcscd_stopping_clears_the_connection", |a, _| {
            pcscd_stopping_clears_the_connection(a);
        }),
        ("reader_list_follows_the_card", |a, _| {
            reader_list_follows_the_card(a);
        }),
    ];
    common::gui::run_tests(&app, tests, |f| f(&app, tmp.path()));
}
