//! The PC/SC worker: a named thread that owns the card connection and runs
//! scripts, so the UI never waits on a card. Requests go in and events come
//! out over `async-channel`; the reader monitor runs beside it. GTK-free.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use async_channel::{Receiver, Sender};

use crate::card::monitor::{Monitor, MonitorEvent};
use crate::card::{self, Card, CardError, Disposition, Protocol, ReaderInfo, ShareMode};
use crate::engine::{self, EngineEvent, EngineOptions, Outcome, Summary};
use crate::script::Statement;

/// What the UI asks of the worker.
#[derive(Debug, Clone)]
pub enum Request {
    Connect {
        reader: String,
        protocol: Protocol,
        share: ShareMode,
    },
    Disconnect {
        disposition: Disposition,
    },
    Reset {
        cold: bool,
    },
    Run {
        statements: Vec<Statement>,
        options: EngineOptions,
    },
    /// Stop a running script between two APDUs.
    Stop,
    /// Disconnect and end the worker threads.
    Shutdown,
}

/// What the worker tells the UI.
#[derive(Debug, Clone)]
pub enum Event {
    /// The readers now: the demo reader first, then the PC/SC readers.
    Readers(Vec<ReaderInfo>),
    /// PC/SC is unavailable (no pcscd…); the monitor keeps retrying.
    PcscUnavailable(CardError),
    Connected {
        reader: String,
        atr: Vec<u8>,
        protocol: Protocol,
        share: ShareMode,
    },
    Disconnected,
    /// A reset asked from the reader panel: the new ATR or the error.
    ResetDone(Result<Vec<u8>, CardError>),
    RunStarted,
    /// Engine events of a run, batched so a fast card does not flood the
    /// main loop with one wake-up per APDU.
    Exchanges(Vec<EngineEvent>),
    RunFinished(Summary),
    /// A failed request, with a translated message and hint.
    Error {
        error: CardError,
        message: String,
        hint: Option<String>,
    },
}

impl Event {
    fn error(error: CardError) -> Event {
        Event::Error {
            message: error.message(),
            hint: error.hint(),
            error,
        }
    }
}

/// Flush a batch of engine events when it is this old or this big.
const BATCH_AGE: Duration = Duration::from_millis(30);
const BATCH_LEN: usize = 256;

pub struct Worker;

impl Worker {
    /// Start the worker and its reader monitor.
    pub fn spawn() -> (Sender<Request>, Receiver<Event>) {
        Worker::spawn_with_monitor(true)
    }

    /// `monitor == false` lists only the demo reader (tests without PC/SC).
    pub fn spawn_with_monitor(monitor: bool) -> (Sender<Request>, Receiver<Event>) {
        let (req_tx, req_rx) = async_channel::unbounded::<Request>();
        let (ev_tx, ev_rx) = async_channel::unbounded::<Event>();
        let (fwd_tx, fwd_rx) = mpsc::channel::<Request>();
        let stop = Arc::new(AtomicBool::new(false));

        // The router reads requests while the card thread may be busy in a
        // run, so that Stop takes effect at once.
        let router_stop = stop.clone();
        std::thread::Builder::new()
            .name("apdu-requests".into())
            .spawn(move || {
                while let Ok(req) = req_rx.recv_blocking() {
                    match req {
                        Request::Stop => router_stop.store(true, Ordering::SeqCst),
                        Request::Shutdown => break,
                        Request::Run { .. } => {
                            router_stop.store(false, Ordering::SeqCst);
                            if fwd_tx.send(req).is_err() {
                                return;
                            }
                        }
                        other => {
                            if fwd_tx.send(other).is_err() {
                                return;
                            }
                        }
                    }
                }
                router_stop.store(true, Ordering::SeqCst);
                let _ = fwd_tx.send(Request::Shutdown);
            })
            .expect("spawn request thread");

        std::thread::Builder::new()
            .name("apdu-worker".into())
            .spawn(move || CardThread::new(ev_tx, stop).run(fwd_rx, monitor))
            .expect("spawn worker thread");

        (req_tx, ev_rx)
    }
}

/// The demo reader, always listed first.
pub fn demo_reader() -> ReaderInfo {
    ReaderInfo {
        name: card::DEMO_READER.to_owned(),
        card_present: true,
        atr: None,
        exclusive: false,
    }
}

