//! Remove the noise a key picks up between the API Keys Manager and our paste box.
//!
//! Copying through chat apps, `.env` files, curl commands and code samples adds quotes, line
//! breaks, `Bearer ` (Wix API keys are sent raw) and `Authorization:` header names. None of those
//! characters can be part of a token, so removing them is safe, and we say what we removed.
//! Cleaning is repeated until nothing changes, which makes it idempotent.

use std::collections::BTreeSet;

use super::{Cleaned, Problem};

/// Quote characters stripped from both ends (independently: a cut-off closing quote counts).
const QUOTES: &[char] = &[
    '"', '\'', '`', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}', '\u{00AB}', '\u{00BB}',
];

/// Prefixes a token can start with, for telling `BearerIST.…` (no space) apart from text.
const TOKEN_STARTS: &[&str] = &["IST.", "OauthNG.", "JWS.", "eyJ"];

/// Whitespace plus the invisible characters editors and chat apps insert.
pub(super) fn is_noise_space(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// Clean pasted text: surrounding whitespace and quotes, a leading `Authorization:` and/or
/// `Bearer ` (any case), then whitespace and line breaks inside. Never fails; `problems` lists
/// what was removed (only `whitespace_removed`, `quotes_removed`, `bearer_prefix_removed`).
pub fn clean(text: &str) -> Cleaned {
    let mut found = BTreeSet::new();
    let mut value = text.to_owned();
    // Terminates: every round that does not `break` makes `value` strictly shorter.
    loop {
        let outer = strip_outer(&value, &mut found);
        let next: String = if outer.chars().any(is_noise_space) {
            found.insert(Problem::WhitespaceRemoved);
            outer.chars().filter(|c| !is_noise_space(*c)).collect()
        } else {
            outer.to_owned()
        };
        if next.len() == value.len() {
            break;
        }
        value = next;
    }
    Cleaned {
        value,
        problems: found.into_iter().collect(),
    }
}

/// Peel whitespace, quotes and header/`Bearer` prefixes off the ends until none is left.
fn strip_outer<'a>(mut t: &'a str, found: &mut BTreeSet<Problem>) -> &'a str {
    loop {
        let before = t.len();
        let trimmed = t.trim_matches(is_noise_space);
        if trimmed.len() != t.len() {
            found.insert(Problem::WhitespaceRemoved);
        }
        t = trimmed;
        let unquoted = t.trim_matches(QUOTES);
        if unquoted.len() != t.len() {
            found.insert(Problem::QuotesRemoved);
        }
        t = unquoted;
        if let Some(rest) = strip_authorization(t).or_else(|| strip_bearer(t)) {
            found.insert(Problem::BearerPrefixRemoved);
            // The blank that separated the prefix from the key belongs to the prefix.
            t = rest.trim_start_matches([' ', '\t']);
        }
        if t.len() == before {
            return t;
        }
    }
}

/// `Authorization:` / `authorization =` / `"Authorization": ` → the rest.
fn strip_authorization(t: &str) -> Option<&str> {
    const NAME: &str = "authorization";
    let head = t.get(..NAME.len())?;
    if !head.eq_ignore_ascii_case(NAME) {
        return None;
    }
    let rest =
        t[NAME.len()..].trim_start_matches(|c: char| is_noise_space(c) || QUOTES.contains(&c));
    rest.strip_prefix(':').or_else(|| rest.strip_prefix('='))
}

/// `Bearer <x>` / `bearer:<x>` / `BearerIST.…` → `<x>`; a lone word "Bearer" stays.
fn strip_bearer(t: &str) -> Option<&str> {
    const NAME: &str = "bearer";
    let head = t.get(..NAME.len())?;
    if !head.eq_ignore_ascii_case(NAME) {
        return None;
    }
    let rest = &t[NAME.len()..];
    let first = rest.chars().next()?;
    if is_noise_space(first) {
        Some(rest)
    } else if first == ':' {
        Some(&rest[1..])
    } else if TOKEN_STARTS.iter().any(|p| rest.starts_with(p)) {
        Some(rest)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_each_kind_of_noise() {
        let c = clean("  Authorization: Bearer \"IST.a.b.c\"\n");
        assert_eq!(c.value, "IST.a.b.c");
        assert_eq!(
            c.problems,
            vec![
                Problem::WhitespaceRemoved,
                Problem::QuotesRemoved,
                Problem::BearerPrefixRemoved
            ]
        );
        assert_eq!(clean("IST.a.\nb.c").value, "IST.a.b.c");
        assert_eq!(clean("bearerIST.a.b.c").value, "IST.a.b.c");
        assert_eq!(clean("'`IST.x`'").value, "IST.x");
        assert_eq!(clean("\u{FEFF}IST.x\u{200B}").value, "IST.x");
    }

    #[test]
    fn leaves_clean_text_and_lone_words_alone() {
        let c = clean("IST.a.b.c");
        assert!(!c.changed());
        assert_eq!(clean("Bearer").value, "Bearer");
        assert_eq!(clean("Authorization").value, "Authorization");
        assert_eq!(clean("").value, "");
        assert_eq!(clean(" \" ' ").value, "");
    }

    #[test]
    fn debug_hides_the_value() {
        let c = clean(" secret-value ");
        let shown = format!("{c:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("redacted"));
    }
}
