use super::*;

fn hex(s: &str) -> Vec<u8> {
    crate::apdu::parse_hex(s).expect("test hex")
}

fn up(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02X}")).collect()
}

fn tx(card: &mut DemoCard, cmd: &str) -> String {
    up(&card.transmit(&hex(cmd)).unwrap())
}

fn t1() -> DemoCard {
    DemoCard::builtin(Protocol::T1).unwrap()
}

fn t0() -> DemoCard {
    DemoCard::builtin(Protocol::T0).unwrap()
}

fn text(s: &str) -> String {
    up(s.as_bytes())
}

#[test]
fn atr_offers_t0_and_t1_with_valid_tck() {
    let atr = t1().atr();
    assert_eq!(atr[0], 0x3B);
    assert_eq!(atr[1] >> 4, 0x8, "only TD1 present");
    assert_eq!(atr[2], 0x80, "TD1: T=0, TD2 follows");
    assert_eq!(atr[3], 0x01, "TD2: T=1");
    let k = (atr[1] & 0x0F) as usize;
    assert_eq!(&atr[4..4 + k], b"APDU DEMO");
    assert_eq!(atr.len(), 4 + k + 1);
    assert_eq!(atr[1..].iter().fold(0, |x, b| x ^ b), 0, "TCK");
}

#[test]
fn any_protocol_resolves_to_t0() {
    assert_eq!(
        DemoCard::builtin(Protocol::Any).unwrap().protocol(),
        Protocol::T0
    );
    assert_eq!(t1().protocol(), Protocol::T1);
}

#[test]
fn select_mf_returns_fcp_or_nothing() {
    let mut c = t1();
    assert_eq!(tx(&mut c, "00A4000C023F00"), "9000");
    assert_eq!(
        tx(&mut c, "00A40004023F0000"),
        "620A8201388302 3F008A0105 9000".replace(' ', "")
    );
    let r = tx(&mut c, "00A40000023F0000");
    assert!(r.starts_with("6F"), "{r}");
    assert!(r.contains(&format!("5009{}", text("APDU DEMO"))), "{r}");
    assert!(r.ends_with("9000"));
}

#[test]
fn select_by_aid_partial_and_next() {
    let mut c = t1();
    let r = tx(&mut c, "00A4040005F04150445500");
    assert!(r.contains("8409F04150445553435201"), "{r}");
    assert!(r.contains(&text("APDU Demo App")), "{r}");
    let r = tx(&mut c, "00A4040205F04150445500");
    assert!(r.contains("8409F04150445553435202"), "{r}");
    assert_eq!(tx(&mut c, "00A4040205F04150445500"), "6A82");
    assert_eq!(tx(&mut c, "00A4040C03A0000000"), "6A82");
}

#[test]
fn select_by_path_child_parent() {
    let mut c = t1();
    let r = tx(&mut c, "00A408040450005003 00");
    assert!(r.starts_with("62"), "{r}");
    assert!(r.contains("82050221001403"), "linear fixed, 3 x 20: {r}");
    assert!(r.contains("83025003"), "{r}");
    assert!(r.contains("880118"), "SFI 3: {r}");
    assert_eq!(tx(&mut c, "00A4030C"), "9000");
    assert_eq!(tx(&mut c, "00A4010C025000"), "9000");
    assert_eq!(tx(&mut c, "00A4020C025001"), "9000");
    assert_eq!(tx(&mut c, "00B000000D"), text("Hello, world!") + "9000");
    assert_eq!(tx(&mut c, "00A4010C025001"), "6A82", "an EF is no DF");
    assert_eq!(tx(&mut c, "00A4090C026001"), "6A82");
    assert_eq!(tx(&mut c, "00A4080C063F0060006001"), "9000");
    assert_eq!(tx(&mut c, "00A4080C03600060"), "6700");
    assert_eq!(tx(&mut c, "00A4050C025000"), "6A86");
    assert_eq!(tx(&mut c, "00A40010025000"), "6A86");
}

#[test]
fn read_binary_offsets_and_ends() {
    let mut c = t1();
    assert_eq!(tx(&mut c, "00B0000004"), "6986");
    tx(&mut c, "00A4080C0450005002");
    let all = text("Long file: forty bytes of demo content..");
    assert_eq!(tx(&mut c, "00B0000000"), all.clone() + "9000");
    assert_eq!(tx(&mut c, "00B0000028"), all.clone() + "9000");
    assert_eq!(tx(&mut c, "00B0002010"), all[64..].to_string() + "6282");
    assert_eq!(tx(&mut c, "00B0002810"), "6B00");
    assert_eq!(tx(&mut c, "00B0810005"), text("Hello") + "9000", "by SFI 1");
    assert_eq!(tx(&mut c, "00B0850005"), "6A82");
    tx(&mut c, "00A4020C025003");
    assert_eq!(tx(&mut c, "00B0000004"), "6981");
}

