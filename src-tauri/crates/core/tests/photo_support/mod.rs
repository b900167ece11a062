//! Real photo files for the prepare tests, made at run time: pixels from the `image` crate,
//! HEIC from `heif-enc` (libheif-examples), AVIF from `avifenc` (libavif-bin), CMYK from
//! ImageMagick, and GPS/orientation written by `exiftool` (libimage-exiftool-perl), which also
//! reads the results back — an independent parser, not ours. `scripts/setup.sh --test`
//! installs all of them; a missing tool fails the test with the package to install.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Run a tool, failing the test with what to install when it is missing or fails.
pub fn run(tool: &str, args: &[&str]) -> String {
    let package = match tool {
        "exiftool" => "libimage-exiftool-perl",
        "heif-enc" | "heif-convert" => "libheif-examples",
        "avifenc" | "avifdec" => "libavif-bin",
        "convert" => "imagemagick",
        _ => tool,
    };
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is needed by this test ({e}); install the Debian package {package} (scripts/setup.sh --test)")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A photo-like picture (gradients and edges), `w` × `h`.
pub fn picture(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        let edge = if (x / 37 + y / 23) % 2 == 0 { 40 } else { 0 };
        image::Rgb([
            ((x * 255 / w.max(1)) as u8).wrapping_add(edge),
            (y * 255 / h.max(1)) as u8,
            (((x + y) * 3) % 256) as u8,
        ])
    })
}

pub fn save(img: &image::RgbImage, path: &Path) {
    img.save(path).unwrap();
}

/// Write GPS (EXIF and XMP) and an orientation into `path` with exiftool.
pub fn add_gps(path: &Path, orientation: u8) {
    let p = path.to_str().unwrap();
    let o = format!("-IFD0:Orientation#={orientation}");
    run(
        "exiftool",
        &[
            "-q",
            "-overwrite_original",
            "-GPSLatitude=48.8584",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=2.2945",
            "-GPSLongitudeRef=E",
            "-GPSAltitude=35",
            "-XMP-exif:GPSLatitude=48.8584 N",
            "-XMP-exif:GPSLongitude=2.2945 E",
            "-Make=Wixdrop Test",
            &o,
            p,
        ],
    );
}

/// Every tag exiftool reads from `path` (numeric values, group names).
pub fn tags(path: &Path) -> serde_json::Map<String, Value> {
    let out = run(
        "exiftool",
        &["-j", "-n", "-G1", "-a", path.to_str().unwrap()],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    v[0].as_object().unwrap().clone()
}

/// The GPS tags exiftool finds (any group, EXIF or XMP), by name.
pub fn gps_tags(path: &Path) -> Vec<String> {
    tags(path)
        .into_iter()
        .filter(|(k, _)| {
            let name = k.rsplit(':').next().unwrap_or(k);
            name.starts_with("GPS") && !k.starts_with("Composite")
        })
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

pub fn orientation(path: &Path) -> Option<i64> {
    tags(path)
        .into_iter()
        .find(|(k, _)| k.ends_with(":Orientation"))
        .and_then(|(_, v)| v.as_i64())
}

/// Decoded RGB pixels of a file the `image` crate reads.
pub fn pixels(path: &Path) -> Vec<u8> {
    image::open(path).unwrap().to_rgb8().into_raw()
}

/// Decoded pixels of a HEIC/AVIF, through libheif / libavif into a PNG.
pub fn decoded_with_tool(path: &Path, dir: &Path, tag: &str) -> Vec<u8> {
    let png = dir.join(format!("decoded-{tag}.png"));
    let (tool, args): (&str, Vec<&str>) = match path.extension().and_then(|e| e.to_str()) {
        Some("avif") => (
            "avifdec",
            vec![path.to_str().unwrap(), png.to_str().unwrap()],
        ),
        _ => (
            "heif-convert",
            vec![path.to_str().unwrap(), png.to_str().unwrap()],
        ),
    };
    run(tool, &args);
    pixels(&png)
}

/// A file in `dir` of each container, each with GPS and orientation 6.
pub fn located_set(dir: &Path) -> Vec<PathBuf> {
    let img = picture(320, 240);
    let src_png = dir.join("source.png");
    save(&img, &src_png);
    let mut out = Vec::new();
    for ext in ["jpg", "png", "webp"] {
        let p = dir.join(format!("located.{ext}"));
        image::DynamicImage::ImageRgb8(img.clone())
            .save(&p)
            .unwrap();
        out.push(p);
    }
    let heic = dir.join("located.heic");
    run(
        "heif-enc",
        &[
            "-q",
            "60",
            "-o",
            heic.to_str().unwrap(),
            src_png.to_str().unwrap(),
        ],
    );
    out.push(heic);
    let avif = dir.join("located.avif");
    run(
        "avifenc",
        &[
            "-s",
            "10",
            src_png.to_str().unwrap(),
            avif.to_str().unwrap(),
        ],
    );
    out.push(avif);
    for p in &out {
        add_gps(p, 6);
    }
    out
}
