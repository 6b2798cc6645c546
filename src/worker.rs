//! The PC/SC worker: a named thread that owns the card connection and runs
//! scripts, so the UI never waits on a card. Requests go in and events come
//! out over `async-channel`; the reader monitor runs beside it. GTK-free.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
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

/// The command a card has been working on since `since`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlight {
    pub reader: String,
    pub command: Vec<u8>,
    pub since: Instant,
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
    /// A reset asked from the reader panel (cold or warm): the new ATR or
    /// the error.
    ResetDone {
        cold: bool,
        result: Result<Vec<u8>, CardError>,
    },
    RunStarted,
    /// Engine events of a run, batched so a fast card does not flood the
    /// main loop with one wake-up per APDU.
    Exchanges(Vec<EngineEvent>),
    RunFinished(Summary),
    /// A command has been waiting for the card's answer for a while; sent
    /// again every [`BUSY_EVERY`] while it waits.
    Busy(InFlight),
    /// The card did not answer even after Stop: its thread was left to
    /// itself (it sends nothing more) and a fresh one takes the requests.
    /// The run is over and there is no connection.
    Abandoned(InFlight),
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
/// A command waiting this long is reported as busy, and again this often.
pub const BUSY_AFTER: Duration = Duration::from_millis(500);
pub const BUSY_EVERY: Duration = Duration::from_millis(250);
/// After Stop, a card still silent this long is abandoned.
pub const ABANDON_AFTER: Duration = Duration::from_millis(1500);
const WATCH_TICK: Duration = Duration::from_millis(100);

pub struct Worker;

/// A card thread as the router and the watchdog see it.
type Batch = Arc<Mutex<Vec<EngineEvent>>>;

/// Send the batched engine events, unless the thread was abandoned. Called
/// with the batch locked, so two senders cannot swap their batches' order.
fn flush(batch: &mut Vec<EngineEvent>, alive: &AtomicBool, events: &Sender<Event>) {
    if !batch.is_empty() {
        let list = std::mem::take(batch);
        if alive.load(Ordering::SeqCst) {
            let _ = events.send_blocking(Event::Exchanges(list));
        }
    }
}

struct CardHandle {
    requests: mpsc::Sender<Request>,
    stop: Arc<AtomicBool>,
    /// Cleared when the thread is abandoned: from then on it sends nothing.
    alive: Arc<AtomicBool>,
    in_flight: Arc<Mutex<Option<InFlight>>>,
    batch: Batch,
    /// When Stop was asked during the current run.
    stop_asked: Option<Instant>,
}

