//! Preparing real photos (no network): location removed losslessly from JPEG, PNG, WebP, HEIC
//! and AVIF; web-ready photos sized, upright and smaller; the bad inputs of issue 13 handled
//! without a crash, unbounded memory or a lost file. Files are made at run time by real tools
//! (`photo_support`); exiftool checks what is left.

mod photo_support;

use photo_support::*;
use wixdrop_core::prepare::{prepare, Location, PrepareOptions};

fn opts() -> PrepareOptions {
    PrepareOptions::default()
}

#[test]
fn location_is_removed_from_every_container_and_pixels_stay() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for src in located_set(d.path()) {
        let ext = src.extension().unwrap().to_str().unwrap().to_string();
        assert!(!gps_tags(&src).is_empty(), "{ext}: the test file has GPS");
        let before = std::fs::read(&src).unwrap();
        let p = prepare(&src, &opts(), &out, &format!("copy-{ext}")).unwrap();
        assert_eq!(p.location, Location::Removed, "{ext}");
        assert!(p.is_copy, "{ext}");
        assert_eq!(
            std::fs::read(&src).unwrap(),
            before,
            "{ext}: original untouched"
        );
        assert_eq!(gps_tags(&p.send), Vec::<String>::new(), "{ext}: GPS left");
        assert_eq!(orientation(&p.send), Some(6), "{ext}: orientation kept");
        assert_eq!(
            tags(&p.send).get("IFD0:Make").and_then(|v| v.as_str()),
            Some("Wixdrop Test"),
            "{ext}: other EXIF kept"
        );
        // Same length for every container: only bytes inside the metadata changed.
        assert_eq!(p.sent_size, before.len() as u64, "{ext}");
        // Its pixel size, upright (orientation 6 turns it), where the header can be read.
        if let Ok((w, h)) = image::image_dimensions(&src) {
            assert_eq!((p.width, p.height), (Some(h), Some(w)), "{ext}");
        } else {
            assert_eq!((p.width, p.height), (None, None), "{ext}");
        }
        match ext.as_str() {
            "heic" | "avif" => assert_eq!(
                decoded_with_tool(&src, d.path(), &format!("{ext}-a")),
                decoded_with_tool(&p.send, d.path(), &format!("{ext}-b")),
                "{ext}: decoded pixels differ"
            ),
            _ => assert_eq!(pixels(&src), pixels(&p.send), "{ext}: pixels differ"),
        }
        use sha2::Digest;
        let sha: String = sha2::Sha256::digest(&before)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            p.original_sha256.as_deref(),
            Some(sha.as_str()),
            "{ext}: hash of the original"
        );
    }
}

#[test]
fn all_metadata_can_go_orientation_stays() {
    let d = tempfile::tempdir().unwrap();
    let o = PrepareOptions {
        remove_metadata: true,
        ..opts()
    };
    for src in located_set(d.path()) {
        let ext = src.extension().unwrap().to_str().unwrap().to_string();
        let p = prepare(&src, &o, d.path(), &format!("all-{ext}")).unwrap();
        let t = tags(&p.send);
        assert!(gps_tags(&p.send).is_empty(), "{ext}");
        assert!(!t.contains_key("IFD0:Make"), "{ext}: Make left: {t:?}");
        assert_eq!(orientation(&p.send), Some(6), "{ext}");
    }
}

#[test]
fn keep_location_sends_the_original() {
    let d = tempfile::tempdir().unwrap();
    let src = &located_set(d.path())[0];
    let p = prepare(
        src,
        &PrepareOptions {
            remove_location: false,
            ..opts()
        },
        d.path(),
        "k",
    )
    .unwrap();
    assert_eq!(p.location, Location::Kept);
    assert!(!p.is_copy);
    assert_eq!(p.send, *src);
}

#[test]
fn web_ready_is_smaller_upright_and_within_the_size() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("big.jpg");
    // 3000 × 2000 recorded as "rotate 90° clockwise to show" (orientation 6).
    save(&picture(3000, 2000), &src);
    add_gps(&src, 6);
    let o = PrepareOptions {
        optimize: true,
        ..opts()
    };
    let p = prepare(&src, &o, d.path(), "web").unwrap();
    assert!(p.optimized, "{:?}", p.notes);
    assert_eq!(
        (p.width, p.height),
        (Some(1707), Some(2560)),
        "upright: portrait"
    );
    let img = image::open(&p.send).unwrap();
    assert_eq!((img.width(), img.height()), (1707, 2560));
    assert!(p.sent_size < p.original_size);
    // The orientation is applied to the pixels, so the tag says 1 (or is absent).
    assert!(
        matches!(orientation(&p.send), None | Some(1)),
        "{:?}",
        orientation(&p.send)
    );
    assert!(gps_tags(&p.send).is_empty());
    assert_eq!(p.location, Location::Removed);
    // The left column of the original's top row is now the top row's right end (90° CW).
    let orig = image::open(&src).unwrap().to_rgb8();
    let out = img.to_rgb8();
    let corner = orig.get_pixel(2, 1998);
    let mapped = out.get_pixel(1, 1);
    for c in 0..3 {
        assert!(
            (corner[c] as i32 - mapped[c] as i32).abs() < 40,
            "{corner:?} vs {mapped:?}"
        );
    }
}

#[test]
fn small_photos_are_never_upscaled_or_re_encoded() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("small.jpg");
    save(&picture(800, 600), &src);
    let p = prepare(
        &src,
        &PrepareOptions {
            optimize: true,
            ..opts()
        },
        d.path(),
        "s",
    )
    .unwrap();
    assert!(!p.optimized && !p.is_copy);
    assert_eq!(p.send, src);
    assert_eq!(
        (p.width, p.height),
        (Some(800), Some(600)),
        "its size, for History"
    );
}

