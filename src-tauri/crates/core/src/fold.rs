//! Search folding: the one function every Wixdrop search runs both sides through, so "cafe",
//! "CAFÉ" and "café" find each other (issue 15: "one folding function, NFKD + case fold").
//!
//! Shape: Unicode NFKD (compatibility decomposition: "é" → "e" + U+0301, "ﬁ" → "fi", full-width
//! letters → ASCII), combining marks dropped, then lower case. The decomposition tables come from
//! `unicode-normalization` (unicode-rs, the crate std's own tooling uses) rather than our own
//! copy. Transliterating crates (`deunicode`, `any_ascii`) were not chosen: they turn every
//! script into ASCII guesses ("北京" → "Bei Jing"), so a Latin query would match Chinese names
//! it has nothing to do with. A handful of Latin letters that NFKD leaves whole but that people
//! type without their stroke or as two letters are mapped by hand (ß → ss, ø → o, ł → l, đ → d,
//! æ → ae, œ → oe, ı → i), the way full case folding maps ß.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// `text` folded for matching: NFKD, without combining marks, lower case (see the module doc).
/// Pure and cheap (one pass); the result is only for comparing, never for showing.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        for l in c.to_lowercase() {
            match l {
                'ß' => out.push_str("ss"),
                'ø' => out.push('o'),
                'ł' => out.push('l'),
                'đ' => out.push('d'),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                'ı' => out.push('i'),
                _ => out.push(l),
            }
        }
    }
    out
}

/// Whether `haystack` contains every whitespace-separated term of `query`, both folded.
/// An empty query matches everything.
pub fn matches(haystack: &str, query: &str) -> bool {
    let h = fold(haystack);
    fold(query).split_whitespace().all(|t| h.contains(t))
}

/// The positions of the `texts` that contain every term of `query` (folded once), in order:
/// what a filter over a list shows (sites, folders). An empty query matches every text.
pub fn matching(texts: &[String], query: &str) -> Vec<u32> {
    let terms: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
    texts
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            let h = fold(t);
            terms.iter().all(|q| h.contains(q.as_str()))
        })
        .map(|(i, _)| i as u32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_compatibility_forms_fold_away() {
        let name = "Été à la plage – café crème.jpg";
        assert_eq!(fold(name), "ete a la plage – cafe creme.jpg");
        for q in ["cafe", "ETE", "creme", "Café Crème", "été"] {
            assert!(matches(name, q), "{q}");
        }
        assert!(!matches(name, "cafes"));
        assert_eq!(fold("ﬁle ＡＢＣ"), "file abc");
        assert_eq!(
            fold("Straße Łódź Ørsted Æbleskiver"),
            "strasse lodz orsted aebleskiver"
        );
        // Already decomposed input (as macOS file names are) folds the same.
        assert_eq!(fold("Cafe\u{301}"), fold("Café"));
    }

    #[test]
    fn matching_finds_list_items_by_folded_words() {
        let sites: Vec<String> = [
            "Été à la plage – café crème",
            "Demo Blog",
            "CAFÉ Store",
            "Straße",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(matching(&sites, "cafe"), vec![0, 2]);
        assert_eq!(matching(&sites, "ete creme"), vec![0]);
        assert_eq!(matching(&sites, "strasse"), vec![3]);
        assert_eq!(matching(&sites, "  "), vec![0, 1, 2, 3]);
        assert!(matching(&sites, "nothing").is_empty());
    }

    #[test]
    fn garbage_and_empty_input_fold_without_panicking() {
        assert_eq!(fold(""), "");
        assert!(matches("anything", "   "));
        let odd: String = ['\u{0}', '\u{301}', '\u{FFFF}', '🙂', '\u{202E}']
            .iter()
            .collect();
        let _ = fold(&odd);
    }
}
