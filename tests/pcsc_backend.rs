//! The PC/SC backend on a real private pcscd with the vpcd driver.

mod common;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use apdu_scriptor::card::pcsc_backend::PcscContext;
use apdu_scriptor::card::{Card, CardError, Disposition, Protocol, ShareMode};
use common::card::{TestCard, ATR_T0, ATR_T1};
use common::Bench;

const SELECT_MF: &[u8] = &[0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00];

fn connect(bench: &Bench, protocol: Protocol, share: ShareMode) -> Result<impl Card, CardError> {
    PcscContext::establish()
        .unwrap()
        .connect(&bench.reader_name(), protocol, share)
}

#[test]
fn lists_the_virtual_readers_with_card_and_atr() {
    let mut bench = Bench::start();
    let readers = PcscContext::establish().unwrap().list_readers().unwrap();
    assert_eq!(readers.len(), 2, "{readers:?}");
    assert_eq!(readers[0].name, "Virtual PCD 00 00");
    assert_eq!(readers[1].name, "Virtual PCD 00 01");
    assert!(!readers[0].card_present);
    assert_eq!(readers[0].atr, None);

    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let readers = PcscContext::establish().unwrap().list_readers().unwrap();
    assert!(readers[0].card_present);
    assert_eq!(readers[0].atr.as_deref(), Some(ATR_T0));
    assert!(!readers[0].exclusive);
    assert!(!readers[1].card_present);
}

#[test]
fn connects_transmits_resets_and_disconnects() {
    let mut bench = Bench::start();
    let card = TestCard::new(ATR_T0);
    let journal = card.journal();
    bench.insert_card(Box::new(card));

    let mut card = connect(&bench, Protocol::Any, ShareMode::Shared).unwrap();
    assert_eq!(card.protocol(), Protocol::T0);
    assert_eq!(card.atr(), ATR_T0);
    assert_eq!(card.transmit(SELECT_MF).unwrap(), [0x90, 0x00]);
    // A long response, over the 16 bytes of a result line.
    let long = card.transmit(&[0x00, 0xB0, 0x00, 0x00, 0x40]).unwrap();
    assert_eq!(long.len(), 0x42);
    assert_eq!(&long[..3], [0, 1, 2]);
    assert_eq!(&long[0x40..], [0x90, 0x00]);
    assert_eq!(
        card.transmit(&[0x00, 0x12, 0x00, 0x00]).unwrap(),
        [0x6D, 0x00]
    );

    let resets_before = journal.lock().unwrap().resets.len();
    assert_eq!(card.reset(false).unwrap(), ATR_T0);
    assert_eq!(journal.lock().unwrap().resets[resets_before..], [false]);
    assert_eq!(card.reset(true).unwrap(), ATR_T0);
    assert!(journal.lock().unwrap().resets[resets_before + 1..].contains(&true));
    assert_eq!(card.transmit(SELECT_MF).unwrap(), [0x90, 0x00]);

    card.disconnect(Disposition::Leave).unwrap();
    assert_eq!(card.transmit(SELECT_MF), Err(CardError::NotConnected));
    // The commands reached the card in order.
    let commands = journal.lock().unwrap().commands.clone();
    assert_eq!(commands.first().map(Vec::as_slice), Some(SELECT_MF));
    assert_eq!(commands.len(), 4);
}

#[test]
fn t1_card_with_extended_apdu() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T1)));
    let mut card = connect(&bench, Protocol::T1, ShareMode::Shared).unwrap();
    assert_eq!(card.protocol(), Protocol::T1);
    // ECHO with a 1000-byte extended data field: 00 EE 00 00 00 03 E8 …
    let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
    let mut apdu = vec![0x00, 0xEE, 0x00, 0x00, 0x00, 0x03, 0xE8];
    apdu.extend_from_slice(&data);
    let response = card.transmit(&apdu).unwrap();
    assert_eq!(&response[..1000], &data[..]);
    assert_eq!(&response[1000..], [0x90, 0x00]);
}

