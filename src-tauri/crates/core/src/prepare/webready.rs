//! Web-ready photos: the longest side limited, the EXIF orientation applied, re-encoded.
//!
//! Fast is the point, so a JPEG is never decoded at full size when a smaller one will do:
//! libjpeg-turbo (the `turbojpeg` crate) decodes in the DCT domain at 1/2, 1/4 or 1/8 scale
//! when that is still at least the target size (a 6,000 px photo for 2,560 px is decoded at
//! 3,000 px: a quarter of the pixels and of the work), then `fast_image_resize` (SIMD
//! convolution, Lanczos3) brings it to the target, the orientation is applied to the small
//! image, and libjpeg-turbo encodes it. PNG goes through the `image` crate and stays lossless
//! (8 or 16 bits, alpha kept). Other formats are left alone: animated GIFs would lose their
//! animation, WebP is already a web format (`image` encodes it only losslessly), and HEIC/AVIF
//! have no decoder here.
//!
//! Metadata travel with the pixels: the original's colour profile (JPEG `ICC_PROFILE`
//! segments, PNG `iCCP`/`sRGB`/`gAMA`/`cHRM`) is copied over, and its EXIF/XMP pass through the
//! same stripping as a lossless copy, with Orientation set to 1 since the pixels are now upright.
//!
//! Memory is bounded: the pixel count is read from the header first and a file decoding to
//! more than [`MAX_DECODED_PIXELS`] is not decoded at all (a decompression bomb is a small file
//! that claims gigapixels); the `image` crate is also given allocation limits.

use std::io::Cursor;

use fast_image_resize as fir;
use image::{DynamicImage, ImageDecoder, ImageReader};

use super::meta::{self, jpeg, png, tiff, Container, Strip};

/// Most pixels a decode may produce (after DCT scaling): 100 MP, ~300 MB as RGB.
pub const MAX_DECODED_PIXELS: u64 = 100_000_000;
/// Most pixels a JPEG header may claim: DCT scaling brings 1/64 of this into memory.
pub const MAX_JPEG_PIXELS: u64 = 64 * MAX_DECODED_PIXELS;

/// A re-encoded image.
#[derive(Debug)]
pub struct WebReady {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why no web-ready version was made; the original (stripped) is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Already within the size: nothing to do.
    Small,
    /// A kind of file that is not re-encoded (with the reason, for the note).
    Unsupported(String),
    /// It could not be decoded or encoded (with the reason).
    Failed(String),
}

/// How the prepared copy should look.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub max_side: u32,
    pub jpeg_quality: u8,
    /// What to strip from the metadata carried over (`None`: keep all).
    pub strip: Option<Strip>,
    /// EXIF orientation of the original (1 when absent).
    pub orientation: u16,
}

/// The size `(w, h)` scaled so its longest side is `max` (never up).
pub fn fit(w: u32, h: u32, max: u32) -> Option<(u32, u32)> {
    let long = w.max(h);
    if long <= max || max == 0 {
        return None;
    }
    let s = max as f64 / long as f64;
    let tw = ((w as f64 * s).round() as u32).clamp(1, max);
    let th = ((h as f64 * s).round() as u32).clamp(1, max);
    Some((tw, th))
}

/// Make the web-ready version of `data` (a whole file of kind `container`).
pub fn make(data: &[u8], container: Container, t: &Target) -> Result<WebReady, Skip> {
    match container {
        Container::Jpeg => jpeg_path(data, t),
        Container::Png => generic(data, t, Container::Png),
        Container::Webp => Err(Skip::Unsupported(
            "WebP is already made for the web; it is sent at its size".into(),
        )),
        Container::Heif => Err(Skip::Unsupported(
            "HEIC/AVIF photos are sent at their size (no decoder here)".into(),
        )),
        Container::Other => Err(Skip::Unsupported(
            "only JPEG and PNG photos are made web-ready (GIFs keep their animation)".into(),
        )),
    }
}

fn fail(e: impl std::fmt::Display) -> Skip {
    Skip::Failed(e.to_string())
}

