//! The RON description of a demo card and its conversion into the flat
//! file arena the command handlers work on.

use serde::Deserialize;

use super::DemoCardError;

/// Bytes in the RON file: `Hex("3F 00")` or `Text("Hello")`.
#[derive(Debug, Clone, Deserialize)]
pub enum Bytes {
    Hex(String),
    Text(String),
}

impl Bytes {
    fn decode(&self, what: &str) -> Result<Vec<u8>, DemoCardError> {
        match self {
            Bytes::Text(s) => Ok(s.as_bytes().to_vec()),
            Bytes::Hex(s) => crate::apdu::parse_hex(s).ok_or_else(|| DemoCardError::Invalid {
                what: what.to_owned(),
                reason: InvalidReason::BadHex(s.clone()),
            }),
        }
    }
}

/// Who may run a command on a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum Access {
    #[default]
    Always,
    /// After a successful VERIFY of this PIN reference.
    Pin(u8),
    Never,
}

#[derive(Debug, Clone, Deserialize)]
pub enum Structure {
    Transparent(Bytes),
    LinearFixed {
        record_size: u8,
        records: Vec<Bytes>,
    },
}

#[derive(Debug, Clone, Deserialize)]
pub struct EfSpec {
    pub fid: u16,
    #[serde(default)]
    pub sfi: Option<u8>,
    pub structure: Structure,
    #[serde(default)]
    pub read: Access,
    #[serde(default = "never")]
    pub update: Access,
}

fn never() -> Access {
    Access::Never
}

#[derive(Debug, Clone, Deserialize)]
pub struct DfSpec {
    pub fid: u16,
    /// DF name (AID for an application).
    #[serde(default)]
    pub aid: Option<Bytes>,
    /// Application label, returned in the FCI (tag A5 / 50).
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, Deserialize)]
pub enum Node {
    Df(DfSpec),
    Ef(EfSpec),
}