struct CardThread {
    events: Sender<Event>,
    stop: Arc<AtomicBool>,
    card: Option<Box<dyn Card>>,
}

impl CardThread {
    fn new(events: Sender<Event>, stop: Arc<AtomicBool>) -> CardThread {
        CardThread {
            events,
            stop,
            card: None,
        }
    }

    fn send(&self, event: Event) {
        let _ = self.events.send_blocking(event);
    }

    fn run(mut self, requests: mpsc::Receiver<Request>, with_monitor: bool) {
        self.send(Event::Readers(vec![demo_reader()]));
        let monitor = with_monitor.then(|| {
            let tx = self.events.clone();
            Monitor::spawn(move |ev| {
                let event = match ev {
                    MonitorEvent::Readers(list) => {
                        let mut all = vec![demo_reader()];
                        all.extend(list.into_iter().filter(|r| r.name != card::DEMO_READER));
                        Event::Readers(all)
                    }
                    MonitorEvent::Unavailable(e) => Event::PcscUnavailable(e),
                };
                let _ = tx.send_blocking(event);
            })
        });
        while let Ok(req) = requests.recv() {
            match req {
                Request::Connect {
                    reader,
                    protocol,
                    share,
                } => self.connect(reader, protocol, share),
                Request::Disconnect { disposition } => {
                    if let Some(mut c) = self.card.take() {
                        if let Err(e) = c.disconnect(disposition) {
                            self.send(Event::error(e));
                        }
                    }
                    self.send(Event::Disconnected);
                }
                Request::Reset { cold } => {
                    let result = match self.card.as_mut() {
                        Some(c) => c.reset(cold),
                        None => Err(CardError::NotConnected),
                    };
                    self.after_card_error(result.as_ref().err());
                    self.send(Event::ResetDone(result));
                }
                Request::Run {
                    statements,
                    options,
                } => self.run_script(&statements, &options),
                Request::Stop => {}
                Request::Shutdown => break,
            }
        }
        if let Some(mut c) = self.card.take() {
            let _ = c.disconnect(Disposition::Leave);
        }
        if let Some(m) = monitor {
            m.stop();
        }
    }

    fn connect(&mut self, reader: String, protocol: Protocol, share: ShareMode) {
        if let Some(mut old) = self.card.take() {
            let _ = old.disconnect(Disposition::Leave);
        }
        match card::open(&reader, protocol, share) {
            Ok(c) => {
                let (atr, protocol) = (c.atr(), c.protocol());
                self.card = Some(c);
                self.send(Event::Connected {
                    reader,
                    atr,
                    protocol,
                    share,
                });
            }
            Err(e) => {
                self.send(Event::error(e));
                self.send(Event::Disconnected);
            }
        }
    }

    /// A removed card or a dead service ends the connection.
    fn after_card_error(&mut self, error: Option<&CardError>) {
        if matches!(
            error,
            Some(CardError::CardRemoved | CardError::NoService | CardError::ServiceStopped)
        ) {
            self.card = None;
            self.send(Event::Disconnected);
        }
    }

