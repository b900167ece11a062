//! Wix's request limits, in one place with their source, and the shortening that keeps a
//! request inside them.
//!
//! Source: wix-api.md §8 ("generate-upload-url request limits", from Wix's generate-file-upload-url
//! and generate-file-resumable-upload-url pages) and wix-media-library.md §9 (Create Folder). A
//! value over a limit is a 400 from Wix, so Wixdrop never sends one: names are shortened here,
//! and folder paths too long for `filePath` are created folder by folder (`upload::folders`).
//!
//! **How characters are counted.** Wix does not say. Its services validate with JVM string
//! lengths, i.e. UTF-16 code units, which is never fewer than the Unicode scalar values (Rust
//! `chars()`) and more for emoji and other characters outside the BMP. Wixdrop counts UTF-16
//! code units ([`wix_len`]), so a name that fits passes under either reading.
//!
//! **How names are shortened** ([`fit_file_name`], [`fit_folder_name`]): the start of the name
//! stays readable, the middle gives way to "…", the end of the name stays (camera and download
//! names put their numbers there), and a short disambiguator from a hash of the *whole* name
//! follows, so two long names that share a start and an end still differ. The extension is
//! kept, since Wix infers the type from it. Cuts fall on grapheme boundaries (never inside a
//! multi-byte character, an emoji sequence or a letter with its accents). The same name always
//! shortens the same way, so a folder created earlier is found again. The full local name stays
//! in the journal, the history and on screen; only the request carries the short one.

use std::borrow::Cow;

use sha2::{Digest, Sha256};
use unicode_segmentation::UnicodeSegmentation;

/// `fileName` on generate-upload-url / generate-resumable-upload-url: at most 200 characters.
pub const FILE_NAME_MAX: usize = 200;
/// `filePath` (the whole folder path, e.g. `/videos/2024/december`): at most 100 characters.
pub const FILE_PATH_MAX: usize = 100;
/// `mimeType` on the generate calls: at most 100 characters.
pub const MIME_TYPE_MAX: usize = 100;
/// `parentFolderId` on the generate calls and Create Folder: at most 100 characters.
pub const PARENT_FOLDER_ID_MAX: usize = 100;
/// `labels` on generate-upload-url: at most 50 items (500 on the resumable variant).
pub const LABELS_MAX: usize = 50;
/// Create Folder's `displayName`: at most 200 characters (wix-media-library.md §9).
pub const FOLDER_NAME_MAX: usize = 200;
/// Query Sites returns at most 1,000 sites ([`crate::wix::sites::MAX_SITES`]).
pub const QUERY_SITES_MAX: usize = 1000;

/// An extension longer than this is not treated as one (it is part of the name).
const EXT_MAX: usize = 16;
const ELLIPSIS: &str = "…";
/// Hex digits of the disambiguator.
const TAG_LEN: usize = 6;

/// A string's length as Wix is assumed to count it: UTF-16 code units.
pub fn wix_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Does a whole folder path (`/a/b/c`) fit in `filePath`?
pub fn file_path_fits(path: &str) -> bool {
    wix_len(path) <= FILE_PATH_MAX
}

/// `name` as it may be sent as `fileName`: unchanged when it fits (≤ [`FILE_NAME_MAX`]),
/// else shortened with its extension kept (`start…end~1a2b3c.jpg`).
pub fn fit_file_name(name: &str) -> Cow<'_, str> {
    if wix_len(name) <= FILE_NAME_MAX {
        return Cow::Borrowed(name);
    }
    let (stem, ext) = split_extension(name);
    Cow::Owned(shorten(name, stem, ext, FILE_NAME_MAX))
}

/// A folder's `displayName` as it may be sent to Create Folder (≤ [`FOLDER_NAME_MAX`]).
pub fn fit_folder_name(name: &str) -> Cow<'_, str> {
    if wix_len(name) <= FOLDER_NAME_MAX {
        return Cow::Borrowed(name);
    }
    Cow::Owned(shorten(name, name, "", FOLDER_NAME_MAX))
}

/// `("photo", ".jpg")`; `(name, "")` when there is no plausible extension.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => {
            let ext = &name[i..];
            let plausible = wix_len(ext) <= EXT_MAX + 1
                && ext.len() > 1
                && ext[1..]
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
            if plausible {
                (&name[..i], ext)
            } else {
                (name, "")
            }
        }
        _ => (name, ""),
    }
}

