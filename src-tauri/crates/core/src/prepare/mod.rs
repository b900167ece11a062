//! Before the upload: what a file is, what Wix will make of it, and the copy that is sent.
//!
//! Originals are never written to. When something must change (the location removed, the
//! metadata removed, a photo made web-ready), the copy that is sent is made in a temporary
//! folder ([`temp::Workspace`]) and removed when the job ends, or at the next start after a
//! crash. Everything here is synchronous, pure work over files: the engine runs it on blocking
//! threads, a few at a time, so memory stays bounded (a decode is at most
//! [`webready::MAX_DECODED_PIXELS`] pixels).
//!
//! - [`meta`]: metadata read and removed losslessly, in every container Wixdrop knows.
//! - [`webready`]: resize + orientation + re-encode, fast (DCT-scaled decoding, SIMD resize).
//! - [`limits`]: Wix's per-type limits as data, with their source and date.
//! - [`preflight`]: the report shown before anything is sent.
//! - [`names`]: web-safe file names.

pub mod limits;
pub mod meta;
pub mod names;
pub mod preflight;
pub mod temp;
pub mod webready;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use meta::{Container, Strip};

/// How files are prepared before they are sent (Settings → Photos; CLI flags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct PrepareOptions {
    /// Remove GPS positions from photos (default on; `--keep-location` turns it off).
    pub remove_location: bool,
    /// Remove all EXIF/XMP/IPTC metadata (Orientation and colour profile stay).
    pub remove_metadata: bool,
    /// Make photos web-ready: longest side at most `max_side_px`, re-encoded.
    pub optimize: bool,
    /// Longest side of a web-ready photo, in pixels (default 2,560, as WordPress).
    pub max_side_px: u32,
    /// JPEG quality of a web-ready photo (1–100, default 85).
    pub jpeg_quality: u8,
    /// Send files under web-safe names (lower case, dashes, no accents).
    pub web_safe_names: bool,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        PrepareOptions {
            remove_location: true,
            remove_metadata: false,
            optimize: false,
            max_side_px: 2560,
            jpeg_quality: 85,
            web_safe_names: false,
        }
    }
}

impl PrepareOptions {
    pub fn strip(&self) -> Option<Strip> {
        if self.remove_metadata {
            Some(Strip::All)
        } else if self.remove_location {
            Some(Strip::Location)
        } else {
            None
        }
    }

    /// Does anything have to be looked at before sending?
    pub fn does_anything(&self) -> bool {
        self.remove_location || self.remove_metadata || self.optimize
    }

    pub fn validate(&self) -> Result<(), String> {
        if !(64..=20_000).contains(&self.max_side_px) {
            return Err(format!(
                "The longest side of a web-ready photo must be between 64 and 20,000 pixels (got {}).",
                self.max_side_px
            ));
        }
        if !(1..=100).contains(&self.jpeg_quality) {
            return Err(format!(
                "JPEG quality must be between 1 and 100 (got {}).",
                self.jpeg_quality
            ));
        }
        Ok(())
    }
}

/// What happened to a file's location data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Location {
    /// The file records no position.
    None,
    /// It did; the copy sent does not.
    Removed,
    /// It does, and it was sent with it (the user chose so).
    Kept,
    /// Its metadata could not be read; sent as it is.
    Unknown,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::None => "none",
            Location::Removed => "removed",
            Location::Kept => "kept",
            Location::Unknown => "unknown",
        }
    }
    pub fn parse(s: &str) -> Option<Location> {
        Some(match s {
            "none" => Location::None,
            "removed" => Location::Removed,
            "kept" => Location::Kept,
            "unknown" => Location::Unknown,
            _ => return None,
        })
    }
}

/// The result of preparing one file.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// What to send: the original, or a copy in the workspace.
    pub send: PathBuf,
    /// `send` is a temporary copy (remove it when done).
    pub is_copy: bool,
    pub original_size: u64,
    /// SHA-256 of the original, when it was read whole on the way.
    pub original_sha256: Option<String>,
    pub sent_size: u64,
    pub location: Location,
    /// Pixel size of what is sent, upright, when known (from the header; not for HEIC/AVIF).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Made web-ready (resized and re-encoded).
    pub optimized: bool,
    /// Plain-words notes ("sent at its size: …").
    pub notes: Vec<String>,
}

/// Errors preparing a file. The original is never at risk; the job reports these.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("{path} could not be read to prepare it: {source}. Check that it still exists and is readable.")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("The prepared copy of {path} could not be written to the temporary folder: {source}. Check free disk space.")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Largest file read whole into memory to be made web-ready (bigger ones are only stripped).
pub const MAX_WEBREADY_FILE: u64 = 512 * 1024 * 1024;

