//! WebP: a RIFF file of chunks. `EXIF` holds a TIFF block (some writers put `Exif\0\0` before
//! it), `XMP ` an XMP packet; the `VP8X` chunk's flags say which are present. Dropping a chunk
//! shortens the file, so the RIFF size and those flags are patched to match.

use std::fs::File;

use super::{note_tiff, patch, read_at, tiff, xmp, Edit, Plan, Strip};

const FLAG_EXIF: u8 = 0x08;
const FLAG_XMP: u8 = 0x04;

pub(super) fn scan(
    f: &mut File,
    len: u64,
    strip: Option<Strip>,
    plan: &mut Plan,
) -> Result<(), String> {
    let mut pos = 12u64;
    let mut vp8x_flags: Option<(u64, u8)> = None;
    let mut clear = 0u8;
    let mut delta: i64 = 0;
    while pos + 8 <= len {
        let h = read_at(f, len, pos, 8)?;
        let size = u32::from_le_bytes([h[4], h[5], h[6], h[7]]) as u64;
        let data_at = pos + 8;
        let end = data_at + size + (size & 1);
        if data_at + size > len {
            return Err("the WebP file is cut short".into());
        }
        let end = end.min(len);
        match &h[0..4] {
            b"VP8X" => {
                let d = read_at(f, len, data_at, 1)?;
                vp8x_flags = Some((data_at, d[0]));
            }
            b"EXIF" => {
                let data = read_at(f, len, data_at, size)?;
                let skip = if data.starts_with(b"Exif\0\0") { 6 } else { 0 };
                let t = &data[skip..];
                let facts = tiff::facts(t);
                if let Some(tf) = facts {
                    note_tiff(&mut plan.facts, tf);
                } else {
                    plan.facts.has_metadata = true;
                }
                match (strip, facts) {
                    (Some(Strip::Location), Some(_)) => {
                        let mut new = t.to_vec();
                        tiff::strip(&mut new, Strip::Location);
                        patch(plan, data_at + skip as u64, t, new);
                    }
                    (Some(Strip::All), Some(tf)) if tf.orientation.is_some_and(|o| o != 1) => {
                        let m = tiff::minimal(tf.orientation.unwrap_or(1));
                        let mut c = b"EXIF".to_vec();
                        c.extend_from_slice(&(m.len() as u32).to_le_bytes());
                        c.extend_from_slice(&m);
                        delta += c.len() as i64 - (end - pos) as i64;
                        replace(plan, pos, end, c);
                    }
                    (Some(_), _) => {
                        delta -= (end - pos) as i64;
                        clear |= FLAG_EXIF;
                        replace(plan, pos, end, Vec::new());
                    }
                    (None, _) => {}
                }
            }
            b"XMP " => {
                plan.facts.has_metadata = true;
                let data = read_at(f, len, data_at, size)?;
                match strip {
                    Some(Strip::All) => {
                        delta -= (end - pos) as i64;
                        clear |= FLAG_XMP;
                        replace(plan, pos, end, Vec::new());
                    }
                    Some(Strip::Location) => {
                        let mut new = data.clone();
                        plan.facts.has_location |= xmp::strip_location(&mut new);
                        patch(plan, data_at, &data, new);
                    }
                    None => plan.facts.has_location |= xmp::has_location(&data),
                }
            }
            _ => {}
        }
        pos = end;
    }
    if delta != 0 {
        let riff = read_at(f, len, 4, 4)?;
        let old = u32::from_le_bytes([riff[0], riff[1], riff[2], riff[3]]) as i64;
        let new = (old + delta).max(4) as u32;
        patch(plan, 4, &riff, new.to_le_bytes().to_vec());
    }
    if let (Some((at, flags)), true) = (vp8x_flags, clear != 0) {
        patch(plan, at, &[flags], vec![flags & !clear]);
    }
    Ok(())
}

fn replace(plan: &mut Plan, from: u64, to: u64, bytes: Vec<u8>) {
    plan.edits.push(Edit {
        at: from,
        len: to - from,
        bytes,
    });
}
