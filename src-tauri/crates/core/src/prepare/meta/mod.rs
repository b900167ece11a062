//! Metadata in image files, read and removed **without touching a pixel**.
//!
//! The photo's coded image data is never decoded here: [`scan`] walks the container (JPEG
//! segments, PNG chunks, WebP RIFF chunks, HEIF/AVIF boxes), finds the EXIF (TIFF) blocks and
//! XMP packets, and plans edits; [`write`] then streams the original into a copy with those
//! edits applied, hashing the original on the way (one read of the file gives the copy and the
//! original's SHA-256, which is what duplicates are matched on).
//!
//! - **Location** ([`Strip::Location`]): the GPS IFD is taken out of the EXIF block and GPS
//!   properties in XMP become spaces, in place (same length; `tiff.rs`, `xmp.rs`), so every
//!   offset in every container stays valid. PNG chunks get their CRC recomputed.
//! - **All** ([`Strip::All`]): JPEG, PNG and WebP lose their EXIF/XMP/IPTC segments, chunks and
//!   comments (an Orientation other than 1 survives as a minimal EXIF block, so the photo still
//!   shows upright); HEIF/AVIF items are addressed by absolute offsets, so there the EXIF block
//!   keeps only the Orientation and the XMP packet is blanked, in place.
//! - Colour profiles (JPEG APP2 `ICC_PROFILE`, PNG `iCCP`, WebP `ICCP`, HEIF `colr`) are never
//!   touched, nor is the Adobe APP14 marker (it says how CMYK/YCC data is to be read).
//!
//! A container that cannot be read is reported as such ([`Facts::unreadable`]); the caller
//! then sends the file untouched with a note rather than guess.

mod heif;
pub(crate) mod jpeg;
pub(crate) mod png;
pub mod tiff;
mod webp;
pub mod xmp;

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

pub use tiff::Strip;

/// The kinds of file this module can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Jpeg,
    Png,
    Webp,
    /// ISO base media file: HEIC/HEIF and AVIF.
    Heif,
    Other,
}

/// What a file's metadata says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// A GPS position is recorded (EXIF GPS IFD or XMP GPS properties), or a metadata block
    /// that may hold one could not be inspected (it is removed all the same).
    pub has_location: bool,
    /// EXIF Orientation (1–8) if recorded.
    pub orientation: Option<u16>,
    /// Some EXIF, XMP, IPTC or text metadata is present.
    pub has_metadata: bool,
    /// Why the container could not be read (then nothing is planned).
    pub unreadable: Option<String>,
}

/// Replace `len` bytes of the original at `at` with `bytes` (empty: drop them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    pub at: u64,
    pub len: u64,
    pub bytes: Vec<u8>,
}

/// What [`scan`] found and what [`write`] will change.
#[derive(Debug, Clone)]
pub struct Plan {
    pub container: Container,
    pub facts: Facts,
    pub(crate) edits: Vec<Edit>,
}

impl Plan {
    /// Will the copy differ from the original?
    pub fn changes(&self) -> bool {
        !self.edits.is_empty()
    }
}

/// The largest metadata block read into memory (an EXIF block is at most 64 KiB in JPEG; XMP
/// and HEIF `meta` boxes are rarely above a few hundred KiB).
pub(crate) const MAX_BLOCK: u64 = 16 * 1024 * 1024;

/// Which container `head` (the first bytes of a file) starts.
pub fn container_of(head: &[u8]) -> Container {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Container::Jpeg
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Container::Png
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Container::Webp
    } else if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        let known: [&[u8; 4]; 9] = [
            b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis",
        ];
        if known.iter().any(|b| &b[..] == brand) {
            Container::Heif
        } else {
            Container::Other
        }
    } else {
        Container::Other
    }
}

