//! XMP packets: the GPS properties blanked in place.
//!
//! XMP is XML, and whitespace between attributes and between elements is legal padding, so a
//! GPS property (`exif:GPSLatitude="…"`, or the element form `<exif:GPSLatitude>…</…>`) is
//! overwritten with spaces: the packet keeps its length (HEIF items and JPEG segments need no
//! other change) and stays well-formed. Any namespace prefix counts (`exif:`, `exifEX:`, …);
//! what matters is a property whose local name starts with `GPS`.

/// Blank every GPS property in `xmp`; whether there was one.
pub fn strip_location(xmp: &mut [u8]) -> bool {
    let mut found = false;
    let mut i = 0;
    while let Some(p) = find(&xmp[i..], b":GPS").map(|p| p + i) {
        i = p + 4;
        // Walk back over the prefix to the start of the qualified name.
        let mut s = p;
        while s > 0 && is_name(xmp[s - 1]) {
            s -= 1;
        }
        if s == p || s == 0 {
            continue;
        }
        let name_end = {
            let mut e = p + 1;
            while e < xmp.len() && is_name(xmp[e]) {
                e += 1;
            }
            e
        };
        let span = match xmp[s - 1] {
            b'<' => element_end(xmp, s, name_end).map(|e| (s - 1, e)),
            c if c.is_ascii_whitespace() => attribute_end(xmp, name_end).map(|e| (s, e)),
            _ => None,
        };
        if let Some((a, b)) = span {
            xmp[a..b].fill(b' ');
            found = true;
            i = b;
        }
    }
    found
}

/// Does the packet carry a GPS property?
pub fn has_location(xmp: &[u8]) -> bool {
    let mut copy = xmp.to_vec();
    strip_location(&mut copy)
}

fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':')
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `name="…"` / `name='…'`: the index after the closing quote.
fn attribute_end(x: &[u8], mut at: usize) -> Option<usize> {
    while x.get(at)?.is_ascii_whitespace() {
        at += 1;
    }
    if *x.get(at)? != b'=' {
        return None;
    }
    at += 1;
    while x.get(at)?.is_ascii_whitespace() {
        at += 1;
    }
    let q = *x.get(at)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let close = x[at + 1..].iter().position(|&c| c == q)?;
    Some(at + 1 + close + 1)
}

/// `<name …/>` or `<name …>…</name>`: the index after the element.
fn element_end(x: &[u8], name_start: usize, name_end: usize) -> Option<usize> {
    let gt = name_end + x[name_end..].iter().position(|&c| c == b'>')?;
    if x[gt - 1] == b'/' {
        return Some(gt + 1);
    }
    let mut close = b"</".to_vec();
    close.extend_from_slice(&x[name_start..name_end]);
    let c = gt + find(&x[gt..], &close)?;
    let end = c + x[c..].iter().position(|&ch| ch == b'>')?;
    Some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKET: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.24N" exif:GPSLongitude='2,21.05E' xmlns:dc="http://purl.org/dc/elements/1.1/">
<exif:GPSAltitude>35/1</exif:GPSAltitude>
<exif:GPSVersionID/>
<dc:title>Home</dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>"#;

    #[test]
    fn gps_properties_become_spaces() {
        let mut x = PACKET.as_bytes().to_vec();
        assert!(has_location(&x));
        assert!(strip_location(&mut x));
        let s = String::from_utf8(x).unwrap();
        assert_eq!(s.len(), PACKET.len());
        assert!(!s.contains("GPS"), "{s}");
        assert!(!s.contains("48,51"));
        assert!(s.contains("<dc:title>Home</dc:title>"));
        assert!(s.contains(r#"rdf:about="""#));
        assert!(!has_location(s.as_bytes()));
    }

    #[test]
    fn broken_packets_do_not_panic() {
        let full = PACKET.as_bytes();
        for cut in 0..full.len() {
            let mut part = full[..cut].to_vec();
            strip_location(&mut part);
        }
        assert!(!has_location(b"no gps here, just :GPS"));
    }
}
