//! JPEG: the marker segments before the first scan (SOS). EXIF is APP1 `Exif\0\0` + TIFF, XMP
//! is APP1 `http://ns.adobe.com/xap/1.0/\0` (and the extended-XMP chunks), IPTC is APP13
//! `Photoshop 3.0`. Nothing after SOS is read: the coded image data is copied byte for byte.

use std::fs::File;

use super::{note_tiff, patch, read_at, tiff, xmp, Edit, Plan, Strip};

const EXIF: &[u8] = b"Exif\0\0";
const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXT: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
/// GUID (32) + full length (4) + offset (4) after the extended-XMP signature.
const XMP_EXT_HEAD: usize = 40;

pub(super) fn scan(
    f: &mut File,
    len: u64,
    strip: Option<Strip>,
    plan: &mut Plan,
) -> Result<(), String> {
    let mut pos = 2u64;
    loop {
        let m = read_at(f, len, pos, 2)?;
        if m[0] != 0xFF {
            return Err("a JPEG marker was expected and not found".into());
        }
        let marker = m[1];
        if marker == 0xFF {
            pos += 1; // fill byte
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            return Ok(());
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            pos += 2;
            continue;
        }
        let l = read_at(f, len, pos + 2, 2)?;
        let seg_len = u16::from_be_bytes([l[0], l[1]]) as u64;
        if seg_len < 2 {
            return Err("a JPEG segment has an impossible length".into());
        }
        let end = pos + 2 + seg_len;
        let body_at = pos + 4;
        let body_len = seg_len - 2;
        match marker {
            0xE1 => {
                let body = read_at(f, len, body_at, body_len)?;
                if body.starts_with(EXIF) {
                    exif(plan, strip, pos, end, body_at, &body);
                } else if body.starts_with(XMP) || body.starts_with(XMP_EXT) {
                    plan.facts.has_metadata = true;
                    let skip = if body.starts_with(XMP) {
                        XMP.len()
                    } else {
                        (XMP_EXT.len() + XMP_EXT_HEAD).min(body.len())
                    };
                    match strip {
                        Some(Strip::All) => drop(plan, pos, end),
                        Some(Strip::Location) => {
                            let mut new = body[skip..].to_vec();
                            plan.facts.has_location |= xmp::strip_location(&mut new);
                            patch(plan, body_at + skip as u64, &body[skip..], new);
                        }
                        None => plan.facts.has_location |= xmp::has_location(&body[skip..]),
                    }
                }
            }
            0xED | 0xFE => {
                plan.facts.has_metadata = true;
                if strip == Some(Strip::All) {
                    drop(plan, pos, end);
                }
            }
            _ => {}
        }
        pos = end;
    }
}

fn drop(plan: &mut Plan, from: u64, to: u64) {
    plan.edits.push(Edit {
        at: from,
        len: to - from,
        bytes: Vec::new(),
    });
}

fn exif(plan: &mut Plan, strip: Option<Strip>, seg: u64, end: u64, body_at: u64, body: &[u8]) {
    let t = &body[EXIF.len()..];
    let Some(facts) = tiff::facts(t) else {
        plan.facts.has_metadata = true;
        return;
    };
    note_tiff(&mut plan.facts, facts);
    match strip {
        Some(Strip::Location) => {
            let mut new = t.to_vec();
            tiff::strip(&mut new, Strip::Location);
            patch(plan, body_at + EXIF.len() as u64, t, new);
        }
        Some(Strip::All) => {
            let bytes = match facts.orientation {
                Some(o) if o != 1 => segment(&tiff::minimal(o)),
                _ => Vec::new(),
            };
            plan.edits.push(Edit {
                at: seg,
                len: end - seg,
                bytes,
            });
        }
        None => {}
    }
}

/// An APP1 EXIF segment around a TIFF block.
pub(crate) fn segment(tiff: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFF, 0xE1];
    v.extend_from_slice(&((2 + EXIF.len() + tiff.len()) as u16).to_be_bytes());
    v.extend_from_slice(EXIF);
    v.extend_from_slice(tiff);
    v
}

/// The metadata segments of a JPEG held in memory, with their marker and length, for copying
/// into a re-encoded version: (marker, whole segment bytes). Stops at SOS.
pub(crate) fn segments(data: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    let mut pos = 2usize;
    while pos + 4 <= data.len() && data[pos] == 0xFF {
        let marker = data[pos + 1];
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        if marker == 0xFF {
            pos += 1;
            continue;
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            pos += 2;
            continue;
        }
        let l = u16::from_be_bytes([data[pos + 2], data[pos + 3]]) as usize;
        let end = pos + 2 + l;
        if l < 2 || end > data.len() {
            break;
        }
        out.push((marker, &data[pos..end]));
        pos = end;
    }
    out
}

/// Is this APP1 segment (whole, with marker) an EXIF one?
pub(crate) fn is_exif(seg: &[u8]) -> bool {
    seg.len() > 4 && seg[4..].starts_with(EXIF)
}

/// Is this APP1 segment an XMP one (main or extended)?
pub(crate) fn is_xmp(seg: &[u8]) -> bool {
    seg.len() > 4 && (seg[4..].starts_with(XMP) || seg[4..].starts_with(XMP_EXT))
}

/// The byte offset of the TIFF block inside an EXIF segment.
pub(crate) const EXIF_TIFF_AT: usize = 4 + 6;