/// Prepare `src` for sending: a copy in `dir` when anything changes, else the original.
pub fn prepare(
    src: &Path,
    opts: &PrepareOptions,
    dir: &Path,
    stem: &str,
) -> Result<Prepared, PrepareError> {
    let read_err = |source| PrepareError::Read {
        path: src.to_path_buf(),
        source,
    };
    let original_size = std::fs::metadata(src).map_err(read_err)?.len();
    let strip = opts.strip();
    let plan = meta::scan(src, strip).map_err(read_err)?;
    let facts = &plan.facts;
    let mut notes = Vec::new();
    let mut out = Prepared {
        send: src.to_path_buf(),
        is_copy: false,
        original_size,
        original_sha256: None,
        sent_size: original_size,
        location: Location::None,
        width: None,
        height: None,
        optimized: false,
        notes: Vec::new(),
    };
    if let Some(why) = &facts.unreadable {
        notes.push(format!(
            "Its metadata could not be read ({why}); it was sent as it is."
        ));
        out.location = Location::Unknown;
    }
    let ext = src
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let dst = dir.join(if ext.is_empty() {
        stem.to_string()
    } else {
        format!("{stem}.{ext}")
    });
    let write_err = |source| PrepareError::Write {
        path: src.to_path_buf(),
        source,
    };

    if opts.optimize
        && matches!(plan.container, Container::Jpeg | Container::Png)
        && facts.unreadable.is_none()
    {
        if original_size > MAX_WEBREADY_FILE {
            notes
                .push("It is too large to be made web-ready here; it was sent at its size.".into());
        } else {
            let data = std::fs::read(src).map_err(read_err)?;
            let target = webready::Target {
                max_side: opts.max_side_px,
                jpeg_quality: opts.jpeg_quality,
                strip,
                orientation: facts.orientation.unwrap_or(1),
            };
            match webready::make(&data, plan.container, &target) {
                Ok(w) if (w.bytes.len() as u64) < original_size => {
                    std::fs::write(&dst, &w.bytes).map_err(write_err)?;
                    use sha2::Digest;
                    out.original_sha256 = Some(meta::hex(&sha2::Sha256::digest(&data)));
                    out.send = dst;
                    out.is_copy = true;
                    out.sent_size = w.bytes.len() as u64;
                    out.width = Some(w.width);
                    out.height = Some(w.height);
                    out.optimized = true;
                    out.location = location(facts.has_location, strip.is_some());
                    out.notes = notes;
                    return Ok(out);
                }
                Ok(_) => notes
                    .push("Its web-ready version was not smaller; the original was sent.".into()),
                Err(webready::Skip::Small) => {}
                Err(webready::Skip::Unsupported(why)) => {
                    notes.push(format!("Not made web-ready: {why}."))
                }
                Err(webready::Skip::Failed(why)) => notes.push(format!(
                    "Not made web-ready: {why}; it was sent at its size."
                )),
            }
        }
    } else if opts.optimize && matches!(plan.container, Container::Webp | Container::Heif) {
        if let Err(webready::Skip::Unsupported(why)) = webready::make(
            &[],
            plan.container,
            &webready::Target {
                max_side: opts.max_side_px,
                jpeg_quality: opts.jpeg_quality,
                strip,
                orientation: 1,
            },
        ) {
            notes.push(format!("Not made web-ready: {why}."));
        }
    }

    if facts.unreadable.is_none() {
        out.location = location(facts.has_location, strip.is_some());
    }
    if plan.changes() {
        let (sha, written) = meta::write(src, &plan, &dst).map_err(|e| {
            let _ = std::fs::remove_file(&dst);
            write_err(e)
        })?;
        out.original_sha256 = Some(sha);
        out.send = dst;
        out.is_copy = true;
        out.sent_size = written;
    }
    // The pixels sent are the original's: their size from its header (no decode), upright as
    // shown (EXIF orientations 5–8 turn it a quarter), for History and its export. Formats the
    // `image` crate cannot read the header of (HEIC, AVIF) stay unknown.
    if let Ok((w, h)) = image::image_dimensions(src) {
        let turned = matches!(facts.orientation, Some(5..=8));
        (out.width, out.height) = if turned {
            (Some(h), Some(w))
        } else {
            (Some(w), Some(h))
        };
    }
    out.notes = notes;
    Ok(out)
}

fn location(has: bool, stripped: bool) -> Location {
    match (has, stripped) {
        (false, _) => Location::None,
        (true, true) => Location::Removed,
        (true, false) => Location::Kept,
    }
}