fn jpeg_path(data: &[u8], t: &Target) -> Result<WebReady, Skip> {
    let mut d = turbojpeg::Decompressor::new().map_err(fail)?;
    let header = d
        .read_header(data)
        .map_err(|e| fail(format!("the JPEG could not be read ({e})")))?;
    let (w, h) = (header.width as u32, header.height as u32);
    if w as u64 * h as u64 > MAX_JPEG_PIXELS {
        return Err(too_big(w, h));
    }
    let Some((tw, th)) = fit(w, h, t.max_side) else {
        return Err(Skip::Small);
    };
    if matches!(
        header.colorspace,
        turbojpeg::Colorspace::CMYK | turbojpeg::Colorspace::YCCK
    ) {
        // libjpeg-turbo does not convert CMYK to RGB; the image crate does.
        return generic(data, t, Container::Jpeg);
    }
    // The smallest DCT scale that still covers the target.
    let scale = [8usize, 4, 2]
        .into_iter()
        .map(|den| turbojpeg::ScalingFactor::new(1, den))
        .find(|s| {
            let hd = header.scaled(*s);
            hd.width as u32 >= tw && hd.height as u32 >= th
        })
        .unwrap_or(turbojpeg::ScalingFactor::ONE);
    let sh = header.scaled(scale);
    if sh.width as u64 * sh.height as u64 > MAX_DECODED_PIXELS {
        return Err(too_big(w, h));
    }
    d.set_scaling_factor(scale).map_err(fail)?;
    let mut img = turbojpeg::Image {
        pixels: vec![0u8; 3 * sh.width * sh.height],
        width: sh.width,
        pitch: 3 * sh.width,
        height: sh.height,
        format: turbojpeg::PixelFormat::RGB,
    };
    if let Err(e) = d.decompress(data, img.as_deref_mut()) {
        // Corrupt or cut short for libjpeg-turbo; the image crate may still read it.
        return generic(data, t, Container::Jpeg)
            .map_err(|_| fail(format!("the JPEG could not be decoded ({e})")));
    }
    let (pixels, rw, rh) = resize(
        img.pixels,
        sh.width as u32,
        sh.height as u32,
        tw,
        th,
        fir::PixelType::U8x3,
    )?;
    let rgb = image::RgbImage::from_raw(rw, rh, pixels)
        .ok_or_else(|| fail("resize produced a wrong buffer"))?;
    let rgb = orient(DynamicImage::ImageRgb8(rgb), t.orientation).into_rgb8();
    let (ow, oh) = rgb.dimensions();
    let mut c = turbojpeg::Compressor::new().map_err(fail)?;
    c.set_quality(t.jpeg_quality.clamp(1, 100) as i32)
        .map_err(fail)?;
    c.set_subsamp(turbojpeg::Subsamp::Sub2x2).map_err(fail)?;
    let out = turbojpeg::Image {
        pixels: rgb.as_raw().as_slice(),
        width: ow as usize,
        pitch: 3 * ow as usize,
        height: oh as usize,
        format: turbojpeg::PixelFormat::RGB,
    };
    let encoded = c.compress_to_vec(out).map_err(fail)?;
    Ok(WebReady {
        bytes: splice_jpeg(data, &encoded, t.strip),
        width: ow,
        height: oh,
    })
}

fn too_big(w: u32, h: u32) -> Skip {
    Skip::Failed(format!(
        "it claims {w} × {h} pixels ({:.0} megapixels), too many to decode safely",
        w as f64 * h as f64 / 1e6
    ))
}