#[test]
fn sixteen_bit_png_stays_lossless_sixteen_bit() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("deep.png");
    let img = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(3000, 1000, |x, y| {
        image::Rgb([(x * 21) as u16, (y * 65) as u16, ((x ^ y) * 7) as u16])
    });
    img.save(&src).unwrap();
    let p = prepare(
        &src,
        &PrepareOptions {
            optimize: true,
            ..opts()
        },
        d.path(),
        "deep",
    )
    .unwrap();
    if p.optimized {
        let out = image::open(&p.send).unwrap();
        assert_eq!(out.color(), image::ColorType::Rgb16);
        assert_eq!((out.width(), out.height()), (2560, 853));
    } else {
        // Not smaller: the original is sent, and says so.
        assert!(!p.notes.is_empty());
    }
}

/// Every bad input of issue 13: prepared or sent untouched with a note; never an error,
/// never a panic, the original always intact.
#[test]
fn bad_inputs_are_sent_as_they_are_or_prepared() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let o = PrepareOptions {
        optimize: true,
        ..opts()
    };
    let mut cases: Vec<(&str, std::path::PathBuf)> = Vec::new();

    // Truncated JPEG with GPS: the metadata is before the cut; the pixels are cut.
    let full = dir.join("full.jpg");
    save(&picture(1200, 800), &full);
    add_gps(&full, 1);
    let bytes = std::fs::read(&full).unwrap();
    let cut = dir.join("truncated.jpg");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    cases.push(("truncated", cut.clone()));

    // Corrupt: the header, then noise.
    let corrupt = dir.join("corrupt.jpg");
    let mut noise = bytes[..600].to_vec();
    noise.extend((0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    std::fs::write(&corrupt, &noise).unwrap();
    cases.push(("corrupt", corrupt));

    // A 1 × 50,000 strip.
    let strip = dir.join("strip.png");
    save(&picture(1, 50_000), &strip);
    cases.push(("strip", strip.clone()));

    // A decompression bomb: a PNG whose header claims 100,000 × 100,000 pixels.
    let bomb = dir.join("bomb.png");
    std::fs::write(&bomb, png_bomb(100_000, 100_000)).unwrap();
    cases.push(("bomb", bomb.clone()));

    // CMYK JPEG (ImageMagick).
    let cmyk = dir.join("cmyk.jpg");
    let src_png = dir.join("cmyk-src.png");
    save(&picture(2700, 1800), &src_png);
    run(
        "convert",
        &[
            src_png.to_str().unwrap(),
            "-colorspace",
            "CMYK",
            cmyk.to_str().unwrap(),
        ],
    );
    cases.push(("cmyk", cmyk.clone()));

    // A bogus orientation tag (9).
    let bogus = dir.join("bogus.jpg");
    save(&picture(2700, 1800), &bogus);
    run(
        "exiftool",
        &[
            "-q",
            "-overwrite_original",
            "-IFD0:Orientation#=9",
            bogus.to_str().unwrap(),
        ],
    );
    cases.push(("bogus orientation", bogus.clone()));

    // Not an image at all, with an image's extension.
    let fake = dir.join("notes.jpg");
    std::fs::write(&fake, "these are my notes, not a photo\n".repeat(100)).unwrap();
    cases.push(("non-image", fake.clone()));

    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    for (what, path) in &cases {
        let before = std::fs::read(path).unwrap();
        let p = prepare(path, &o, &out, what).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(
            &std::fs::read(path).unwrap(),
            &before,
            "{what}: original changed"
        );
        assert!(p.sent_size > 0, "{what}");
        match *what {
            "truncated" => {
                // Location still removed (the metadata is intact); not made web-ready.
                assert_eq!(p.location, Location::Removed, "{what}: {p:?}");
                assert!(gps_tags(&p.send).is_empty());
            }
            "bomb" => {
                assert!(!p.optimized);
                assert!(
                    p.notes.iter().any(|n| n.contains("megapixels")),
                    "{what}: {:?}",
                    p.notes
                );
            }
            "strip" => {
                assert!(p.optimized, "{what}: {:?}", p.notes);
                assert_eq!((p.width, p.height), (Some(1), Some(2560)));
            }
            "cmyk" => {
                assert!(p.optimized, "{what}: {:?}", p.notes);
                let img = image::open(&p.send).unwrap();
                assert_eq!((img.width(), img.height()), (2560, 1707));
            }
            "bogus orientation" => {
                assert!(p.optimized, "{what}: {:?}", p.notes);
                assert_eq!(
                    (p.width, p.height),
                    (Some(2560), Some(1707)),
                    "treated as upright"
                );
            }
            "non-image" => {
                assert!(!p.is_copy && !p.optimized);
                assert_eq!(p.send, *path);
            }
            _ => assert!(!p.optimized || p.sent_size < p.original_size),
        }
    }
}

/// A valid PNG signature and IHDR claiming `w` × `h`, a tiny IDAT, IEND.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, ty: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(ty);
        out.extend_from_slice(data);
        let mut h = crc32fast::Hasher::new();
        h.update(ty);
        h.update(data);
        out.extend_from_slice(&h.finalize().to_be_bytes());
    }
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut v, b"IHDR", &ihdr);
    // zlib stream of a few zero bytes (stored block).
    chunk(
        &mut v,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x01,
        ],
    );
    chunk(&mut v, b"IEND", &[]);
    v
}
