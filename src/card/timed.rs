//! A card whose calls run on a thread of their own, so that a caller can
//! give up on a card that never answers: after a time limit, or when a stop
//! flag is set (a signal). The blocked call is abandoned, not cancelled:
//! the thread ends when the call returns, or with the process.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::{Card, CardError, Disposition, Protocol};

/// How often a wait looks at the stop flag.
const POLL: Duration = Duration::from_millis(50);

/// How long each side polls for the other's message before it sleeps. A
/// fast card (the demo card, a replayed one) answers within this time, and
/// a sleeping thread can take ~100 µs to wake on a virtual machine: 10 000
/// APDUs then took 1 s instead of 0.1 s. A slow card costs this much CPU
/// per call, nothing more.
const SPIN: Duration = Duration::from_micros(150);

/// A message that arrives within [`SPIN`], without sleeping.
fn recv_soon<T>(rx: &Receiver<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        match rx.try_recv() {
            Ok(m) => return Some(m),
            Err(mpsc::TryRecvError::Disconnected) => return None,
            Err(mpsc::TryRecvError::Empty) => {}
        }
        if start.elapsed() >= SPIN {
            return None;
        }
        std::hint::spin_loop();
        std::thread::yield_now();
    }
}

enum Job {
    Transmit(Vec<u8>),
    Reset(bool),
    Disconnect(Disposition),
    WaitCard(Option<Duration>),
}

enum Reply {
    Transmit(Result<Vec<u8>, CardError>, Option<Duration>),
    Reset(Result<Vec<u8>, CardError>, Protocol),
    Disconnect(Result<(), CardError>),
    WaitCard(Result<(), CardError>, Vec<u8>, Protocol),
}

/// See the module documentation.
pub struct TimedCard {
    jobs: Sender<Job>,
    replies: Receiver<Reply>,
    limit: Option<Duration>,
    stop: &'static AtomicBool,
    atr: Vec<u8>,
    protocol: Protocol,
    card_time: Option<Duration>,
    /// Set once a call was abandoned: the card thread is still in it.
    gone: Option<CardError>,
}

impl TimedCard {
    /// Move `card` to its own thread. Each call waits at most `limit`
    /// (no limit when `None`) and gives up as soon as `stop` is set.
    pub fn new(
        card: Box<dyn Card>,
        limit: Option<Duration>,
        stop: &'static AtomicBool,
    ) -> std::io::Result<TimedCard> {
        let atr = card.atr();
        let protocol = card.protocol();
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let (reply_tx, replies) = mpsc::channel();
        std::thread::Builder::new()
            .name("card".into())
            .spawn(move || {
                let mut card = card;
                while let Some(job) = recv_soon(&job_rx).or_else(|| job_rx.recv().ok()) {
                    let reply = match job {
                        Job::Transmit(c) => {
                            let r = card.transmit(&c);
                            Reply::Transmit(r, card.last_card_time())
                        }
                        Job::Reset(cold) => {
                            let r = card.reset(cold);
                            Reply::Reset(r, card.protocol())
                        }
                        Job::Disconnect(d) => Reply::Disconnect(card.disconnect(d)),
                        Job::WaitCard(timeout) => {
                            let r = card.wait_card(timeout, stop);
                            Reply::WaitCard(r, card.atr(), card.protocol())
                        }
                    };
                    if reply_tx.send(reply).is_err() {
                        break;
                    }
                }
            })?;
        Ok(TimedCard {
            jobs,
            replies,
            limit,
            stop,
            atr,
            protocol,
            card_time: None,
            gone: None,
        })
    }

    fn call(&mut self, job: Job) -> Result<Reply, CardError> {
        self.call_within(job, self.limit)
    }

    /// Like `call`, with `limit` instead of the card's time limit.
    fn call_within(&mut self, job: Job, limit: Option<Duration>) -> Result<Reply, CardError> {
        if let Some(e) = &self.gone {
            return Err(e.clone());
        }
        self.jobs.send(job).map_err(|_| CardError::NotConnected)?;
        if let Some(reply) = recv_soon(&self.replies) {
            return Ok(reply);
        }
        let deadline = limit.map(|l| Instant::now() + l);
        loop {
            let wait = deadline.map_or(POLL, |d| {
                d.saturating_duration_since(Instant::now()).min(POLL)
            });
            match self.replies.recv_timeout(wait) {
                Ok(reply) => return Ok(reply),
                Err(RecvTimeoutError::Disconnected) => return Err(CardError::NotConnected),
                Err(RecvTimeoutError::Timeout) => {}
            }
            let error = if self.stop.load(Ordering::SeqCst) {
                CardError::Cancelled
            } else if let (Some(d), Some(limit)) = (deadline, limit) {
                if Instant::now() < d {
                    continue;
                }
                CardError::NoAnswer(limit)
            } else {
                continue;
            };
            self.gone = Some(error.clone());
            return Err(error);
        }
    }
}

