//! Card names from `smartcard_list.txt` (pcsc-tools' list, GPL data read at
//! run time, never bundled). Each entry is a line holding a regular
//! expression over the upper-case, space-separated ATR, then one or more
//! TAB-indented description lines. The patterns use a small regex subset:
//! `.`, `[…]` sets with ranges, and the `*`, `+`, `?` repeats.

use std::path::PathBuf;

/// Where the list is looked for, freshest first: the copy pcsc-tools'
/// `ATR_analysis -u` keeps in the cache, the user's own, the system one.
pub fn smartcard_list_paths() -> Vec<PathBuf> {
    let home = crate::dirs::home();
    let cache = crate::dirs::cache_home();
    let mut paths = Vec::new();
    if let Some(c) = cache {
        paths.push(c.join("smartcard_list.txt"));
    }
    if let Some(h) = home {
        paths.push(h.join(".smartcard_list.txt"));
    }
    paths.push(PathBuf::from("/usr/local/share/pcsc/smartcard_list.txt"));
    paths.push(PathBuf::from("/usr/share/pcsc/smartcard_list.txt"));
    paths
}

/// Every description of the card in the lists found on this machine,
/// without duplicates. Empty when no list exists or nothing matches.
pub fn lookup_names(atr: &[u8]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for path in smartcard_list_paths() {
        let Ok(bytes) = crate::files::read_file_limited(&path) else {
            continue;
        };
        for name in lookup_names_in(&String::from_utf8_lossy(&bytes), atr) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// The descriptions in `list` (the text of a smartcard_list.txt) of every
/// entry whose pattern matches the ATR.
pub fn lookup_names_in(list: &str, atr: &[u8]) -> Vec<String> {
    let subject = super::hex_spaced(atr);
    let mut names = Vec::new();
    let mut matching = false;
    for line in list.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(desc) = line.strip_prefix('\t') {
            if matching {
                names.push(desc.trim().to_owned());
            }
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            matching = false;
            continue;
        }
        matching = pattern_matches(line.trim_end(), &subject);
    }
    names
}

#[derive(Debug)]
enum Atom {
    Any,
    Char(u8),
    Set { negated: bool, items: Vec<(u8, u8)> },
}

impl Atom {
    fn matches(&self, c: u8) -> bool {
        match self {
            Atom::Any => true,
            Atom::Char(x) => *x == c,
            Atom::Set { negated, items } => {
                items.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Repeat {
    One,
    Optional,
    Star,
    Plus,
}

/// Compile a pattern; None when it uses syntax outside the subset (then the
/// entry never matches rather than matching wrongly).
fn compile(pattern: &str) -> Option<Vec<(Atom, Repeat)>> {
    let p = pattern.to_ascii_uppercase().into_bytes();
    let mut out: Vec<(Atom, Repeat)> = Vec::new();
    let mut i = 0;
    while i < p.len() {
        let c = p[i];
        i += 1;
        let atom = match c {
            b'.' => Atom::Any,
            b'*' | b'+' | b'?' => {
                let last = out.last_mut().filter(|(_, r)| *r == Repeat::One)?;
                last.1 = match c {
                    b'*' => Repeat::Star,
                    b'+' => Repeat::Plus,
                    _ => Repeat::Optional,
                };
                continue;
            }
            b'[' => {
                let negated = p.get(i) == Some(&b'^');
                if negated {
                    i += 1;
                }
                let mut items = Vec::new();
                loop {
                    let &x = p.get(i)?;
                    i += 1;
                    if x == b']' && !items.is_empty() {
                        break;
                    }
                    if p.get(i) == Some(&b'-') && p.get(i + 1).is_some_and(|&y| y != b']') {
                        items.push((x, p[i + 1]));
                        i += 2;
                    } else {
                        items.push((x, x));
                    }
                }
                Atom::Set { negated, items }
            }
            b'\\' => {
                let &x = p.get(i)?;
                i += 1;
                Atom::Char(x)
            }
            b'(' | b')' | b'|' | b'{' | b'}' | b'^' | b'$' => return None,
            _ => Atom::Char(c),
        };
        out.push((atom, Repeat::One));
    }
    Some(out)
}

/// Whole-string, case-insensitive match, as pcsc-tools does with `^…$`.
fn pattern_matches(pattern: &str, subject: &str) -> bool {
    match compile(pattern) {
        Some(prog) => match_here(&prog, subject.to_ascii_uppercase().as_bytes()),
        None => false,
    }
}

fn match_here(prog: &[(Atom, Repeat)], s: &[u8]) -> bool {
    let Some(((atom, rep), rest)) = prog.split_first() else {
        return s.is_empty();
    };
    let (min, max) = match rep {
        Repeat::One => (1, 1),
        Repeat::Optional => (0, 1),
        Repeat::Star => (0, usize::MAX),
        Repeat::Plus => (1, usize::MAX),
    };
    let run = s.iter().take(max).take_while(|&&c| atom.matches(c)).count();
    if run < min {
        return false;
    }
    (min..=run).rev().any(|n| match_here(rest, &s[n..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_of_regex_syntax() {
        assert!(pattern_matches("3B .. 00", "3B 95 00"));
        assert!(pattern_matches("3B 6. A[FE] 0[1-5]", "3B 6F AE 03"));
        assert!(!pattern_matches("3B 6. A[FE] 0[1-5]", "3B 6F AE 06"));
        assert!(pattern_matches("3F 65 [6,E]C", "3F 65 EC"));
        assert!(pattern_matches("3B EF .* 38", "3B EF 00 FF 81 38"));
        assert!(pattern_matches("3b 02", "3B 02"));
        assert!(!pattern_matches("3B 02", "3B 02 14"));
        assert!(!pattern_matches("3B (02|03)", "3B 02"));
    }
}
