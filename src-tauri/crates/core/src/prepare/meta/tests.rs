//! Round trips through real encoders: a JPEG, PNG and WebP made by the `image` crate, given an
//! EXIF block with a GPS IFD (`tiff::tests::sample`) and an XMP packet with GPS properties,
//! then stripped: no location is left, the decoded pixels are identical, the copy is a valid
//! file. HEIC/AVIF and files made by other tools are in `tests/prepare_meta.rs`.

use std::path::Path;

use super::tiff::tests::sample;
use super::*;

const XMP_GPS: &[u8] = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.24N" exif:GPSLongitude="2,21.05E"/></rdf:RDF></x:xmpmeta>"#;

fn picture() -> image::RgbImage {
    image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, ((x + y) * 2) as u8])
    })
}

fn encoded(format: image::ImageFormat) -> Vec<u8> {
    let mut v = Vec::new();
    image::DynamicImage::ImageRgb8(picture())
        .write_to(&mut std::io::Cursor::new(&mut v), format)
        .unwrap();
    v
}

fn jpeg_with_gps() -> Vec<u8> {
    let j = encoded(image::ImageFormat::Jpeg);
    let mut out = j[..2].to_vec();
    out.extend(jpeg::segment(&sample(6)));
    let mut x = vec![0xFF, 0xE1];
    x.extend_from_slice(&((2 + 29 + XMP_GPS.len()) as u16).to_be_bytes());
    x.extend_from_slice(b"http://ns.adobe.com/xap/1.0/\0");
    x.extend_from_slice(XMP_GPS);
    out.extend(x);
    out.extend_from_slice(&j[2..]);
    out
}

fn png_with_gps() -> Vec<u8> {
    let p = encoded(image::ImageFormat::Png);
    // After the signature and IHDR (8 + 25 bytes).
    let mut out = p[..33].to_vec();
    out.extend(png::chunk(b"eXIf", &sample(6)));
    let mut itxt = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
    itxt.extend_from_slice(XMP_GPS);
    out.extend(png::chunk(b"iTXt", &itxt));
    out.extend_from_slice(&p[33..]);
    out
}

fn webp_with_gps() -> Vec<u8> {
    // A lossless WebP from image, turned into the extended form (VP8X) with EXIF and XMP.
    let w = encoded(image::ImageFormat::WebP);
    let bitstream = &w[12..];
    let mut body = b"WEBP".to_vec();
    body.extend_from_slice(b"VP8X");
    body.extend_from_slice(&10u32.to_le_bytes());
    let (wd, ht) = (63u32, 47u32); // canvas width/height minus one, 24-bit each
    body.push(0x08 | 0x04);
    body.extend_from_slice(&[0, 0, 0]);
    body.extend_from_slice(&wd.to_le_bytes()[..3]);
    body.extend_from_slice(&ht.to_le_bytes()[..3]);
    body.extend_from_slice(bitstream);
    for (ty, data) in [(b"EXIF", sample(6)), (b"XMP ", XMP_GPS.to_vec())] {
        body.extend_from_slice(ty);
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(&data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

fn pixels(path: &Path) -> Vec<u8> {
    image::open(path).unwrap().to_rgb8().into_raw()
}

fn round_trip(bytes: Vec<u8>, ext: &str, strip: Strip) -> (Plan, Plan, Vec<u8>) {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join(format!("in.{ext}"));
    let dst = d.path().join(format!("out.{ext}"));
    std::fs::write(&src, &bytes).unwrap();
    let plan = scan(&src, Some(strip)).unwrap();
    let (sha, written) = write(&src, &plan, &dst).unwrap();
    use sha2::Digest;
    assert_eq!(sha, hex(&sha2::Sha256::digest(&bytes)));
    assert_eq!(written, std::fs::metadata(&dst).unwrap().len());
    assert_eq!(pixels(&src), pixels(&dst), "pixels changed ({ext})");
    assert_eq!(
        std::fs::read(&src).unwrap(),
        bytes,
        "the original was touched"
    );
    let after = scan(&dst, None).unwrap();
    (plan, after, std::fs::read(&dst).unwrap())
}

#[test]
fn location_leaves_every_container_and_pixels_stay() {
    for (bytes, ext) in [
        (jpeg_with_gps(), "jpg"),
        (png_with_gps(), "png"),
        (webp_with_gps(), "webp"),
    ] {
        let len = bytes.len();
        let (before, after, out) = round_trip(bytes, ext, Strip::Location);
        assert!(before.facts.has_location, "{ext}: {:?}", before.facts);
        assert_eq!(before.facts.orientation, Some(6));
        assert!(!after.facts.has_location, "{ext}: {:?}", after.facts);
        assert_eq!(after.facts.orientation, Some(6), "{ext}: orientation kept");
        assert!(after.facts.unreadable.is_none());
        assert_eq!(out.len(), len, "{ext}: same length");
        assert!(
            !out.windows(6).any(|w| w == b"48,51."),
            "{ext}: XMP latitude left"
        );
    }
}

#[test]
fn all_metadata_goes_but_the_orientation() {
    for (bytes, ext) in [
        (jpeg_with_gps(), "jpg"),
        (png_with_gps(), "png"),
        (webp_with_gps(), "webp"),
    ] {
        let len = bytes.len();
        let (_, after, out) = round_trip(bytes, ext, Strip::All);
        assert!(!after.facts.has_location, "{ext}");
        assert_eq!(after.facts.orientation, Some(6), "{ext}");
        assert!(out.len() < len, "{ext}: smaller");
        assert!(!out.windows(7).any(|w| w == b"Wixdrop"), "{ext}: Make left");
        assert!(!out.windows(8).any(|w| w == b"xmpmeta "), "{ext}: XMP left");
    }
}

#[test]
fn files_without_metadata_need_no_copy() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("plain.png");
    std::fs::write(&p, encoded(image::ImageFormat::Png)).unwrap();
    let plan = scan(&p, Some(Strip::Location)).unwrap();
    assert!(!plan.changes());
    assert_eq!(plan.facts, Facts::default());
}

#[test]
fn cut_files_are_reported_not_trusted() {
    let d = tempfile::tempdir().unwrap();
    for (bytes, ext) in [
        (jpeg_with_gps(), "jpg"),
        (png_with_gps(), "png"),
        (webp_with_gps(), "webp"),
    ] {
        for cut in [3usize, 20, 40, 100, 300] {
            let p = d.path().join(format!("cut{cut}.{ext}"));
            std::fs::write(&p, &bytes[..cut.min(bytes.len())]).unwrap();
            let plan = scan(&p, Some(Strip::Location)).unwrap();
            if plan.facts.unreadable.is_some() {
                assert!(!plan.changes());
            }
        }
    }
}