impl Card for TimedCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        self.card_time = None;
        match self.call(Job::Transmit(command.to_vec()))? {
            Reply::Transmit(r, t) => {
                self.card_time = t;
                r
            }
            _ => Err(CardError::NotConnected),
        }
    }

    fn reset(&mut self, cold: bool) -> Result<Vec<u8>, CardError> {
        match self.call(Job::Reset(cold))? {
            Reply::Reset(r, protocol) => {
                if let Ok(atr) = &r {
                    self.atr.clone_from(atr);
                }
                self.protocol = protocol;
                r
            }
            _ => Err(CardError::NotConnected),
        }
    }

    fn atr(&self) -> Vec<u8> {
        self.atr.clone()
    }

    fn protocol(&self) -> Protocol {
        self.protocol
    }

    fn last_card_time(&self) -> Option<Duration> {
        self.card_time
    }

    fn wait_card(
        &mut self,
        timeout: Option<Duration>,
        _stop: &AtomicBool,
    ) -> Result<(), CardError> {
        // The wait has its own time limit; the card thread watches the same
        // stop flag as this side does.
        match self.call_within(Job::WaitCard(timeout), None)? {
            Reply::WaitCard(r, atr, protocol) => {
                self.atr = atr;
                self.protocol = protocol;
                r
            }
            _ => Err(CardError::NotConnected),
        }
    }

    fn disconnect(&mut self, disposition: Disposition) -> Result<(), CardError> {
        if self.gone.is_some() {
            // The card thread is stuck in a call: leave it there.
            return Ok(());
        }
        match self.call(Job::Disconnect(disposition))? {
            Reply::Disconnect(r) => r,
            _ => Err(CardError::NotConnected),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers `90 00`, or never for INS FF.
    struct Hanging;

    impl Card for Hanging {
        fn transmit(&mut self, c: &[u8]) -> Result<Vec<u8>, CardError> {
            if c.get(1) == Some(&0xFF) {
                loop {
                    std::thread::park();
                }
            }
            Ok(vec![0x90, 0x00])
        }
        fn reset(&mut self, _cold: bool) -> Result<Vec<u8>, CardError> {
            Ok(vec![0x3B, 0x00])
        }
        fn atr(&self) -> Vec<u8> {
            vec![0x3B, 0x00]
        }
        fn protocol(&self) -> Protocol {
            Protocol::T1
        }
        fn disconnect(&mut self, _d: Disposition) -> Result<(), CardError> {
            Ok(())
        }
    }

    static NEVER: AtomicBool = AtomicBool::new(false);
    static SET: AtomicBool = AtomicBool::new(false);

    #[test]
    fn a_card_that_never_answers_is_given_up() {
        let limit = Duration::from_millis(200);
        let mut card = TimedCard::new(Box::new(Hanging), Some(limit), &NEVER).unwrap();
        assert_eq!(card.atr(), [0x3B, 0x00]);
        assert_eq!(card.protocol(), Protocol::T1);
        assert_eq!(card.transmit(&[0, 0xA4, 0, 0]), Ok(vec![0x90, 0x00]));
        assert_eq!(
            card.transmit(&[0, 0xFF, 0, 0]),
            Err(CardError::NoAnswer(limit))
        );
        // The card thread is still stuck: every later call says so at once.
        assert_eq!(
            card.transmit(&[0, 0xA4, 0, 0]),
            Err(CardError::NoAnswer(limit))
        );
        assert_eq!(card.disconnect(Disposition::Leave), Ok(()));
    }

    #[test]
    fn a_stop_flag_gives_up_without_a_limit() {
        let mut card = TimedCard::new(Box::new(Hanging), None, &SET).unwrap();
        assert_eq!(card.reset(false), Ok(vec![0x3B, 0x00]));
        SET.store(true, Ordering::SeqCst);
        assert_eq!(card.transmit(&[0, 0xFF, 0, 0]), Err(CardError::Cancelled));
    }
}
