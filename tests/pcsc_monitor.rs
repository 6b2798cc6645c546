//! The reader monitor on a real private pcscd: card events, pcscd restarts,
//! cancellation.

mod common;

use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use apdu_scriptor::card::monitor::{Monitor, MonitorEvent};
use apdu_scriptor::card::{CardError, ReaderInfo};
use common::card::{TestCard, ATR_T0, ATR_T1};
use common::Bench;

/// A generous bound so a broken monitor fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(20);

fn spawn() -> (Monitor, Receiver<MonitorEvent>) {
    let (tx, rx) = channel();
    let monitor = Monitor::spawn(move |e| {
        let _ = tx.send(e);
    });
    (monitor, rx)
}

/// The first event that satisfies `want`, with the events seen before it.
fn expect(
    rx: &Receiver<MonitorEvent>,
    what: &str,
    want: impl Fn(&MonitorEvent) -> bool,
) -> MonitorEvent {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(e) if want(&e) => return e,
            Ok(e) => seen.push(e),
            Err(_) => panic!("no event: {what}; saw {seen:?}"),
        }
    }
}

fn readers(e: &MonitorEvent) -> Option<&[ReaderInfo]> {
    match e {
        MonitorEvent::Readers(r) => Some(r),
        MonitorEvent::Unavailable(_) => None,
    }
}

fn first_card(e: &MonitorEvent) -> Option<Option<Vec<u8>>> {
    readers(e)
        .and_then(|r| r.first().cloned())
        .map(|r| r.card_present.then(|| r.atr.unwrap_or_default()))
}

#[test]
fn reports_card_insertion_and_removal() {
    let mut bench = Bench::start();
    let (monitor, rx) = spawn();
    let first = expect(&rx, "initial readers", |e| readers(e).is_some());
    let list = readers(&first).unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0].name, bench.reader_name());
    assert!(!list[0].card_present);

    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    expect(&rx, "card inserted", |e| {
        first_card(e) == Some(Some(ATR_T0.to_vec()))
    });
    bench.remove_card();
    expect(&rx, "card removed", |e| first_card(e) == Some(None));
    // A different card: the new ATR is reported.
    bench.insert_card(Box::new(TestCard::new(ATR_T1)));
    expect(&rx, "second card", |e| {
        first_card(e) == Some(Some(ATR_T1.to_vec()))
    });
    monitor.stop();
}

#[test]
fn recovers_when_pcscd_restarts() {
    let mut bench = Bench::start();
    let (monitor, rx) = spawn();
    expect(&rx, "initial readers", |e| {
        readers(e).is_some_and(|r| r.len() == 2)
    });

    bench.stop_pcscd();
    let down = expect(&rx, "unavailable", |e| {
        matches!(e, MonitorEvent::Unavailable(_))
    });
    assert!(
        matches!(
            down,
            MonitorEvent::Unavailable(CardError::NoService | CardError::ServiceStopped)
        ),
        "{down:?}"
    );

    bench.start_pcscd();
    expect(&rx, "readers back", |e| {
        readers(e).is_some_and(|r| r.len() == 2)
    });
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    expect(&rx, "card after restart", |e| {
        first_card(e) == Some(Some(ATR_T0.to_vec()))
    });
    monitor.stop();
}

#[test]
fn starts_without_pcscd_and_finds_it_later() {
    let mut bench = Bench::start();
    bench.stop_pcscd();
    let (monitor, rx) = spawn();
    let first = expect(&rx, "first event", |_| true);
    assert_eq!(first, MonitorEvent::Unavailable(CardError::NoService));
    bench.start_pcscd();
    expect(&rx, "readers", |e| readers(e).is_some_and(|r| r.len() == 2));
    drop(monitor);
}

#[test]
fn stop_cancels_the_blocking_wait() {
    let _bench = Bench::start();
    let (monitor, rx) = spawn();
    expect(&rx, "initial readers", |e| readers(e).is_some());
    // The thread now blocks in SCardGetStatusChange with no timeout; only
    // SCardCancel can end it.
    let (done_tx, done_rx) = channel();
    std::thread::spawn(move || {
        monitor.stop();
        let _ = done_tx.send(());
    });
    assert!(done_rx.recv_timeout(PATIENCE).is_ok(), "stop() hung");
    // The callback is gone with the thread.
    assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
}
