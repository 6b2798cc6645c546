//! The card side of the vsmartcard `vpcd` protocol: any [`Card`] becomes a
//! card in the reader pcscd exposes through the vpcd driver.
//!
//! The driver listens on a TCP port (35963 for `Virtual PCD 00 00`); the
//! card connects to it. Every message, both ways, is a 2-byte big-endian
//! length and then the bytes. A 1-byte message from the driver is a control
//! code; anything longer is a command APDU, answered with the response.
//! Closing the connection removes the card.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::Card;

/// The default port of the driver's first reader (`Virtual PCD 00 00`).
pub const DEFAULT_PORT: u16 = 35963;

const POWER_OFF: u8 = 0;
const POWER_ON: u8 = 1;
const RESET: u8 = 2;
const GET_ATR: u8 = 4;

/// How often a blocked read or a connection attempt looks at `stop`.
const POLL: Duration = Duration::from_millis(50);
/// A driver that says nothing for this long after the connection is busy
/// with another card.
const SILENCE: Duration = Duration::from_secs(1);
/// Wait between connection attempts while the driver is not listening.
const RETRY: Duration = Duration::from_millis(100);

/// Where a card being served stands, as [`serve_reporting`] tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No driver talks to us: it is not listening, or its reader already
    /// has a card (another program serving this port).
    Waiting,
    /// The driver spoke: the card is in the reader.
    Connected,
}

/// Serve `card` to the vpcd driver at `addr` until `stop` is set.
///
/// Connects (retrying while the driver is not listening), answers the
/// driver, and connects again when the driver goes away (pcscd restarted).
/// Returns `Ok` once `stop` is set; the socket is closed, so pcscd sees
/// the card removed.
pub fn serve(card: Box<dyn Card>, addr: SocketAddr, stop: Arc<AtomicBool>) -> io::Result<()> {
    serve_reporting(card, addr, stop, |_| {})
}

/// [`serve`], calling `report` each time the [`Status`] changes (first
/// `Waiting` or `Connected`).
pub fn serve_reporting(
    mut card: Box<dyn Card>,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    mut report: impl FnMut(Status),
) -> io::Result<()> {
    let mut powered = true;
    let mut status = None;
    let mut set = |s: Status| {
        if status != Some(s) {
            status = Some(s);
            report(s);
        }
    };
    while !stop.load(Ordering::SeqCst) {
        let stream = match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
            Ok(s) => s,
            Err(_) => {
                set(Status::Waiting);
                std::thread::sleep(RETRY);
                continue;
            }
        };
        log::debug!("vpcd: connected to {addr}");
        let mut spoke = false;
        match session(&mut *card, stream, &stop, &mut powered, &mut |s| {
            spoke |= s == Status::Connected;
            set(s);
        }) {
            Ok(()) => {}
            Err(e) => log::debug!("vpcd: connection ended: {e}"),
        }
        if !stop.load(Ordering::SeqCst) {
            set(Status::Waiting);
            if !spoke {
                // Accepted and dropped unheard: the slot has a card already.
                std::thread::sleep(RETRY);
            }
        }
    }
    Ok(())
}

/// One connection to the driver; `Ok` when `stop` was set. `report` gets
/// `Connected` at each message from the driver, `Waiting` when it stays
/// silent after the connection (its reader has a card: it accepted us
/// into its queue only).
fn session(
    card: &mut dyn Card,
    mut stream: TcpStream,
    stop: &AtomicBool,
    powered: &mut bool,
    report: &mut dyn FnMut(Status),
) -> io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(POLL))?;
    let mut inbox = Inbox::default();
    let connected = std::time::Instant::now();
    let mut heard = false;
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let Some(message) = inbox.next(&mut stream)? else {
            if !heard && connected.elapsed() > SILENCE {
                report(Status::Waiting);
            }
            continue;
        };
        heard = true;
        report(Status::Connected);
        let reply = answer(card, &message, powered);
        if let Some(reply) = reply {
            let len = u16::try_from(reply.len())
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "response too long"))?;
            let mut frame = Vec::with_capacity(reply.len() + 2);
            frame.extend_from_slice(&len.to_be_bytes());
            frame.extend_from_slice(&reply);
            stream.write_all(&frame)?;
        }
        quick_ack(&stream);
    }
}

/// What to send back for one message from the driver, if anything. The
/// driver waits for no answer to its power and reset codes only; anything
/// else it sent (an unknown code, or a 1-byte APDU a program sent) is
/// answered, or the driver would wait for ever.
fn answer(card: &mut dyn Card, message: &[u8], powered: &mut bool) -> Option<Vec<u8>> {
    match message {
        // Wrong length.
        [] | [_] if !matches!(message, [POWER_OFF | POWER_ON | RESET | GET_ATR]) => {
            Some(vec![0x67, 0x00])
        }
        [POWER_OFF] => {
            *powered = false;
            None
        }
        [POWER_ON] => {
            // Power coming back after an off is a cold reset of the card.
            if !*powered {
                let _ = card.reset(true);
            }
            *powered = true;
            None
        }
        [RESET] => {
            let _ = card.reset(false);
            *powered = true;
            None
        }
        [GET_ATR] => Some(card.atr()),
        apdu => Some(card.transmit(apdu).unwrap_or_else(|_| vec![0x6F, 0x00])),
    }
}