/// Any format the `image` crate reads (PNG, and JPEGs libjpeg-turbo cannot convert).
fn generic(data: &[u8], t: &Target, container: Container) -> Result<WebReady, Skip> {
    let reader = || {
        ImageReader::new(Cursor::new(data))
            .with_guessed_format()
            .map_err(fail)
    };
    let (w, h) = reader()?
        .into_dimensions()
        .map_err(|e| fail(format!("it could not be read as an image ({e})")))?;
    if w as u64 * h as u64 > MAX_DECODED_PIXELS {
        return Err(too_big(w, h));
    }
    let Some((tw, th)) = fit(w, h, t.max_side) else {
        return Err(Skip::Small);
    };
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODED_PIXELS * 8);
    let mut r = reader()?;
    r.limits(limits);
    let mut dec = r.into_decoder().map_err(fail)?;
    let icc = dec.icc_profile().ok().flatten();
    let img = DynamicImage::from_decoder(dec)
        .map_err(|e| fail(format!("it could not be decoded ({e})")))?;
    // Resize in the image's own depth and channels (16-bit PNG stays 16-bit).
    let (img, pt) = match img {
        DynamicImage::ImageLuma8(_) => (img, fir::PixelType::U8),
        DynamicImage::ImageLumaA8(_) => (img, fir::PixelType::U8x2),
        DynamicImage::ImageRgb8(_) => (img, fir::PixelType::U8x3),
        DynamicImage::ImageRgba8(_) => (img, fir::PixelType::U8x4),
        DynamicImage::ImageLuma16(_) => (img, fir::PixelType::U16),
        DynamicImage::ImageLumaA16(_) => (img, fir::PixelType::U16x2),
        DynamicImage::ImageRgb16(_) => (img, fir::PixelType::U16x3),
        other => (
            DynamicImage::ImageRgba16(other.to_rgba16()),
            fir::PixelType::U16x4,
        ),
    };
    let (buf, rw, rh) = resize(img.as_bytes().to_vec(), w, h, tw, th, pt)?;
    let resized =
        rebuild(&img, buf, rw, rh).ok_or_else(|| fail("resize produced a wrong buffer"))?;
    let oriented = orient(resized, t.orientation);
    let (ow, oh) = (oriented.width(), oriented.height());
    let bytes = match container {
        Container::Jpeg => {
            let rgb = oriented.into_rgb8();
            let mut c = turbojpeg::Compressor::new().map_err(fail)?;
            c.set_quality(t.jpeg_quality.clamp(1, 100) as i32)
                .map_err(fail)?;
            c.set_subsamp(turbojpeg::Subsamp::Sub2x2).map_err(fail)?;
            let encoded = c
                .compress_to_vec(turbojpeg::Image {
                    pixels: rgb.as_raw().as_slice(),
                    width: ow as usize,
                    pitch: 3 * ow as usize,
                    height: oh as usize,
                    format: turbojpeg::PixelFormat::RGB,
                })
                .map_err(fail)?;
            // A CMYK profile does not describe RGB pixels: no profile then.
            let _ = icc;
            splice_jpeg_without_icc(data, &encoded, t.strip)
        }
        _ => {
            let mut out = Vec::new();
            oriented
                .write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
                .map_err(fail)?;
            splice_png(data, &out, t.strip)
        }
    };
    Ok(WebReady {
        bytes,
        width: ow,
        height: oh,
    })
}

fn rebuild(like: &DynamicImage, buf: Vec<u8>, w: u32, h: u32) -> Option<DynamicImage> {
    fn u16s(b: Vec<u8>) -> Vec<u16> {
        b.chunks_exact(2)
            .map(|c| u16::from_ne_bytes([c[0], c[1]]))
            .collect()
    }
    Some(match like {
        DynamicImage::ImageLuma8(_) => {
            DynamicImage::ImageLuma8(image::ImageBuffer::from_raw(w, h, buf)?)
        }
        DynamicImage::ImageLumaA8(_) => {
            DynamicImage::ImageLumaA8(image::ImageBuffer::from_raw(w, h, buf)?)
        }
        DynamicImage::ImageRgb8(_) => {
            DynamicImage::ImageRgb8(image::ImageBuffer::from_raw(w, h, buf)?)
        }
        DynamicImage::ImageRgba8(_) => {
            DynamicImage::ImageRgba8(image::ImageBuffer::from_raw(w, h, buf)?)
        }
        DynamicImage::ImageLuma16(_) => {
            DynamicImage::ImageLuma16(image::ImageBuffer::from_raw(w, h, u16s(buf))?)
        }
        DynamicImage::ImageLumaA16(_) => {
            DynamicImage::ImageLumaA16(image::ImageBuffer::from_raw(w, h, u16s(buf))?)
        }
        DynamicImage::ImageRgb16(_) => {
            DynamicImage::ImageRgb16(image::ImageBuffer::from_raw(w, h, u16s(buf))?)
        }
        _ => DynamicImage::ImageRgba16(image::ImageBuffer::from_raw(w, h, u16s(buf))?),
    })
}

/// SIMD Lanczos3 resize of a packed buffer.
fn resize(
    src: Vec<u8>,
    w: u32,
    h: u32,
    tw: u32,
    th: u32,
    pt: fir::PixelType,
) -> Result<(Vec<u8>, u32, u32), Skip> {
    if (w, h) == (tw, th) {
        return Ok((src, w, h));
    }
    let src = fir::images::Image::from_vec_u8(w, h, src, pt).map_err(fail)?;
    let mut dst = fir::images::Image::new(tw, th, pt);
    let opts = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(&src, &mut dst, &opts)
        .map_err(fail)?;
    Ok((dst.into_vec(), tw, th))
}

