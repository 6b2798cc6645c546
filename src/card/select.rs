//! Choosing readers by name: `run --readers PATTERN`.

/// Does `name` match `pattern`? With `*` (any run of characters) or `?`
/// (one character) the whole name must match; without them `pattern` is
/// looked for inside the name. Case is ignored either way.
pub fn reader_matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    if !p.iter().any(|&c| c == '*' || c == '?') {
        let p: String = p.into_iter().collect();
        let n: String = n.into_iter().collect();
        return n.contains(&p);
    }
    glob(&p, &n)
}

/// Iterative wildcard match with one backtrack point (linear-ish, no recursion).
fn glob(p: &[char], n: &[char]) -> bool {
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == '?' || c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn substring_or_wildcards() {
        assert!(reader_matches("virtual", "Virtual PCD 00 01"));
        assert!(reader_matches("PCD 00", "Virtual PCD 00 01"));
        assert!(!reader_matches("PCD 02", "Virtual PCD 00 01"));
        assert!(reader_matches("virtual pcd 0? 0*", "Virtual PCD 01 00"));
        assert!(reader_matches("*01", "Virtual PCD 00 01"));
        assert!(!reader_matches("*00", "Virtual PCD 00 01"));
        assert!(reader_matches("*", ""));
        assert!(!reader_matches("?", ""));
        assert!(reader_matches("a*b*c", "aXXbYYbc"));
    }

    proptest! {
        #[test]
        fn never_panics_and_a_name_matches_itself(p in "[a-c*?]{0,8}", n in "[a-c ]{0,12}") {
            let _ = reader_matches(&p, &n);
            let escaped = n.replace(['*', '?'], "");
            prop_assert!(reader_matches(&escaped, &n));
            prop_assert!(reader_matches("*", &n));
        }
    }
}