impl CardHandle {
    fn spawn(events: &Sender<Event>) -> CardHandle {
        let (tx, rx) = mpsc::channel::<Request>();
        let stop = Arc::new(AtomicBool::new(false));
        let alive = Arc::new(AtomicBool::new(true));
        let in_flight = Arc::new(Mutex::new(None));
        let batch = Batch::default();
        let thread = CardThread {
            events: events.clone(),
            stop: stop.clone(),
            alive: alive.clone(),
            in_flight: in_flight.clone(),
            batch: batch.clone(),
            card: None,
        };
        std::thread::Builder::new()
            .name("apdu-worker".into())
            .spawn(move || thread.run(rx))
            .expect("spawn worker thread");
        CardHandle {
            requests: tx,
            stop,
            alive,
            in_flight,
            batch,
            stop_asked: None,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Worker {
    /// Start the worker and its reader monitor.
    pub fn spawn() -> (Sender<Request>, Receiver<Event>) {
        Worker::spawn_with_monitor(true)
    }

    /// `monitor == false` lists only the demo reader (tests without PC/SC).
    pub fn spawn_with_monitor(monitor: bool) -> (Sender<Request>, Receiver<Event>) {
        let (req_tx, req_rx) = async_channel::unbounded::<Request>();
        let (ev_tx, ev_rx) = async_channel::unbounded::<Event>();
        let _ = ev_tx.send_blocking(Event::Readers(vec![demo_reader()]));
        let monitor = monitor.then(|| {
            let tx = ev_tx.clone();
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
        let card = Arc::new(Mutex::new(CardHandle::spawn(&ev_tx)));
        let ended = Arc::new(AtomicBool::new(false));

        {
            let (card, ended, events) = (card.clone(), ended.clone(), ev_tx.clone());
            std::thread::Builder::new()
                .name("apdu-watchdog".into())
                .spawn(move || watch(&card, &ended, &events))
                .expect("spawn watchdog thread");
        }

        // The router reads requests while the card thread may be busy in a
        // run, so that Stop takes effect at once.
        std::thread::Builder::new()
            .name("apdu-requests".into())
            .spawn(move || {
                while let Ok(req) = req_rx.recv_blocking() {
                    let mut handle = lock(&card);
                    match req {
                        Request::Stop => {
                            handle.stop.store(true, Ordering::SeqCst);
                            handle.stop_asked.get_or_insert_with(Instant::now);
                        }
                        Request::Shutdown => break,
                        other => {
                            if matches!(other, Request::Run { .. }) {
                                handle.stop.store(false, Ordering::SeqCst);
                                handle.stop_asked = None;
                            }
                            if handle.requests.send(other).is_err() {
                                break;
                            }
                        }
                    }
                }
                ended.store(true, Ordering::SeqCst);
                let handle = lock(&card);
                handle.stop.store(true, Ordering::SeqCst);
                let _ = handle.requests.send(Request::Shutdown);
                drop(handle);
                if let Some(m) = monitor {
                    m.stop();
                }
            })
            .expect("spawn request thread");

        (req_tx, ev_rx)
    }
}

/// Report a command the card is slow to answer, and abandon the card
/// thread when the card stays silent after Stop.
fn watch(card: &Mutex<CardHandle>, ended: &AtomicBool, events: &Sender<Event>) {
    let mut last_busy: Option<Instant> = None;
    while !ended.load(Ordering::SeqCst) {
        std::thread::sleep(WATCH_TICK);
        let mut handle = lock(card);
        let in_flight = lock(&handle.in_flight).clone();
        let Some(f) = in_flight.filter(|f| f.since.elapsed() >= BUSY_AFTER) else {
            last_busy = None;
            continue;
        };
        // What the card answered before this command, shown meanwhile.
        flush(&mut lock(&handle.batch), &handle.alive, events);
        if handle
            .stop_asked
            .is_some_and(|t| t.elapsed() >= ABANDON_AFTER)
        {
            handle.alive.store(false, Ordering::SeqCst);
            *handle = CardHandle::spawn(events);
            drop(handle);
            log::warn!("the card in {} did not answer; abandoned", f.reader);
            let _ = events.send_blocking(Event::Abandoned(f));
            last_busy = None;
        } else if last_busy.is_none_or(|t| t.elapsed() >= BUSY_EVERY) {
            drop(handle);
            let _ = events.send_blocking(Event::Busy(f));
            last_busy = Some(Instant::now());
        }
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

/// A card that says which command it is working on while it works.
struct Watched {
    inner: Box<dyn Card>,
    reader: String,
    in_flight: Arc<Mutex<Option<InFlight>>>,
}

impl Watched {
    fn during<T>(&mut self, command: &[u8], f: impl FnOnce(&mut dyn Card) -> T) -> T {
        *lock(&self.in_flight) = Some(InFlight {
            reader: self.reader.clone(),
            command: command.to_vec(),
            since: Instant::now(),
        });
        let result = f(self.inner.as_mut());
        *lock(&self.in_flight) = None;
        result
    }
}

impl Card for Watched {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        self.during(command, |c| c.transmit(command))
    }

    fn reset(&mut self, cold: bool) -> Result<Vec<u8>, CardError> {
        self.during(&[], |c| c.reset(cold))
    }

    fn atr(&self) -> Vec<u8> {
        self.inner.atr()
    }

    fn protocol(&self) -> Protocol {
        self.inner.protocol()
    }

    fn disconnect(&mut self, disposition: Disposition) -> Result<(), CardError> {
        self.inner.disconnect(disposition)
    }
}

struct CardThread {
    events: Sender<Event>,
    stop: Arc<AtomicBool>,
    alive: Arc<AtomicBool>,
    in_flight: Arc<Mutex<Option<InFlight>>>,
    /// Engine events not sent yet (the watchdog sends them when the card
    /// is slow, so the rows before a slow command show meanwhile).
    batch: Batch,
    card: Option<Box<dyn Card>>,
}

impl CardThread {
    /// Events of an abandoned thread would contradict the fresh one's.
    fn send(&self, event: Event) {
        if self.alive.load(Ordering::SeqCst) {
            let _ = self.events.send_blocking(event);
        }
    }

    fn run(mut self, requests: mpsc::Receiver<Request>) {
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
                    self.send(Event::ResetDone { cold, result });
                }
                Request::Run {
                    statements,
                    options,
                } => self.run_script(&statements, &options),
                Request::Stop => {}
                Request::Shutdown => break,
            }
            if !self.alive.load(Ordering::SeqCst) {
                break;
            }
        }
        if let Some(mut c) = self.card.take() {
            let _ = c.disconnect(Disposition::Leave);
        }
    }

    fn connect(&mut self, reader: String, protocol: Protocol, share: ShareMode) {
        if let Some(mut old) = self.card.take() {
            let _ = old.disconnect(Disposition::Leave);
        }
        match card::open(&reader, protocol, share) {
            Ok(c) => {
                let (atr, protocol) = (c.atr(), c.protocol());
                self.card = Some(Box::new(Watched {
                    inner: c,
                    reader: reader.clone(),
                    in_flight: self.in_flight.clone(),
                }));
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
        let (events, alive, batch) = (self.events.clone(), self.alive.clone(), self.batch.clone());
        let mut last_flush = Instant::now();
        let mut observer = |ev: &EngineEvent| {
            let mut batch = lock(&batch);
            batch.push(ev.clone());
            if batch.len() >= BATCH_LEN || last_flush.elapsed() >= BATCH_AGE {
                flush(&mut batch, &alive, &events);
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
        flush(&mut lock(&self.batch), &self.alive, &self.events);
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
                assert_eq!(s.outcome, Outcome::CardError(CardError::NotConnected));
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
            Event::ResetDone {
                cold: false,
                result: Err(CardError::NotConnected)
            }
        ));
    }
}
