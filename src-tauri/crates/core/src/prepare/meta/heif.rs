//! HEIF/HEIC and AVIF (ISO base media file format). Metadata are *items* of the `meta` box:
//! `iinf` names each item's type (`Exif`, or `mime` with content type `application/rdf+xml`
//! for XMP) and `iloc` says where its bytes are (extents in the file, or in the `idat` box).
//! Those are absolute offsets, so nothing may move: every edit here is in place and of the same
//! length. The coded image items are never read.

use std::collections::HashMap;
use std::fs::File;

use super::{note_tiff, patch, read_at, tiff, xmp, Plan, Strip};

pub(super) fn scan(
    f: &mut File,
    len: u64,
    strip: Option<Strip>,
    plan: &mut Plan,
) -> Result<(), String> {
    // Top-level boxes: find `meta`.
    let mut pos = 0u64;
    let (meta_at, meta_len) = loop {
        if pos + 8 > len {
            return Ok(()); // no meta box: no metadata items
        }
        let (ty, hdr, size) = box_header(f, len, pos)?;
        if &ty == b"meta" {
            break (pos + hdr, size - hdr);
        }
        pos += size;
    };
    let meta = read_at(f, len, meta_at, meta_len)?;
    // Full box: version + flags, then child boxes.
    let children = boxes(&meta, 4)?;
    let mut types: HashMap<u32, ([u8; 4], String)> = HashMap::new();
    let mut locs: Vec<(u32, u8, Vec<(u64, u64)>)> = Vec::new();
    let mut idat_at = None;
    for (ty, start, end) in children {
        let b = &meta[start..end];
        match &ty {
            b"iinf" => types = iinf(b)?,
            b"iloc" => locs = iloc(b)?,
            b"idat" => idat_at = Some(meta_at + start as u64),
            _ => {}
        }
    }
    for (id, method, extents) in locs {
        let Some((ity, content_type)) = types.get(&id) else {
            continue;
        };
        let is_exif = ity == b"Exif";
        let is_xmp = ity == b"mime" && content_type == "application/rdf+xml";
        if !is_exif && !is_xmp {
            continue;
        }
        plan.facts.has_metadata = true;
        let base = match method {
            0 => 0,
            1 => idat_at.ok_or("an item lives in a missing idat box")?,
            _ => return Err("an item is built from other items; not inspected".into()),
        };
        // Read every extent into one buffer; edits go back extent by extent.
        let mut spans = Vec::new();
        let mut data = Vec::new();
        for (off, l) in extents {
            if l == 0 {
                return Err("an item extent runs to the end of the file; not inspected".into());
            }
            let at = base + off;
            data.extend(read_at(f, len, at, l)?);
            spans.push((at, l as usize));
        }
        let mut new = data.clone();
        if is_exif {
            // A 4-byte offset to the TIFF header, then (usually) "Exif\0\0" and TIFF.
            if new.len() < 4 {
                continue;
            }
            let skip = 4 + u32::from_be_bytes([new[0], new[1], new[2], new[3]]) as usize;
            let Some(t) = new.get_mut(skip..) else {
                continue;
            };
            let Some(tf) = tiff::facts(t) else { continue };
            note_tiff(&mut plan.facts, tf);
            if let Some(s) = strip {
                tiff::strip(t, s);
            }
        } else {
            match strip {
                None => plan.facts.has_location |= xmp::has_location(&new),
                Some(Strip::Location) => plan.facts.has_location |= xmp::strip_location(&mut new),
                Some(Strip::All) => {
                    plan.facts.has_location |= xmp::has_location(&new);
                    blank_packet(&mut new);
                }
            }
        }
        let mut k = 0;
        for (at, l) in spans {
            patch(plan, at, &data[k..k + l], new[k..k + l].to_vec());
            k += l;
        }
    }
    Ok(())
}

/// An empty XMP packet padded with spaces to the old length (or spaces alone if it is tiny).
fn blank_packet(x: &mut [u8]) {
    const EMPTY: &[u8] = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"/>"#;
    x.fill(b' ');
    if x.len() >= EMPTY.len() {
        x[..EMPTY.len()].copy_from_slice(EMPTY);
    }
}