/// `stem` cut to `head…tail~tag` + `ext`, within `max` UTF-16 units; `tag` hashes `whole`.
fn shorten(whole: &str, stem: &str, ext: &str, max: usize) -> String {
    let digest = Sha256::digest(whole.as_bytes());
    let tag = format!("~{}", &hex(&digest)[..TAG_LEN]);
    let budget = max.saturating_sub(wix_len(ext) + wix_len(ELLIPSIS) + wix_len(&tag));
    // Two thirds for the start, one third for the end.
    let head_budget = budget * 2 / 3;
    let graphemes: Vec<&str> = stem.graphemes(true).collect();
    let mut head_len = 0;
    let mut head_end = 0; // graphemes taken from the start
    for g in &graphemes {
        let l = wix_len(g);
        if head_len + l > head_budget {
            break;
        }
        head_len += l;
        head_end += 1;
    }
    let mut tail_len = 0;
    let mut tail_start = graphemes.len();
    while tail_start > head_end {
        let l = wix_len(graphemes[tail_start - 1]);
        if head_len + tail_len + l > budget {
            break;
        }
        tail_len += l;
        tail_start -= 1;
    }
    let head = graphemes[..head_end].concat();
    let tail = graphemes[tail_start..].concat();
    format!(
        "{}{ELLIPSIS}{}{tag}{ext}",
        head.trim_end(),
        tail.trim_start()
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_names_are_untouched() {
        assert!(matches!(fit_file_name("a.jpg"), Cow::Borrowed("a.jpg")));
        let exactly = format!("{}.png", "x".repeat(196));
        assert_eq!(fit_file_name(&exactly), exactly.as_str());
        assert_eq!(fit_folder_name("Holidays"), "Holidays");
    }

    #[test]
    fn a_250_character_name_keeps_start_end_and_extension() {
        let name = format!("Camera export {} IMG_0042.jpeg", "long ".repeat(45));
        assert!(name.chars().count() > 200);
        let fit = fit_file_name(&name);
        assert!(wix_len(&fit) <= FILE_NAME_MAX, "{}", wix_len(&fit));
        assert!(fit.starts_with("Camera export long"), "{fit}");
        assert!(fit.ends_with(".jpeg"), "{fit}");
        assert!(fit.contains("IMG_0042~"), "{fit}");
        assert!(fit.contains('…'));
        assert_eq!(
            fit_file_name(&name),
            fit,
            "the same name shortens the same way"
        );
    }

    #[test]
    fn names_sharing_start_and_end_do_not_collide() {
        let a = format!("{}A{}.png", "x".repeat(120), "y".repeat(120));
        let b = format!("{}B{}.png", "x".repeat(120), "y".repeat(120));
        assert_ne!(fit_file_name(&a), fit_file_name(&b));
    }

    #[test]
    fn multi_byte_and_grapheme_clusters_are_never_split() {
        // Emoji family (ZWJ sequence, 11 UTF-16 units), accented letters as base + combining mark.
        let family = "👨‍👩‍👧‍👦";
        let e_acute = "e\u{301}";
        let name = format!(
            "{}{}{}.heic",
            family.repeat(15),
            e_acute.repeat(40),
            "ü".repeat(60)
        );
        let fit = fit_file_name(&name);
        assert!(wix_len(&fit) <= FILE_NAME_MAX);
        assert!(fit.ends_with(".heic"));
        let (stem, _) = fit.split_once('…').unwrap();
        assert_eq!(
            stem.graphemes(true).filter(|g| *g != family).count(),
            0,
            "whole families only: {stem}"
        );
        // Every grapheme of the result also occurs in the original or in what we add.
        for g in fit.graphemes(true) {
            assert!(
                name.contains(g) || "…~0123456789abcdef.".contains(g),
                "{g:?} in {fit}"
            );
        }
    }

    #[test]
    fn odd_extensions() {
        // Not an extension: spaces, or far too long; kept as part of the name.
        let dotted = format!("{}.this is not an extension", "n".repeat(220));
        let fit = fit_file_name(&dotted);
        assert!(wix_len(&fit) <= FILE_NAME_MAX);
        assert!(!fit.ends_with(".this is not an extension"));
        let hidden = format!(".{}", "h".repeat(230));
        assert!(wix_len(&fit_file_name(&hidden)) <= FILE_NAME_MAX);
        let no_ext = "z".repeat(500);
        assert!(wix_len(&fit_file_name(&no_ext)) <= FILE_NAME_MAX);
    }

    #[test]
    fn folder_names_and_paths() {
        let long = "Folder ".repeat(40);
        let fit = fit_folder_name(&long);
        assert!(wix_len(&fit) <= FOLDER_NAME_MAX);
        assert!(fit.starts_with("Folder Folder"));
        assert!(file_path_fits(&format!("/{}", "a".repeat(99))));
        assert!(!file_path_fits(&format!("/{}", "a".repeat(100))));
        // Counted in UTF-16 units: 50 emoji are 100 units, 51 are too many with the slash.
        assert!(!file_path_fits(&format!("/{}", "😀".repeat(50))));
    }

    proptest! {
        #[test]
        fn always_fits_and_keeps_a_short_extension(stem in "\\PC{0,400}", ext in "[a-z0-9]{1,6}") {
            let name = format!("{stem}.{ext}");
            let fit = fit_file_name(&name);
            prop_assert!(wix_len(&fit) <= FILE_NAME_MAX);
            if wix_len(&name) > FILE_NAME_MAX && !stem.is_empty() {
                let dotted = format!(".{ext}");
                prop_assert!(fit.ends_with(&dotted));
            }
            prop_assert!(wix_len(&fit_folder_name(&stem)) <= FOLDER_NAME_MAX);
        }
    }
}
