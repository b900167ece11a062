//! Web-safe file names: lower case, ASCII, words joined by dashes, the extension kept.
//! "Café Crème (1).JPG" → "cafe-creme-1.jpg". Accents go through the same folding as History
//! search (NFKD, combining marks dropped), so what a user searches for matches.

use unicode_normalization::UnicodeNormalization;

/// The web-safe form of `name` (a file name with its extension).
pub fn web_safe(name: &str) -> String {
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 && i + 1 < name.len() => (&name[..i], Some(&name[i + 1..])),
        _ => (name, None),
    };
    let mut s = slug(stem);
    if s.is_empty() {
        s = "file".into();
    }
    match ext.map(slug).filter(|e| !e.is_empty()) {
        Some(e) => format!("{s}.{}", e.replace('-', "")),
        None => s,
    }
}

fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
    {
        let mapped: &str = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'ø' | 'Ø' => "o",
            'œ' | 'Œ' => "oe",
            'ł' | 'Ł' => "l",
            _ => "",
        };
        let mut put = |c: char| {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        };
        if !mapped.is_empty() {
            mapped.chars().for_each(&mut put);
        } else if c.is_ascii_alphanumeric() {
            put(c);
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::web_safe;

    #[test]
    fn names_become_web_safe() {
        assert_eq!(web_safe("Café Crème (1).JPG"), "cafe-creme-1.jpg");
        assert_eq!(web_safe("  Straße__Nº 5 .png"), "strasse-no-5.png");
        assert_eq!(web_safe("ÆØÅ.jpeg"), "aeoa.jpeg");
        assert_eq!(web_safe(".hidden"), "hidden");
        assert_eq!(web_safe("日本.jpg"), "file.jpg");
        assert_eq!(web_safe("already-fine.webp"), "already-fine.webp");
    }
}