    fn run_script(&mut self, statements: &[Statement], options: &EngineOptions) {
        self.send(Event::RunStarted);
        let Some(card) = self.card.as_mut() else {
            let error = CardError::NotConnected;
            self.send(Event::error(error.clone()));
            self.send(Event::RunFinished(Summary {
                outcome: Outcome::CardError(error),
                ..Summary::default()
            }));
            return;
        };
        let events = self.events.clone();
        let mut batch: Vec<EngineEvent> = Vec::new();
        let mut last_flush = Instant::now();
        let mut observer = |ev: &EngineEvent| {
            batch.push(ev.clone());
            if batch.len() >= BATCH_LEN || last_flush.elapsed() >= BATCH_AGE {
                let _ = events.send_blocking(Event::Exchanges(std::mem::take(&mut batch)));
                last_flush = Instant::now();
            }
        };
        let summary = engine::run(
            statements,
            card.as_mut(),
            options,
            &mut observer,
            &self.stop,
        );
        if !batch.is_empty() {
            self.send(Event::Exchanges(batch));
        }
        if let Outcome::CardError(e) = &summary.outcome {
            let e = e.clone();
            self.after_card_error(Some(&e));
        }
        self.send(Event::RunFinished(summary));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(rx: &Receiver<Event>) -> Event {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(ev) = rx.try_recv() {
                return ev;
            }
            assert!(Instant::now() < deadline, "no event from the worker");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn lists_demo_reader_first_and_connects_to_it() {
        let (tx, rx) = Worker::spawn_with_monitor(false);
        match next(&rx) {
            Event::Readers(list) => assert_eq!(list[0].name, card::DEMO_READER),
            other => panic!("unexpected {other:?}"),
        }
        tx.send_blocking(Request::Connect {
            reader: card::DEMO_READER.into(),
            protocol: Protocol::T1,
            share: ShareMode::Shared,
        })
        .unwrap();
        match next(&rx) {
            Event::Connected { reader, atr, .. } => {
                assert_eq!(reader, card::DEMO_READER);
                assert!(!atr.is_empty());
            }
            other => panic!("unexpected {other:?}"),
        }
        tx.send_blocking(Request::Disconnect {
            disposition: Disposition::Leave,
        })
        .unwrap();
        assert!(matches!(next(&rx), Event::Disconnected));
        tx.send_blocking(Request::Shutdown).unwrap();
    }

    #[test]
    fn run_without_connection_reports_and_finishes() {
        let (tx, rx) = Worker::spawn_with_monitor(false);
        let _ = next(&rx);
        tx.send_blocking(Request::Run {
            statements: Vec::new(),
            options: EngineOptions::default(),
        })
        .unwrap();
        assert!(matches!(next(&rx), Event::RunStarted));
        assert!(matches!(
            next(&rx),
            Event::Error {
                error: CardError::NotConnected,
                ..
            }
        ));
        match next(&rx) {
            Event::RunFinished(s) => {
                assert_eq!(s.outcome, Outcome::CardError(CardError::NotConnected))
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn runs_a_script_on_the_demo_card_and_stops_on_request() {
        let (tx, rx) = Worker::spawn_with_monitor(false);
        let _ = next(&rx);
        tx.send_blocking(Request::Connect {
            reader: card::DEMO_READER.into(),
            protocol: Protocol::T1,
            share: ShareMode::Shared,
        })
        .unwrap();
        assert!(matches!(next(&rx), Event::Connected { .. }));
        let script = crate::script::parse("00 A4 00 00 02 3F 00\nreset\n00 B0 00 00 04\n");
        assert!(script.is_ok());
        tx.send_blocking(Request::Run {
            statements: script.statements.clone(),
            options: EngineOptions::default(),
        })
        .unwrap();
        assert!(matches!(next(&rx), Event::RunStarted));
        let mut events = Vec::new();
        let summary = loop {
            match next(&rx) {
                Event::Exchanges(list) => events.extend(list),
                Event::RunFinished(s) => break s,
                other => panic!("unexpected {other:?}"),
            }
        };
        assert_eq!(summary.outcome, Outcome::Completed);
        assert_eq!(summary.commands, 2);
        assert_eq!(events.len(), 3, "two exchanges and a reset: {events:?}");
        assert!(matches!(events[1], EngineEvent::Reset { line: 2, .. }));

        // A long script, stopped right away: it ends early as Stopped.
        let long = "00 B0 00 00 04\n".repeat(200_000);
        let script = crate::script::parse(&long);
        tx.send_blocking(Request::Run {
            statements: script.statements,
            options: EngineOptions::default(),
        })
        .unwrap();
        tx.send_blocking(Request::Stop).unwrap();
        let summary = loop {
            if let Event::RunFinished(s) = next(&rx) {
                break s;
            }
        };
        assert_eq!(summary.outcome, Outcome::Stopped);
        assert!(summary.commands < 200_000);
    }

    #[test]
    fn reset_without_connection_is_an_error() {
        let (tx, rx) = Worker::spawn_with_monitor(false);
        let _ = next(&rx);
        tx.send_blocking(Request::Reset { cold: false }).unwrap();
        assert!(matches!(
            next(&rx),
            Event::ResetDone(Err(CardError::NotConnected))
        ));
    }
}