/// Apply an EXIF orientation (1–8) to the pixels; anything else is treated as 1.
pub fn orient(img: DynamicImage, o: u16) -> DynamicImage {
    match o {
        2 => img.fliph(),
        3 => img.rotate180(),
        4 => img.flipv(),
        5 => img.rotate90().fliph(),
        6 => img.rotate90(),
        7 => img.rotate270().fliph(),
        8 => img.rotate270(),
        _ => img,
    }
}

/// The original's metadata segments, stripped, with Orientation 1, around new JPEG data.
fn splice_jpeg(original: &[u8], encoded: &[u8], strip: Option<Strip>) -> Vec<u8> {
    splice_jpeg_inner(original, encoded, strip, true)
}

fn splice_jpeg_without_icc(original: &[u8], encoded: &[u8], strip: Option<Strip>) -> Vec<u8> {
    splice_jpeg_inner(original, encoded, strip, false)
}

fn splice_jpeg_inner(original: &[u8], encoded: &[u8], strip: Option<Strip>, icc: bool) -> Vec<u8> {
    let mut keep: Vec<Vec<u8>> = Vec::new();
    for (marker, seg) in jpeg::segments(original) {
        match marker {
            0xE2 if icc && seg.len() > 16 && &seg[4..16] == b"ICC_PROFILE\0" => {
                keep.push(seg.to_vec())
            }
            0xE1 if jpeg::is_exif(seg) && strip != Some(Strip::All) => {
                let mut s = seg.to_vec();
                let t = &mut s[jpeg::EXIF_TIFF_AT..];
                if strip == Some(Strip::Location) {
                    tiff::strip(t, Strip::Location);
                }
                tiff::set_orientation(t, 1);
                keep.push(s);
            }
            0xE1 if jpeg::is_xmp(seg) && strip != Some(Strip::All) => {
                let mut s = seg.to_vec();
                if strip == Some(Strip::Location) {
                    meta::xmp::strip_location(&mut s[4..]);
                }
                keep.push(s);
            }
            0xED | 0xFE if strip != Some(Strip::All) => keep.push(seg.to_vec()),
            _ => {}
        }
    }
    // After SOI and the encoder's JFIF APP0 (if any).
    let mut at = 2;
    if encoded.len() > 6 && encoded[2] == 0xFF && encoded[3] == 0xE0 {
        at = 4 + u16::from_be_bytes([encoded[4], encoded[5]]) as usize;
    }
    let mut out = Vec::with_capacity(encoded.len() + keep.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(&encoded[..at]);
    for s in keep {
        out.extend_from_slice(&s);
    }
    out.extend_from_slice(&encoded[at..]);
    out
}

/// The original's colour chunks and (stripped) EXIF/XMP inserted after the new IHDR.
fn splice_png(original: &[u8], encoded: &[u8], strip: Option<Strip>) -> Vec<u8> {
    let mut keep: Vec<Vec<u8>> = Vec::new();
    for (ty, c) in png::chunks(original) {
        match &ty {
            b"iCCP" | b"sRGB" | b"gAMA" | b"cHRM" => keep.push(c.to_vec()),
            b"eXIf" if strip != Some(Strip::All) => {
                let mut data = c[8..c.len() - 4].to_vec();
                if strip == Some(Strip::Location) {
                    tiff::strip(&mut data, Strip::Location);
                }
                tiff::set_orientation(&mut data, 1);
                keep.push(png::chunk(b"eXIf", &data));
            }
            _ => {}
        }
    }
    let chunks = png::chunks(encoded);
    let mut out = Vec::with_capacity(encoded.len() + keep.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(&encoded[..8]);
    for (i, (_, c)) in chunks.iter().enumerate() {
        out.extend_from_slice(c);
        if i == 0 {
            for k in &keep {
                out.extend_from_slice(k);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_never_upscales_and_keeps_the_ratio() {
        assert_eq!(fit(2000, 1000, 2560), None);
        assert_eq!(fit(6000, 4000, 2560), Some((2560, 1707)));
        assert_eq!(fit(4000, 6000, 2560), Some((1707, 2560)));
        assert_eq!(fit(1, 50_000, 2560), Some((1, 2560)));
    }
}