/// Bytes read so far, cut into length-prefixed messages.
#[derive(Default)]
struct Inbox {
    buf: Vec<u8>,
}

impl Inbox {
    /// The next complete message, or `None` after a read timeout.
    fn next(&mut self, stream: &mut TcpStream) -> io::Result<Option<Vec<u8>>> {
        loop {
            if self.buf.len() >= 2 {
                let len = usize::from(u16::from_be_bytes([self.buf[0], self.buf[1]]));
                if self.buf.len() >= 2 + len {
                    let message = self.buf[2..2 + len].to_vec();
                    self.buf.drain(..2 + len);
                    return Ok(Some(message));
                }
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "vpcd closed the connection",
                    ))
                }
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    quick_ack(stream);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Ok(None)
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// The driver sends the length and the APDU in two writes; without an
/// immediate ACK from us, Nagle holds the second one back for the whole
/// delayed-ACK time (about 40 ms per APDU).
#[cfg(target_os = "linux")]
fn quick_ack(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let one: libc::c_int = 1;
    // SAFETY: a valid socket fd and a c_int option value of the right size.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_QUICKACK,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn quick_ack(_stream: &TcpStream) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{CardError, Disposition, Protocol};
    use std::net::TcpListener;

    struct Echo {
        resets: Vec<bool>,
    }

    impl Card for Echo {
        fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
            if command[1] == 0xFF {
                return Err(CardError::Unresponsive);
            }
            let mut r = command.to_vec();
            r.extend_from_slice(&[0x90, 0x00]);
            Ok(r)
        }
        fn reset(&mut self, cold: bool) -> Result<Vec<u8>, CardError> {
            self.resets.push(cold);
            Ok(self.atr())
        }
        fn atr(&self) -> Vec<u8> {
            vec![0x3B, 0x00]
        }
        fn protocol(&self) -> Protocol {
            Protocol::T0
        }
        fn disconnect(&mut self, _d: Disposition) -> Result<(), CardError> {
            Ok(())
        }
    }

    fn send(s: &mut TcpStream, bytes: &[u8]) {
        let mut frame = (bytes.len() as u16).to_be_bytes().to_vec();
        frame.extend_from_slice(bytes);
        s.write_all(&frame).unwrap();
    }

    fn recv(s: &mut TcpStream) -> Vec<u8> {
        let mut len = [0u8; 2];
        s.read_exact(&mut len).unwrap();
        let mut body = vec![0; usize::from(u16::from_be_bytes(len))];
        s.read_exact(&mut body).unwrap();
        body
    }

    #[test]
    fn speaks_the_driver_protocol_and_stops() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let server =
            std::thread::spawn(move || serve(Box::new(Echo { resets: vec![] }), addr, stop2));
        let (mut s, _) = listener.accept().unwrap();
        send(&mut s, &[GET_ATR]);
        assert_eq!(recv(&mut s), vec![0x3B, 0x00]);
        send(&mut s, &[POWER_OFF]);
        send(&mut s, &[POWER_ON]);
        // Split the APDU across writes: framing must not depend on segments.
        s.write_all(&[0, 5, 0x00, 0xA4]).unwrap();
        s.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
        s.write_all(&[0x00, 0x0C, 0x00]).unwrap();
        assert_eq!(recv(&mut s), vec![0x00, 0xA4, 0x00, 0x0C, 0x00, 0x90, 0x00]);
        send(&mut s, &[0x00, 0xFF, 0x00, 0x00]);
        assert_eq!(recv(&mut s), vec![0x6F, 0x00]);
        // What is neither a control code nor a command is answered too,
        // or the driver (and its reader) would wait for ever.
        for odd in [&[][..], &[0x03], &[0xA4], &[0x00, 0xA4]] {
            send(&mut s, odd);
            let r = recv(&mut s);
            let expected: &[u8] = if odd.len() < 2 {
                &[0x67, 0x00]
            } else {
                &[0x00, 0xA4, 0x90, 0x00]
            };
            assert_eq!(r, expected, "{odd:02X?}");
        }
        stop.store(true, Ordering::SeqCst);
        server.join().unwrap().unwrap();
        // The card side closed the socket: the driver sees the card removed.
        let mut rest = Vec::new();
        assert_eq!(s.read_to_end(&mut rest).unwrap(), 0);
    }

    #[test]
    fn gives_up_connecting_when_stopped() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let stop = Arc::new(AtomicBool::new(true));
        serve(Box::new(Echo { resets: vec![] }), addr, stop).unwrap();
    }
}