#[test]
fn removed_card_is_reported_and_reinserted_card_works() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let mut card = connect(&bench, Protocol::Any, ShareMode::Shared).unwrap();
    assert_eq!(card.transmit(SELECT_MF).unwrap(), [0x90, 0x00]);

    bench.remove_card();
    let err = card.transmit(SELECT_MF).unwrap_err();
    assert_eq!(err, CardError::CardRemoved);
    assert!(err.hint().is_some());

    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    // A fresh connection works, and so does a reset of the old one.
    let mut fresh = connect(&bench, Protocol::Any, ShareMode::Shared).unwrap();
    assert_eq!(fresh.transmit(SELECT_MF).unwrap(), [0x90, 0x00]);
    drop(fresh);
    assert_eq!(card.reset(false).unwrap(), ATR_T0);
    assert_eq!(card.transmit(SELECT_MF).unwrap(), [0x90, 0x00]);
}

#[test]
fn no_card_in_the_reader() {
    let bench = Bench::start();
    let err = connect(&bench, Protocol::Any, ShareMode::Shared)
        .err()
        .unwrap();
    assert_eq!(err, CardError::NoCard);
    // A direct connection needs no card.
    let direct = connect(&bench, Protocol::Any, ShareMode::Direct);
    assert!(direct.is_ok(), "{:?}", direct.err());
}

#[test]
fn unknown_reader_names_the_reader() {
    let _bench = Bench::start();
    let err = PcscContext::establish()
        .unwrap()
        .connect("No Such Reader 00 00", Protocol::Any, ShareMode::Shared)
        .err()
        .unwrap();
    assert_eq!(err, CardError::UnknownReader("No Such Reader 00 00".into()));
}

#[test]
fn exclusive_holder_causes_sharing_violation() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let mut holder = connect(&bench, Protocol::Any, ShareMode::Exclusive).unwrap();
    let readers = PcscContext::establish().unwrap().list_readers().unwrap();
    assert!(readers[0].exclusive, "{readers:?}");

    let err = connect(&bench, Protocol::Any, ShareMode::Shared)
        .err()
        .unwrap();
    assert_eq!(err, CardError::SharingViolation);
    assert!(err.hint().unwrap().contains("scdaemon"));

    holder.disconnect(Disposition::Leave).unwrap();
    assert!(connect(&bench, Protocol::Any, ShareMode::Shared).is_ok());
}

#[test]
fn t0_on_a_t1_only_card_is_a_protocol_mismatch() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T1)));
    let err = connect(&bench, Protocol::T0, ShareMode::Shared)
        .err()
        .unwrap();
    assert_eq!(err, CardError::ProtocolMismatch);
    assert!(err.hint().is_some());
    let card = connect(&bench, Protocol::Any, ShareMode::Shared).unwrap();
    assert_eq!(card.protocol(), Protocol::T1);
}

#[test]
fn no_service_when_pcscd_is_not_running() {
    let mut bench = Bench::start();
    bench.stop_pcscd();
    let err = PcscContext::establish().err().unwrap();
    assert_eq!(err, CardError::NoService);
    assert_eq!(err.message(), "PC/SC service not running");
    assert!(err.hint().unwrap().contains("pcscd"));
    let err = apdu_scriptor::card::open("Virtual PCD 00 00", Protocol::Any, ShareMode::Shared)
        .err()
        .unwrap();
    assert_eq!(err, CardError::NoService);

    // And back: the same process talks to the new pcscd.
    bench.start_pcscd();
    assert_eq!(bench.readers().len(), 2);
}

#[test]
fn card_pulled_between_two_commands_is_reported_removed() {
    let mut bench = Bench::start();
    let stop = Arc::new(AtomicBool::new(false));
    // The card leaves the reader right after answering 00 DD 00 00, before
    // pcscd's next poll could notice: the next transfer fails inside pcscd.
    let card = TestCard::new(ATR_T0).leaving_on(0xDD, stop.clone());
    bench.insert_cards_with_stop(vec![(0, Box::new(card), stop)]);
    let mut card = connect(&bench, Protocol::Any, ShareMode::Shared).unwrap();
    assert_eq!(
        card.transmit(&[0x00, 0xDD, 0x00, 0x00]).unwrap(),
        [0x6D, 0x00]
    );
    assert_eq!(card.transmit(SELECT_MF), Err(CardError::CardRemoved));
    assert_eq!(card.transmit(SELECT_MF), Err(CardError::CardRemoved));
}

