//! The private PC/SC test bench: a pcscd of our own with the vpcd driver,
//! on a socket of our own, and cards served in-process through vpcd.
//!
//! pcsc-lite's client library reads `PCSCLITE_CSOCK_NAME` once per
//! process, so every bench of a test binary uses the same socket path
//! (`/tmp/asb-<pid>/s`) and only one bench runs at a time: `Bench::start`
//! takes a process-wide lock, held until the bench is dropped. Each test
//! starts its own bench (a fresh pcscd, ~0.1 s) and so gets a fresh card.
//! pcscd is killed when the bench is dropped, and by the kernel when the
//! thread that started it ends (PR_SET_PDEATHSIG), so no pcscd is left
//! behind even by a killed test.
#![allow(dead_code)]

pub mod card;
#[cfg(feature = "gui")]
pub mod gui;

use std::fs;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use apdu_scriptor::card::pcsc_backend::PcscContext;
use apdu_scriptor::card::{vpcd, Card, ReaderInfo};

static LOCK: Mutex<()> = Mutex::new(());

const VPCD_DRIVER: &str = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";

/// How long to wait for pcscd to start or to see a card come or go.
const WAIT: Duration = Duration::from_secs(15);

pub struct Bench {
    _guard: MutexGuard<'static, ()>,
    dir: PathBuf,
    /// vpcd port of the first reader; the second one is `port + 1`.
    port: u16,
    pcscd: Option<Child>,
    cards: Vec<(usize, Arc<AtomicBool>, JoinHandle<io::Result<()>>)>,
    log_offset: u64,
    /// vpcd driver entries; each gives two readers on consecutive ports.
    pairs: usize,
}

/// The socket directory shared by every bench of this process.
pub fn bench_dir() -> PathBuf {
    PathBuf::from(format!("/tmp/asb-{}", std::process::id()))
}

impl Bench {
    /// Start pcscd with the vpcd driver on free ports; no card inserted.
    pub fn start() -> Bench {
        Bench::start_with_readers(2)
    }

