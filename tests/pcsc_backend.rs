//! The PC/SC backend on a real private pcscd with the vpcd driver.

mod common;

use apdu_scriptor::card::pcsc_backend::PcscContext;
use apdu_scriptor::card::{Card, Protocol, ShareMode};
use common::card::{TestCard, ATR_T0};
use common::Bench;

#[test]
fn lists_the_virtual_reader_with_card_and_atr() {
    let mut bench = Bench::start();
    let readers = PcscContext::establish().unwrap().list_readers().unwrap();
    assert_eq!(readers.len(), 2, "{readers:?}");
    assert!(readers[0].name.starts_with("Virtual PCD"), "{readers:?}");
    assert!(!readers[0].card_present);
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let readers = PcscContext::establish().unwrap().list_readers().unwrap();
    assert!(readers[0].card_present);
    assert_eq!(readers[0].atr.as_deref(), Some(ATR_T0));
    let ctx = PcscContext::establish().unwrap();
    let mut card = ctx.connect(&bench.reader_name(), Protocol::Any, ShareMode::Shared).unwrap();
    eprintln!("proto {:?}", card.protocol());
    let t = std::time::Instant::now();
    for _ in 0..20 {
        card.transmit(&[0, 0xA4, 0, 0x0C, 2, 0x3F, 0]).unwrap();
    }
    eprintln!("20 apdus {:?}", t.elapsed());
    eprintln!("{}", bench.log());
}
