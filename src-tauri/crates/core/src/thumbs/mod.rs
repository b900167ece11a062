//! Thumbnails of images for the queue and History: small JPEGs made in Rust, cached on disk
//! with a size bound.
//!
//! A thumbnail is keyed by the file's path, size and modification time (a changed file gets a
//! new one) and lives in `<cache dir>/thumbs/<sha256 of the key>.jpg`. When the folder grows
//! past its bound, the least recently used files go (a hit refreshes the file's mtime). Making
//! one is cheap for JPEG (libjpeg-turbo decodes at 1/8 scale, so a 24 MP photo is read as
//! 0.4 MP) and bounded for the rest (the same pixel limit as web-ready photos). Video poster
//! frames would need a video decoder; videos get no thumbnail. The webview gets them as
//! `data:` URLs, which the app's CSP already allows for images (`img-src 'self' data:`).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use fast_image_resize as fir;
use sha2::{Digest, Sha256};

use crate::prepare::meta::{self, Container};
use crate::prepare::webready::{fit, orient, MAX_DECODED_PIXELS};

/// Longest side of a thumbnail, in pixels (2× a 48 px row icon on a high-density screen, with
/// room to spare).
pub const SIDE: u32 = 160;
/// Disk bound of the cache (bytes).
pub const CACHE_BOUND: u64 = 64 * 1024 * 1024;
/// Files larger than this are not read for a thumbnail.
const MAX_FILE: u64 = 256 * 1024 * 1024;

/// The thumbnail cache.
#[derive(Debug, Clone)]
pub struct Thumbs {
    dir: PathBuf,
    bound: u64,
}

impl Thumbs {
    pub fn new(dir: PathBuf) -> Thumbs {
        Thumbs {
            dir,
            bound: CACHE_BOUND,
        }
    }

    pub fn with_bound(dir: PathBuf, bound: u64) -> Thumbs {
        Thumbs { dir, bound }
    }

    /// The JPEG thumbnail of `path` (from the cache, or made now); `None` for files that have
    /// none (not an image, unreadable, too large).
    pub fn get(&self, path: &Path) -> Option<Vec<u8>> {
        let md = std::fs::metadata(path).ok()?;
        if !md.is_file() || md.len() > MAX_FILE {
            return None;
        }
        let mtime = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let key = format!("{}\n{}\n{}", path.display(), md.len(), mtime);
        let name = format!("{}.jpg", meta::hex(&Sha256::digest(key.as_bytes())));
        let cached = self.dir.join(&name);
        if let Ok(bytes) = std::fs::read(&cached) {
            let _ = std::fs::File::options()
                .append(true)
                .open(&cached)
                .and_then(|f| f.set_modified(SystemTime::now()));
            return Some(bytes);
        }
        let bytes = make(path)?;
        if std::fs::create_dir_all(&self.dir).is_ok() {
            let tmp = self.dir.join(format!("{name}.tmp"));
            if std::fs::write(&tmp, &bytes).is_ok() {
                let _ = std::fs::rename(&tmp, &cached);
            }
            self.trim();
        }
        Some(bytes)
    }