#[test]
fn read_record_by_number_and_sfi() {
    let mut c = t1();
    tx(&mut c, "00A4080C025000");
    let mut ada = text("Ada Lovelace");
    ada.push_str(&"FF".repeat(8));
    assert_eq!(tx(&mut c, "00B2011C00"), ada.clone() + "9000");
    assert_eq!(tx(&mut c, "00B2000400"), ada + "9000", "current record");
    assert_eq!(tx(&mut c, "00B2041C00"), "6A83");
    assert_eq!(tx(&mut c, "00B2010500"), "6A86");
    tx(&mut c, "00A4020C025001");
    assert_eq!(tx(&mut c, "00B2010400"), "6981");
}

#[test]
fn verify_counts_down_blocks_and_resets() {
    let mut c = t1();
    assert_eq!(tx(&mut c, "0020000100"), "63C3");
    assert_eq!(tx(&mut c, "002000010831323334FFFFFFFF"), "9000");
    assert_eq!(tx(&mut c, "00200001"), "9000");
    assert_eq!(tx(&mut c, "002000010830303030FFFFFFFF"), "63C2");
    assert_eq!(tx(&mut c, "00200001"), "63C2", "a wrong PIN unverifies");
    assert_eq!(tx(&mut c, "002000010830303030FFFFFFFF"), "63C1");
    assert_eq!(tx(&mut c, "002000010830303030FFFFFFFF"), "6983");
    assert_eq!(tx(&mut c, "002000010831323334FFFFFFFF"), "6983");
    c.reset(false).unwrap();
    assert_eq!(
        tx(&mut c, "00200001"),
        "6983",
        "the counter is non-volatile"
    );
    assert_eq!(tx(&mut c, "002C0301"), "9000");
    assert_eq!(tx(&mut c, "00200001"), "63C3");
    assert_eq!(tx(&mut c, "002000010301"), "6700");
    assert_eq!(tx(&mut c, "00200002"), "6A88");
}

#[test]
fn update_binary_needs_pin_and_survives_reset() {
    let mut c = t1();
    tx(&mut c, "00A4080C0450005002");
    assert_eq!(tx(&mut c, "00D6000002AAAA"), "6982");
    tx(&mut c, "002000010831323334FFFFFFFF");
    assert_eq!(tx(&mut c, "00D6000002AAAA"), "9000");
    assert_eq!(tx(&mut c, "00D6002702BBBB"), "6A84");
    assert_eq!(tx(&mut c, "00D6002902BBBB"), "6B00");
    c.reset(true).unwrap();
    assert_eq!(
        tx(&mut c, "00B0000002"),
        "6986",
        "reset clears the selection"
    );
    tx(&mut c, "00A4080C0450005002");
    assert_eq!(tx(&mut c, "00B0000003"), "AAAA6E9000");
    assert_eq!(
        tx(&mut c, "00D6000002AAAA"),
        "6982",
        "reset clears the PIN status"
    );
    tx(&mut c, "00A4020C025001");
    tx(&mut c, "002000010831323334FFFFFFFF");
    assert_eq!(tx(&mut c, "00D6000001AA"), "6986", "never updatable");
}

#[test]
fn t0_case4_answers_61xx_and_get_response_delivers() {
    let mut c = t0();
    let fci = tx(&mut t1(), "00A40400 09 F04150445553435201 00");
    let body = &fci[..fci.len() - 4];
    let len = body.len() / 2;
    assert_eq!(
        tx(&mut c, "00A40400 09 F04150445553435201 00"),
        format!("61{len:02X}")
    );
    assert_eq!(
        tx(&mut c, "00C0000005"),
        format!("{}61{:02X}", &body[..10], len - 5)
    );
    assert_eq!(tx(&mut c, "00C00000FF"), format!("6C{:02X}", len - 5));
    assert_eq!(tx(&mut c, "00C0000000"), format!("{}9000", &body[10..]));
    assert_eq!(tx(&mut c, "00C0000000"), "6985", "nothing left");
    assert_eq!(tx(&mut t1(), "00C0000000"), "6985");
}

#[test]
fn t0_case3_select_also_waits_and_other_command_drops_it() {
    let mut c = t0();
    let r = tx(&mut c, "00A40000023F00");
    assert!(r.starts_with("61"), "{r}");
    assert_eq!(
        tx(&mut t1(), "00A40000023F00"),
        "9000",
        "no Le, no data under T=1"
    );
    tx(&mut c, "00A4000C023F00");
    assert_eq!(tx(&mut c, "00C0000000"), "6985");
}

#[test]
fn t0_case2_wrong_le_answers_6cxx() {
    let mut c = t0();
    tx(&mut c, "00A4080C0450005002");
    assert_eq!(tx(&mut c, "00B0000030"), "6C28");
    assert_eq!(tx(&mut c, "00B0002010"), "6C08");
    assert_eq!(
        tx(&mut c, "00B0002008"),
        text("content..")[2..].to_string() + "9000"
    );
    assert_eq!(
        tx(&mut c, "00B0000000"),
        text("Long file: forty bytes of demo content..") + "9000"
    );
    tx(&mut c, "00A4080C0450005003");
    assert_eq!(tx(&mut c, "00B2010410"), "6C14");
    assert_eq!(tx(&mut c, "00B2010414").len(), 2 * 22);
}