    /// Like `start`, with `readers` readers (an even number, at most 16):
    /// `Virtual PCD 00 00`, `Virtual PCD 00 01`, `Virtual PCD 1 00 00`,
    /// `Virtual PCD 1 00 01`… on consecutive ports.
    pub fn start_with_readers(readers: usize) -> Bench {
        assert!(readers % 2 == 0 && (2..=16).contains(&readers));
        let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        remove_stale_dirs();
        let dir = bench_dir();
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("reader.conf.d")).expect("create the bench directory");
        // SAFETY (edition 2021: set_var is safe): set before the first PC/SC call.
        std::env::set_var("PCSCLITE_CSOCK_NAME", dir.join("s"));
        let mut bench = Bench {
            _guard: guard,
            dir,
            port: 0,
            pcscd: None,
            cards: Vec::new(),
            log_offset: 0,
            pairs: readers / 2,
        };
        // Another process may grab a port between our probe and pcscd's bind.
        for attempt in 0.. {
            bench.port = free_ports(readers);
            bench.write_config();
            bench.start_pcscd();
            if bench.readers().len() == readers {
                break;
            }
            bench.stop_pcscd();
            assert!(attempt < 5, "vpcd readers missing:\n{}", bench.log());
        }
        bench
    }

    fn write_config(&self) {
        for pair in 0..self.pairs {
            // pcscd 1.9.9 numbers every entry's readers `00 00` and `00 01`:
            // distinct names keep them apart (`Virtual PCD 1 00 00`…).
            let name = match pair {
                0 => "Virtual PCD".to_owned(),
                n => format!("Virtual PCD {n}"),
            };
            // The driver keeps its readers in a static table indexed by
            // slot: each further entry needs its own copy of the library.
            let lib = match pair {
                0 => PathBuf::from(VPCD_DRIVER),
                n => {
                    let copy = self.dir.join(format!("libifdvpcd-{n}.so"));
                    fs::copy(VPCD_DRIVER, &copy).expect("copy the vpcd driver");
                    copy
                }
            };
            let conf = format!(
                "FRIENDLYNAME \"{name}\"\nDEVICENAME /dev/null:0x{p:04X}\n\
                 LIBPATH {lib}\nCHANNELID 0x{p:04X}\n",
                p = self.port + 2 * pair as u16,
                lib = lib.display()
            );
            // pcscd reads the directory in name order: the pairs stay in order.
            fs::write(self.dir.join(format!("reader.conf.d/vpcd{pair:02}")), conf)
                .expect("write reader.conf.d");
        }
    }

    pub fn socket_path(&self) -> PathBuf {
        self.dir.join("s")
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Variables a child process needs to use this bench's pcscd.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![(
            "PCSCLITE_CSOCK_NAME".into(),
            self.socket_path().to_string_lossy().into_owned(),
        )]
    }

    /// The vpcd port of reader `slot` (0, 1, …).
    pub fn port(&self, slot: usize) -> u16 {
        self.port + slot as u16
    }

    /// Name of reader `slot` as pcscd lists it, e.g. `Virtual PCD 00 00`.
    pub fn reader_name_at(&self, slot: usize) -> String {
        let readers = self.readers();
        readers
            .get(slot)
            .unwrap_or_else(|| panic!("no reader {slot} in {readers:?}\n{}", self.log()))
            .name
            .clone()
    }

    pub fn reader_name(&self) -> String {
        self.reader_name_at(0)
    }

    /// The readers pcscd reports now (empty when it does not answer).
    pub fn readers(&self) -> Vec<ReaderInfo> {
        PcscContext::establish()
            .and_then(|c| c.list_readers())
            .unwrap_or_default()
    }

    /// pcscd's log so far (all runs of this bench).
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("pcscd.log")).unwrap_or_default()
    }

    pub fn pcscd_running(&self) -> bool {
        self.pcscd.is_some()
    }

    /// Start pcscd on the bench socket and wait for `daemon ready`.
    pub fn start_pcscd(&mut self) {
        assert!(self.pcscd.is_none(), "pcscd already running");
        let socket = self.socket_path();
        let _ = fs::remove_file(&socket);
        let listener = UnixListener::bind(&socket).expect("bind the bench socket");
        let log_path = self.dir.join("pcscd.log");
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .expect("open pcscd.log");
        self.log_offset = log.metadata().map(|m| m.len()).unwrap_or(0);
        // systemd socket activation: the socket as fd 3, LISTEN_PID = pcscd's
        // own pid, which `exec` keeps equal to the shell's `$$`.
        let script = format!(
            "LISTEN_FDS=1 LISTEN_PID=$$ exec pcscd --foreground --debug --apdu -c '{}' 3<&0 </dev/null",
            self.dir.join("reader.conf.d").display()
        );
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(script)
            .stdin(Stdio::from(OwnedFd::from(listener)))
            .stdout(log.try_clone().expect("dup log"))
            .stderr(log);
        // SAFETY: prctl is async-signal-safe; nothing else runs in the child.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        self.pcscd = Some(cmd.spawn().expect("start pcscd (is it installed?)"));
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.log();
            let fresh = text.get(self.log_offset as usize..).unwrap_or("");
            if fresh.contains("daemon ready") {
                break;
            }
            if let Some(status) = self
                .pcscd
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("pcscd exited ({status}):\n{text}");
            }
            assert!(Instant::now() < deadline, "pcscd not ready:\n{text}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stop pcscd (SIGTERM, then SIGKILL) and remove its socket.
    pub fn stop_pcscd(&mut self) {
        if let Some(mut child) = self.pcscd.take() {
            // SAFETY: plain kill(2) on our own child.
            unsafe {
                libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while child.try_wait().ok().flatten().is_none() {
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        let _ = fs::remove_file(self.socket_path());
    }

    /// Insert `card` into reader 0 and wait until pcscd reports it.
    pub fn insert_card(&mut self, card: Box<dyn Card>) {
        self.insert_card_at(0, card);
    }

    pub fn insert_card_at(&mut self, slot: usize, card: Box<dyn Card>) {
        self.insert_cards(vec![(slot, card)]);
    }

    /// Insert several cards at once (one per reader), then wait for all.
    pub fn insert_cards(&mut self, cards: Vec<(usize, Box<dyn Card>)>) {
        let cards = cards
            .into_iter()
            .map(|(slot, card)| (slot, card, Arc::new(AtomicBool::new(false))))
            .collect();
        self.insert_cards_with_stop(cards);
    }

    /// Like `insert_cards`, with the flags that stop each card's server
    /// (a card holding its own flag can leave the reader by itself).
    pub fn insert_cards_with_stop(&mut self, cards: Vec<(usize, Box<dyn Card>, Arc<AtomicBool>)>) {
        let slots: Vec<usize> = cards.iter().map(|c| c.0).collect();
        for (slot, card, stop) in cards {
            assert!(
                !self.cards.iter().any(|c| c.0 == slot),
                "reader {slot} already has a card"
            );
            let addr = SocketAddr::from(([127, 0, 0, 1], self.port(slot)));
            let stop2 = stop.clone();
            let handle = std::thread::Builder::new()
                .name(format!("vpcd-card-{slot}"))
                .spawn(move || vpcd::serve(card, addr, stop2))
                .expect("spawn the card thread");
            self.cards.push((slot, stop, handle));
        }
        for slot in slots {
            self.wait_card(slot, true);
        }
    }

    /// Take the card out of reader 0 and wait until pcscd reports it gone.
    pub fn remove_card(&mut self) {
        self.remove_card_at(0);
    }

    pub fn remove_card_at(&mut self, slot: usize) {
        self.stop_card(slot);
        self.wait_card(slot, false);
    }

    /// Take every card out, then wait until pcscd reports all gone.
    pub fn remove_cards(&mut self) {
        let slots: Vec<usize> = self.cards.iter().map(|c| c.0).collect();
        for &slot in &slots {
            self.stop_card(slot);
        }
        for slot in slots {
            self.wait_card(slot, false);
        }
    }

    fn stop_card(&mut self, slot: usize) {
        if let Some(i) = self.cards.iter().position(|c| c.0 == slot) {
            let (_, stop, handle) = self.cards.remove(i);
            stop.store(true, Ordering::SeqCst);
            handle
                .join()
                .expect("card thread panicked")
                .expect("card thread failed");
        }
    }

    /// Wait until reader `slot` reports a card present (or absent).
    pub fn wait_card(&self, slot: usize, present: bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            let readers = self.readers();
            if readers.get(slot).map(|r| r.card_present) == Some(present) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "card in reader {slot} never became {}: {readers:?}\n{}",
                if present { "present" } else { "absent" },
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let slots: Vec<usize> = self.cards.iter().map(|c| c.0).collect();
        for slot in slots {
            if let Some(i) = self.cards.iter().position(|c| c.0 == slot) {
                let (_, stop, handle) = self.cards.remove(i);
                stop.store(true, Ordering::SeqCst);
                let _ = handle.join();
            }
        }
        self.stop_pcscd();
        if std::env::var_os("BENCH_KEEP").is_none() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Bench directories left by test processes that were killed.
fn remove_stale_dirs() {
    let Ok(entries) = fs::read_dir("/tmp") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("asb-")) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// A port `p` such that `p` … `p + n - 1` are free now (vpcd takes two
/// per driver entry).
fn free_ports(n: usize) -> u16 {
    'probe: loop {
        let first = TcpListener::bind("0.0.0.0:0").expect("bind a probe port");
        let port = first.local_addr().expect("probe port").port();
        if usize::from(port) + n > usize::from(u16::MAX) {
            continue;
        }
        let mut held = vec![first];
        for k in 1..n as u16 {
            match TcpListener::bind(("0.0.0.0", port + k)) {
                Ok(l) => held.push(l),
                Err(_) => continue 'probe,
            }
        }
        return port;
    }
}