/// A reset of a pulled card fails, and the next commands must still say
/// the card was removed, not that another program reset it (pcscd answers
/// so on the old handle), even once the card is back; a reset then works.
#[test]
fn after_a_failed_reset_a_pulled_card_is_still_removed() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let mut card = connect(&bench, Protocol::Any, ShareMode::Shared).unwrap();
    assert_eq!(card.transmit(SELECT_MF).unwrap(), [0x90, 0x00]);
    bench.remove_card();
    assert_eq!(card.reset(false), Err(CardError::NoCard));
    let err = card.transmit(SELECT_MF).unwrap_err();
    assert_eq!(err, CardError::CardRemoved);
    assert_eq!(err.message(), "The card was removed");
    assert_eq!(card.reset(true), Err(CardError::NoCard));
    assert_eq!(card.transmit(SELECT_MF), Err(CardError::CardRemoved));

    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    assert_eq!(card.transmit(SELECT_MF), Err(CardError::CardRemoved));
    assert_eq!(card.reset(false).unwrap(), ATR_T0);
    assert_eq!(card.transmit(SELECT_MF).unwrap(), [0x90, 0x00]);
}

/// A card that another program reset is reported so, and not as removed.
#[test]
fn a_reset_by_another_program_is_reported_as_such() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let mut ours = connect(&bench, Protocol::Any, ShareMode::Shared).unwrap();
    let mut other = connect(&bench, Protocol::Any, ShareMode::Shared).unwrap();
    assert_eq!(ours.transmit(SELECT_MF).unwrap(), [0x90, 0x00]);
    assert_eq!(other.reset(false).unwrap(), ATR_T0);
    let err = ours.transmit(SELECT_MF).unwrap_err();
    assert_eq!(err, CardError::CardReset);
    assert_eq!(err.message(), "The card was reset by another program");
}

/// Answers `90` alone (no SW2) to INS 0E, `90 00` to anything else.
struct ShortCard;

impl Card for ShortCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        Ok(if command.get(1) == Some(&0x0E) {
            vec![0x90]
        } else {
            vec![0x90, 0x00]
        })
    }
    fn reset(&mut self, _cold: bool) -> Result<Vec<u8>, CardError> {
        Ok(ATR_T0.to_vec())
    }
    fn atr(&self) -> Vec<u8> {
        ATR_T0.to_vec()
    }
    fn protocol(&self) -> Protocol {
        Protocol::T0
    }
    fn disconnect(&mut self, _d: Disposition) -> Result<(), CardError> {
        Ok(())
    }
}

/// A card still in the reader keeps its short answer (no status word) and
/// the backend asks the reader, not pcscd's next poll, whether it is there;
/// the card's time is that of the exchange alone.
#[test]
fn a_short_answer_from_a_present_card_is_kept() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(ShortCard));
    let mut card = connect(&bench, Protocol::Any, ShareMode::Shared).unwrap();
    for _ in 0..3 {
        let t = std::time::Instant::now();
        assert_eq!(card.transmit(&[0x00, 0x0E, 0x00, 0x00]), Ok(vec![0x90]));
        let whole = t.elapsed();
        let card_time = card.last_card_time().expect("the card's own time");
        assert!(card_time <= whole);
        eprintln!("short answer: call {whole:?}, card {card_time:?}");
    }
    assert_eq!(card.transmit(SELECT_MF), Ok(vec![0x90, 0x00]));
    // Once the card is gone, a transfer says so.
    bench.remove_card();
    assert_eq!(
        card.transmit(&[0x00, 0x0E, 0x00, 0x00]),
        Err(CardError::CardRemoved)
    );
}