/// (type, header length, whole size) of the box at `pos`.
fn box_header(f: &mut File, len: u64, pos: u64) -> Result<([u8; 4], u64, u64), String> {
    let h = read_at(f, len, pos, 8)?;
    let ty = [h[4], h[5], h[6], h[7]];
    let size32 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as u64;
    let (hdr, size) = match size32 {
        1 => {
            let l = read_at(f, len, pos + 8, 8)?;
            (16, u64::from_be_bytes(l.try_into().map_err(|_| "bad box")?))
        }
        0 => (8, len - pos),
        s => (8, s),
    };
    if size < hdr || pos + size > len {
        return Err("a box runs past the end of the file".into());
    }
    Ok((ty, hdr, size))
}

/// Child boxes in `b` from `at`: (type, content start, end).
fn boxes(b: &[u8], mut at: usize) -> Result<Vec<([u8; 4], usize, usize)>, String> {
    let mut out = Vec::new();
    while at + 8 <= b.len() {
        let size = u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
        let ty: [u8; 4] = b[at + 4..at + 8].try_into().unwrap();
        let (hdr, size) = match size {
            1 => {
                let l = b.get(at + 8..at + 16).ok_or("a box is cut short")?;
                (16, u64::from_be_bytes(l.try_into().unwrap()) as usize)
            }
            0 => (8, b.len() - at),
            s => (8, s),
        };
        if size < hdr || at + size > b.len() {
            return Err("a box runs past its parent".into());
        }
        out.push((ty, at + hdr, at + size));
        at += size;
    }
    Ok(out)
}

struct Cur<'a> {
    b: &'a [u8],
    at: usize,
}

impl Cur<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let s = self
            .b
            .get(self.at..self.at + n)
            .ok_or("a metadata box is cut short")?;
        self.at += n;
        Ok(s)
    }
    fn uint(&mut self, n: usize) -> Result<u64, String> {
        Ok(self.take(n)?.iter().fold(0u64, |v, &c| v << 8 | c as u64))
    }
    fn cstr(&mut self) -> Result<String, String> {
        let rest = self.b.get(self.at..).ok_or("cut short")?;
        let n = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
        let s = String::from_utf8_lossy(&rest[..n]).into_owned();
        self.at += (n + 1).min(rest.len());
        Ok(s)
    }
}

/// `iinf`: item id → (item type, content type for `mime` items).
fn iinf(b: &[u8]) -> Result<HashMap<u32, ([u8; 4], String)>, String> {
    let mut c = Cur { b, at: 0 };
    let version = c.uint(1)?;
    c.take(3)?;
    c.uint(if version == 0 { 2 } else { 4 })?;
    let mut out = HashMap::new();
    for (ty, start, end) in boxes(b, c.at)? {
        if &ty != b"infe" {
            continue;
        }
        let mut e = Cur {
            b: &b[start..end],
            at: 0,
        };
        let v = e.uint(1)?;
        e.take(3)?;
        if v < 2 {
            continue; // versions 0 and 1 carry no item type
        }
        let id = e.uint(if v == 2 { 2 } else { 4 })? as u32;
        e.uint(2)?; // protection index
        let ity: [u8; 4] = e.take(4)?.try_into().unwrap();
        let _name = e.cstr()?;
        let content = if &ity == b"mime" {
            e.cstr().unwrap_or_default()
        } else {
            String::new()
        };
        out.insert(id, (ity, content));
    }
    Ok(out)
}

/// `iloc`: (item id, construction method, extents (offset, length) with the base applied).
fn iloc(b: &[u8]) -> Result<Vec<(u32, u8, Vec<(u64, u64)>)>, String> {
    let mut c = Cur { b, at: 0 };
    let version = c.uint(1)?;
    c.take(3)?;
    let sizes = c.uint(2)?;
    let offset_size = (sizes >> 12 & 0xF) as usize;
    let length_size = (sizes >> 8 & 0xF) as usize;
    let base_size = (sizes >> 4 & 0xF) as usize;
    let index_size = if version >= 1 {
        (sizes & 0xF) as usize
    } else {
        0
    };
    let count = c.uint(if version < 2 { 2 } else { 4 })?;
    let mut out = Vec::new();
    for _ in 0..count {
        let id = c.uint(if version < 2 { 2 } else { 4 })? as u32;
        let method = if version >= 1 {
            (c.uint(2)? & 0xF) as u8
        } else {
            0
        };
        c.uint(2)?; // data reference index
        let base = c.uint(base_size)?;
        let n = c.uint(2)?;
        let mut ext = Vec::new();
        for _ in 0..n {
            c.uint(index_size)?;
            let off = c.uint(offset_size)?;
            let l = c.uint(length_size)?;
            ext.push((base.checked_add(off).ok_or("bad offset")?, l));
        }
        out.push((id, method, ext));
    }
    Ok(out)
}