#[derive(Debug, Clone, Deserialize)]
pub struct PinSpec {
    pub reference: u8,
    pub value: Bytes,
    pub retries: u8,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DataObject {
    pub tag: u16,
    pub value: Bytes,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CardSpec {
    pub atr: Bytes,
    #[serde(default)]
    pub pins: Vec<PinSpec>,
    #[serde(default)]
    pub data_objects: Vec<DataObject>,
    pub mf: DfSpec,
}

/// Why a well-formed RON file does not describe a usable card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidReason {
    BadHex(String),
    AtrLength(usize),
    MfFid(u16),
    DuplicateFid(u16),
    ReservedFid(u16),
    BadSfi(u8),
    RecordTooLong {
        record: usize,
        len: usize,
        size: u8,
    },
    /// `record_size: 0`: a record has 1 to 255 bytes.
    ZeroRecordSize,
    TooManyRecords(usize),
    FileTooLarge(usize),
    DuplicatePin(u8),
    BadRetries(u8),
    UnknownPin(u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Transparent(Vec<u8>),
    /// Every record is exactly `record_size` bytes (padded with FF).
    Records {
        record_size: u8,
        records: Vec<Vec<u8>>,
    },
}

impl Content {
    pub fn size(&self) -> usize {
        match self {
            Content::Transparent(d) => d.len(),
            Content::Records {
                record_size,
                records,
            } => *record_size as usize * records.len(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Df {
        aid: Option<Vec<u8>>,
        label: Option<String>,
        children: Vec<usize>,
    },
    Ef {
        sfi: Option<u8>,
        content: Content,
        read: Access,
        update: Access,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub fid: u16,
    /// Index of the parent DF in the arena; the MF (index 0) has none.
    pub parent: Option<usize>,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub reference: u8,
    pub value: Vec<u8>,
    pub max_retries: u8,
}

/// Everything a demo card keeps in "non-volatile memory".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub atr: Vec<u8>,
    /// The MF is `files[0]`.
    pub files: Vec<File>,
    pub pins: Vec<Pin>,
    pub data_objects: Vec<(u16, Vec<u8>)>,
}

fn invalid(what: impl Into<String>, reason: InvalidReason) -> DemoCardError {
    DemoCardError::Invalid {
        what: what.into(),
        reason,
    }
}

impl CardSpec {
    pub fn build(&self) -> Result<Image, DemoCardError> {
        let atr = self.atr.decode("atr")?;
        if !(2..=33).contains(&atr.len()) {
            return Err(invalid("atr", InvalidReason::AtrLength(atr.len())));
        }
        if self.mf.fid != 0x3F00 {
            return Err(invalid("mf", InvalidReason::MfFid(self.mf.fid)));
        }
        let mut pins: Vec<Pin> = Vec::new();
        for p in &self.pins {
            let what = format!("PIN {:02X}", p.reference);
            if pins.iter().any(|q| q.reference == p.reference) {
                return Err(invalid(what, InvalidReason::DuplicatePin(p.reference)));
            }
            if !(1..=15).contains(&p.retries) {
                return Err(invalid(what, InvalidReason::BadRetries(p.retries)));
            }
            pins.push(Pin {
                reference: p.reference,
                value: p.value.decode(&what)?,
                max_retries: p.retries,
            });
        }
        let mut data_objects = Vec::new();
        for d in &self.data_objects {
            let what = format!("data object {:04X}", d.tag);
            data_objects.push((d.tag, d.value.decode(&what)?));
        }
        let mut image = Image {
            atr,
            files: Vec::new(),
            pins,
            data_objects,
        };
        add_df(&mut image, &self.mf, None)?;
        Ok(image)
    }
}

fn add_df(image: &mut Image, df: &DfSpec, parent: Option<usize>) -> Result<usize, DemoCardError> {
    let what = format!("DF {:04X}", df.fid);
    let aid = df.aid.as_ref().map(|a| a.decode(&what)).transpose()?;
    let index = image.files.len();
    image.files.push(File {
        fid: df.fid,
        parent,
        kind: Kind::Df {
            aid,
            label: df.label.clone(),
            children: Vec::new(),
        },
    });
    let mut children = Vec::with_capacity(df.children.len());
    let mut fids = Vec::with_capacity(df.children.len());
    for child in &df.children {
        let fid = match child {
            Node::Df(d) => d.fid,
            Node::Ef(e) => e.fid,
        };
        if matches!(fid, 0x3F00 | 0x3FFF | 0xFFFF) {
            return Err(invalid(&what, InvalidReason::ReservedFid(fid)));
        }
        if fids.contains(&fid) {
            return Err(invalid(&what, InvalidReason::DuplicateFid(fid)));
        }
        fids.push(fid);
        let i = match child {
            Node::Df(d) => add_df(image, d, Some(index))?,
            Node::Ef(e) => add_ef(image, e, index)?,
        };
        children.push(i);
    }
    if let Kind::Df { children: c, .. } = &mut image.files[index].kind {
        *c = children;
    }
    Ok(index)
}

fn add_ef(image: &mut Image, ef: &EfSpec, parent: usize) -> Result<usize, DemoCardError> {
    let what = format!("EF {:04X}", ef.fid);
    if let Some(sfi) = ef.sfi {
        if !(1..=30).contains(&sfi) {
            return Err(invalid(what, InvalidReason::BadSfi(sfi)));
        }
    }
    for access in [ef.read, ef.update] {
        if let Access::Pin(r) = access {
            if !image.pins.iter().any(|p| p.reference == r) {
                return Err(invalid(what, InvalidReason::UnknownPin(r)));
            }
        }
    }
    let content = match &ef.structure {
        Structure::Transparent(b) => {
            let d = b.decode(&what)?;
            if d.len() > 0x7FFF {
                return Err(invalid(what, InvalidReason::FileTooLarge(d.len())));
            }
            Content::Transparent(d)
        }
        Structure::LinearFixed {
            record_size,
            records,
        } => {
            if records.len() > 254 {
                return Err(invalid(what, InvalidReason::TooManyRecords(records.len())));
            }
            if *record_size == 0 {
                return Err(invalid(what, InvalidReason::ZeroRecordSize));
            }
            let mut out = Vec::with_capacity(records.len());
            for (n, r) in records.iter().enumerate() {
                let mut d = r.decode(&what)?;
                if d.len() > *record_size as usize {
                    return Err(invalid(
                        what,
                        InvalidReason::RecordTooLong {
                            record: n + 1,
                            len: d.len(),
                            size: *record_size,
                        },
                    ));
                }
                d.resize(*record_size as usize, 0xFF);
                out.push(d);
            }
            Content::Records {
                record_size: *record_size,
                records: out,
            }
        }
    };
    image.files.push(File {
        fid: ef.fid,
        parent: Some(parent),
        kind: Kind::Ef {
            sfi: ef.sfi,
            content,
            read: ef.read,
            update: ef.update,
        },
    });
    Ok(image.files.len() - 1)
}
