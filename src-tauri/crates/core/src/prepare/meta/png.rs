//! PNG: chunks `eXIf` (a TIFF block), `iTXt` with keyword `XML:com.adobe.xmp` (XMP), and the
//! text chunks (`tEXt`, `zTXt`, `iTXt`; ImageMagick keeps EXIF and XMP there as "Raw profile
//! type …", hex in zlib). Each chunk carries a CRC over its type and data, recomputed after an
//! in-place edit. Image data chunks (`IDAT`) are skipped, never read.

use std::fs::File;

use super::{note_tiff, read_at, tiff, xmp, Edit, Plan, Strip};

const XMP_KEY: &[u8] = b"XML:com.adobe.xmp";

pub(super) fn scan(
    f: &mut File,
    len: u64,
    strip: Option<Strip>,
    plan: &mut Plan,
) -> Result<(), String> {
    let mut pos = 8u64;
    loop {
        let h = read_at(f, len, pos, 8)?;
        let data_len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as u64;
        let ty: [u8; 4] = [h[4], h[5], h[6], h[7]];
        let data_at = pos + 8;
        let end = data_at + data_len + 4;
        if end > len {
            return Err("the PNG file is cut short".into());
        }
        match &ty {
            b"IEND" => return Ok(()),
            b"eXIf" => {
                let data = read_at(f, len, data_at, data_len)?;
                match tiff::facts(&data) {
                    Some(t) => {
                        note_tiff(&mut plan.facts, t);
                        match strip {
                            Some(Strip::Location) => {
                                let mut new = data.clone();
                                tiff::strip(&mut new, Strip::Location);
                                if new != data {
                                    replace(plan, pos, end, chunk(b"eXIf", &new));
                                }
                            }
                            Some(Strip::All) => {
                                let bytes = match t.orientation {
                                    Some(o) if o != 1 => chunk(b"eXIf", &tiff::minimal(o)),
                                    _ => Vec::new(),
                                };
                                replace(plan, pos, end, bytes);
                            }
                            None => {}
                        }
                    }
                    None => {
                        plan.facts.has_metadata = true;
                        if strip.is_some() {
                            replace(plan, pos, end, Vec::new());
                        }
                    }
                }
            }
            b"iTXt" | b"tEXt" | b"zTXt" => {
                plan.facts.has_metadata = true;
                let head = read_at(f, len, data_at, data_len.min(80))?;
                let key = &head[..head.iter().position(|&c| c == 0).unwrap_or(head.len())];
                let raw_profile = key.starts_with(b"Raw profile type")
                    && [&b"exif"[..], b"APP1", b"xmp"]
                        .iter()
                        .any(|k| key.ends_with(k));
                if &ty == b"iTXt" && key == XMP_KEY {
                    let data = read_at(f, len, data_at, data_len)?;
                    xmp_chunk(plan, strip, pos, end, &data);
                } else if raw_profile {
                    // Compressed or hex: cannot be edited in place; may hold GPS.
                    plan.facts.has_location = true;
                    if strip.is_some() {
                        replace(plan, pos, end, Vec::new());
                    }
                } else if strip == Some(Strip::All) {
                    replace(plan, pos, end, Vec::new());
                }
            }
            b"tIME" if strip == Some(Strip::All) => replace(plan, pos, end, Vec::new()),
            _ => {}
        }
        pos = end;
    }
}

/// iTXt: keyword \0 compression-flag compression-method language \0 translated-keyword \0 text.
fn xmp_chunk(plan: &mut Plan, strip: Option<Strip>, pos: u64, end: u64, data: &[u8]) {
    let text_at = (|| {
        let k = data.iter().position(|&c| c == 0)?;
        let compressed = *data.get(k + 1)? != 0;
        let lang = k + 3 + data.get(k + 3..)?.iter().position(|&c| c == 0)?;
        let tkw = lang + 1 + data.get(lang + 1..)?.iter().position(|&c| c == 0)?;
        Some((tkw + 1, compressed))
    })();
    match (text_at, strip) {
        (Some((at, false)), s) => {
            let mut new = data.to_vec();
            let gps = xmp::strip_location(&mut new[at..]);
            plan.facts.has_location |= gps;
            match s {
                Some(Strip::All) => replace(plan, pos, end, Vec::new()),
                Some(Strip::Location) if gps => replace(plan, pos, end, chunk(b"iTXt", &new)),
                _ => {}
            }
        }
        // Compressed (or malformed) XMP: may hold GPS; dropped whole when stripping.
        (_, s) => {
            plan.facts.has_location = true;
            if s.is_some() {
                replace(plan, pos, end, Vec::new());
            }
        }
    }
}

fn replace(plan: &mut Plan, from: u64, to: u64, bytes: Vec<u8>) {
    plan.edits.push(Edit {
        at: from,
        len: to - from,
        bytes,
    });
}

/// A whole chunk: length, type, data, CRC-32 of type + data.
pub(crate) fn chunk(ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(12 + data.len());
    v.extend_from_slice(&(data.len() as u32).to_be_bytes());
    v.extend_from_slice(ty);
    v.extend_from_slice(data);
    let mut h = crc32fast::Hasher::new();
    h.update(ty);
    h.update(data);
    v.extend_from_slice(&h.finalize().to_be_bytes());
    v
}

/// The chunks of a PNG held in memory: (type, whole chunk bytes), up to IEND.
pub(crate) fn chunks(data: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    let mut pos = 8usize;
    while pos + 12 <= data.len() {
        let l =
            u32::from_be_bytes([data[pos], data[pos + 1], data[pos + 2], data[pos + 3]]) as usize;
        let ty = [data[pos + 4], data[pos + 5], data[pos + 6], data[pos + 7]];
        let Some(end) = (pos + 12).checked_add(l).filter(|&e| e <= data.len()) else {
            break;
        };
        out.push((ty, &data[pos..end]));
        if &ty == b"IEND" {
            break;
        }
        pos = end;
    }
    out
}