#[test]
fn get_challenge_is_random_and_sized() {
    let mut c = t1();
    let a = c.transmit(&hex("0084000008")).unwrap();
    let b = c.transmit(&hex("0084000008")).unwrap();
    assert_eq!(a.len(), 10);
    assert_eq!(&a[8..], &[0x90, 0]);
    assert_ne!(a, b);
    assert_eq!(c.transmit(&hex("0084000000")).unwrap().len(), 10);
    assert_eq!(tx(&mut c, "0084010008"), "6A86");
}

#[test]
fn get_data_and_errors() {
    let mut c = t1();
    assert_eq!(tx(&mut c, "00CA004200"), text("APDU Scriptor") + "9000");
    assert_eq!(tx(&mut c, "00CA010100"), "6A88");
    assert_eq!(tx(&mut c, "80CA004200"), "6E00");
    assert_eq!(tx(&mut c, "0CCA004200"), "6882");
    assert_eq!(tx(&mut c, "00FF000000"), "6D00");
    assert_eq!(tx(&mut c, "00A4"), "6700");
    assert_eq!(tx(&mut c, "00A400000300"), "6700");
    assert_eq!(tx(&mut c, ""), "6700");
}

#[test]
fn reset_returns_atr_and_disconnect_ends() {
    let mut c = t1();
    assert_eq!(c.reset(false).unwrap(), c.atr());
    c.disconnect(Disposition::Leave).unwrap();
    assert_eq!(c.transmit(&[0, 0xA4, 0, 0]), Err(CardError::NotConnected));
}

#[test]
fn from_ron_errors_are_clear() {
    let e = DemoCard::from_ron("(atr: Hex(\"3B\"),", Protocol::T1)
        .err()
        .unwrap();
    assert!(matches!(e, DemoCardError::Syntax(_)), "{e:?}");
    assert!(
        e.to_string().contains("line 1, column "),
        "position given: {e}"
    );
    let e = DemoCard::from_ron(
        "(atr: Hex(\"3B 00\"), mf: (fid: 0x3F00, children: [Ef((fid: 1, structure: Transparent(Text(\"\")))), Ef((fid: 1, structure: Transparent(Text(\"\"))))]))",
        Protocol::T1,
    )
    .err()
    .unwrap();
    assert_eq!(
        e,
        DemoCardError::Invalid {
            what: "DF 3F00".into(),
            reason: InvalidReason::DuplicateFid(1)
        }
    );
    assert!(e.to_string().contains("0001"), "{e}");
    let e = DemoCard::from_ron("(atr: Hex(\"3B 0\"), mf: (fid: 0x3F00))", Protocol::T1)
        .err()
        .unwrap();
    assert!(e.to_string().contains("3B 0"), "{e}");
    let e = DemoCard::from_file(Path::new("/nonexistent/card.ron"), Protocol::T1)
        .err()
        .unwrap();
    assert!(e.to_string().contains("/nonexistent/card.ron"), "{e}");
    let e = DemoCard::from_file(Path::new("/dev/zero"), Protocol::T1)
        .err()
        .unwrap();
    assert!(e.to_string().contains("NUL byte on line 1"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.ron");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(crate::files::MAX_FILE_SIZE + 1)
        .unwrap();
    let e = DemoCard::from_file(&big, Protocol::T1).err().unwrap();
    assert!(
        e.to_string().ends_with("the file is larger than 64 MiB"),
        "{e}"
    );
    let e = DemoCard::from_ron(
        "(atr: Hex(\"3B 00\"), mf: (fid: 0x3F00, children: [Ef((fid: 1, structure: LinearFixed(record_size: 0, records: [Hex(\"\")])))]))",
        Protocol::T1,
    )
    .err()
    .unwrap();
    assert!(
        e.to_string()
            .ends_with("the record size is 0: a record has 1 to 255 bytes"),
        "{e}"
    );
    let deep = format!("(atr: {}", "[".repeat(1000));
    let e = DemoCard::from_ron(&deep, Protocol::T1).err().unwrap();
    assert!(!e.to_string().contains("serde_stacker"), "{e}");
}

#[test]
fn from_file_loads_a_minimal_card() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.ron");
    std::fs::write(
        &p,
        "(atr: Hex(\"3B 00\"), mf: (fid: 0x3F00, children: [Ef((fid: 0x0001, structure: Transparent(Hex(\"01 02\"))))]))",
    )
    .unwrap();
    let mut c = DemoCard::from_file(&p, Protocol::T1).unwrap();
    assert_eq!(c.atr(), vec![0x3B, 0]);
    assert_eq!(tx(&mut c, "00A4000C020001"), "9000");
    assert_eq!(tx(&mut c, "00B0000000"), "01029000");
}