    /// Remove least recently used thumbnails until the folder is within its bound.
    pub fn trim(&self) {
        let Ok(rd) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = rd
            .flatten()
            .filter_map(|e| {
                let m = e.metadata().ok()?;
                Some((m.modified().ok()?, m.len(), e.path()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        if total <= self.bound {
            return;
        }
        files.sort_by_key(|f| f.0);
        for (_, len, p) in files {
            if total <= self.bound {
                break;
            }
            if std::fs::remove_file(&p).is_ok() {
                total = total.saturating_sub(len);
            }
        }
    }

    /// Bytes the cache holds now.
    pub fn size(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.flatten()
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

/// Make a thumbnail: decode small, resize, orient, encode.
pub fn make(path: &Path) -> Option<Vec<u8>> {
    let data = std::fs::read(path).ok()?;
    let container = meta::container_of(&data[..data.len().min(12)]);
    let orientation = meta::scan(path, None)
        .ok()
        .and_then(|p| p.facts.orientation)
        .unwrap_or(1);
    let rgb = match container {
        Container::Jpeg => jpeg_small(&data).or_else(|| generic(&data))?,
        Container::Png | Container::Webp | Container::Other => generic(&data)?,
        Container::Heif => return None,
    };
    let (w, h) = rgb.dimensions();
    let (tw, th) = fit(w, h, SIDE).unwrap_or((w, h));
    let small = if (tw, th) == (w, h) {
        rgb
    } else {
        let src =
            fir::images::Image::from_vec_u8(w, h, rgb.into_raw(), fir::PixelType::U8x3).ok()?;
        let mut dst = fir::images::Image::new(tw, th, fir::PixelType::U8x3);
        fir::Resizer::new()
            .resize(
                &src,
                &mut dst,
                &fir::ResizeOptions::new()
                    .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Bilinear)),
            )
            .ok()?;
        image::RgbImage::from_raw(tw, th, dst.into_vec())?
    };
    let small = orient(image::DynamicImage::ImageRgb8(small), orientation).into_rgb8();
    let (w, h) = small.dimensions();
    let mut c = turbojpeg::Compressor::new().ok()?;
    c.set_quality(80).ok()?;
    c.compress_to_vec(turbojpeg::Image {
        pixels: small.as_raw().as_slice(),
        width: w as usize,
        pitch: 3 * w as usize,
        height: h as usize,
        format: turbojpeg::PixelFormat::RGB,
    })
    .ok()
}

fn jpeg_small(data: &[u8]) -> Option<image::RgbImage> {
    let mut d = turbojpeg::Decompressor::new().ok()?;
    let header = d.read_header(data).ok()?;
    if matches!(
        header.colorspace,
        turbojpeg::Colorspace::CMYK | turbojpeg::Colorspace::YCCK
    ) {
        return None;
    }
    let scale = [8usize, 4, 2]
        .into_iter()
        .map(|den| turbojpeg::ScalingFactor::new(1, den))
        .find(|s| {
            let hd = header.scaled(*s);
            hd.width.max(hd.height) as u32 >= SIDE
        })
        .unwrap_or(turbojpeg::ScalingFactor::ONE);
    let sh = header.scaled(scale);
    if sh.width as u64 * sh.height as u64 > MAX_DECODED_PIXELS {
        return None;
    }
    d.set_scaling_factor(scale).ok()?;
    let mut img = turbojpeg::Image {
        pixels: vec![0u8; 3 * sh.width * sh.height],
        width: sh.width,
        pitch: 3 * sh.width,
        height: sh.height,
        format: turbojpeg::PixelFormat::RGB,
    };
    d.decompress(data, img.as_deref_mut()).ok()?;
    image::RgbImage::from_raw(sh.width as u32, sh.height as u32, img.pixels)
}

fn generic(data: &[u8]) -> Option<image::RgbImage> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(data))
            .with_guessed_format()
            .ok()
    };
    let (w, h) = reader()?.into_dimensions().ok()?;
    if w as u64 * h as u64 > MAX_DECODED_PIXELS {
        return None;
    }
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODED_PIXELS * 8);
    let mut r = reader()?;
    r.limits(limits);
    Some(r.decode().ok()?.to_rgb8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_are_small_cached_and_bounded() {
        let d = tempfile::tempdir().unwrap();
        let t = Thumbs::with_bound(d.path().join("thumbs"), 6_000);
        let mut paths = Vec::new();
        for i in 0..6u32 {
            let p = d.path().join(format!("p{i}.jpg"));
            image::RgbImage::from_fn(1200, 800, |x, y| {
                image::Rgb([(x + i) as u8, y as u8, (x ^ y) as u8])
            })
            .save(&p)
            .unwrap();
            paths.push(p);
        }
        let png = d.path().join("a.png");
        image::RgbImage::from_fn(300, 900, |x, _| image::Rgb([x as u8, 0, 0]))
            .save(&png)
            .unwrap();
        let thumb = t.get(&png).unwrap();
        let img = image::load_from_memory(&thumb).unwrap();
        assert_eq!((img.width(), img.height()), (53, 160));
        for p in &paths {
            let b = t.get(p).unwrap();
            let img = image::load_from_memory(&b).unwrap();
            assert_eq!((img.width(), img.height()), (160, 107));
        }
        assert!(t.size() <= 6_000, "{}", t.size());
        // A hit reads the cache (same bytes), a text file has none.
        assert_eq!(t.get(&paths[5]), t.get(&paths[5]));
        let txt = d.path().join("notes.jpg");
        std::fs::write(&txt, "not an image").unwrap();
        assert!(t.get(&txt).is_none());
    }
}