/// Read the file's metadata and plan the edits for `strip` (`None`: only read).
pub fn scan(path: &Path, strip: Option<Strip>) -> std::io::Result<Plan> {
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    let mut head = [0u8; 12];
    let n = read_up_to(&mut f, &mut head)?;
    let container = container_of(&head[..n]);
    let mut plan = Plan {
        container,
        facts: Facts::default(),
        edits: Vec::new(),
    };
    let result = match container {
        Container::Jpeg => jpeg::scan(&mut f, len, strip, &mut plan),
        Container::Png => png::scan(&mut f, len, strip, &mut plan),
        Container::Webp => webp::scan(&mut f, len, strip, &mut plan),
        Container::Heif => heif::scan(&mut f, len, strip, &mut plan),
        Container::Other => Ok(()),
    };
    if let Err(why) = result {
        plan.facts.unreadable = Some(why);
        plan.edits.clear();
    }
    plan.edits.sort_by_key(|e| e.at);
    Ok(plan)
}

/// Copy `src` to `dst` with the plan's edits; the original's SHA-256 (hex) and the bytes
/// written. The original is only read.
pub fn write(src: &Path, plan: &Plan, dst: &Path) -> std::io::Result<(String, u64)> {
    let mut r = File::open(src)?;
    let mut w = BufWriter::with_capacity(1 << 20, File::create(dst)?);
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut at = 0u64;
    let mut written = 0u64;
    let mut pass =
        |r: &mut File, n: u64, out: Option<&mut BufWriter<File>>| -> std::io::Result<u64> {
            let mut left = n;
            let mut out = out;
            while left > 0 {
                let want = left.min(buf.len() as u64) as usize;
                let got = r.read(&mut buf[..want])?;
                if got == 0 {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the file got shorter while it was being copied",
                    ));
                }
                h.update(&buf[..got]);
                if let Some(w) = out.as_deref_mut() {
                    w.write_all(&buf[..got])?;
                }
                left -= got as u64;
            }
            Ok(n)
        };
    for e in &plan.edits {
        written += pass(&mut r, e.at - at, Some(&mut w))?;
        pass(&mut r, e.len, None)?;
        w.write_all(&e.bytes)?;
        written += e.bytes.len() as u64;
        at = e.at + e.len;
    }
    // The rest, to the end (whatever its length now).
    loop {
        let got = r.read(&mut buf)?;
        if got == 0 {
            break;
        }
        h.update(&buf[..got]);
        w.write_all(&buf[..got])?;
        written += got as u64;
    }
    w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok((hex(&h.finalize()), written))
}

/// Lower-case hex of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Read exactly `len` bytes at `at`, refusing blocks over [`MAX_BLOCK`] or past `file_len`.
pub(crate) fn read_at(f: &mut File, file_len: u64, at: u64, len: u64) -> Result<Vec<u8>, String> {
    if len > MAX_BLOCK {
        return Err(format!(
            "a metadata block of {len} bytes is too large to inspect"
        ));
    }
    if at.checked_add(len).is_none_or(|end| end > file_len) {
        return Err("the file is cut short inside its metadata".into());
    }
    f.seek(SeekFrom::Start(at)).map_err(|e| e.to_string())?;
    let mut v = vec![0u8; len as usize];
    f.read_exact(&mut v).map_err(|e| e.to_string())?;
    Ok(v)
}

/// Record that `block` (found at `at` in the file) was changed into `new`, if it was.
pub(crate) fn patch(plan: &mut Plan, at: u64, before: &[u8], new: Vec<u8>) {
    if before != new.as_slice() {
        plan.edits.push(Edit {
            at,
            len: before.len() as u64,
            bytes: new,
        });
    }
}

/// Apply the TIFF facts of one EXIF block.
pub(crate) fn note_tiff(facts: &mut Facts, t: tiff::TiffFacts) {
    facts.has_metadata = true;
    facts.has_location |= t.has_location;
    if facts.orientation.is_none() {
        facts.orientation = t.orientation;
    }
}

#[cfg(test)]
mod tests;
