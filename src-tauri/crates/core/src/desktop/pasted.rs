//! A copied image (a screenshot, an image copied in a browser) becomes a PNG file that the
//! engine uploads like any other.
//!
//! The file is kept under the data folder (`pasted/`), not the temp dir: an upload that is
//! interrupted resumes at the next start from the file on disk, and a temp dir may be emptied
//! by then. The name says when it was pasted — "Pasted image 2026-11-30 08.41.05.png" — which is
//! also the name it gets in the Media Manager.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

/// Why a pasted image could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum PasteError {
    #[error("The copied image is {width}×{height} pixels but holds {got} bytes instead of {want}; copy it again.")]
    BadImage {
        width: u32,
        height: u32,
        got: usize,
        want: usize,
    },
    #[error("The copied image could not be saved in {dir} ({source}). Check that the folder is writable and the disk has room.")]
    Write { dir: PathBuf, source: io::Error },
}

/// The folder pasted images are saved in, under the data folder.
pub fn pasted_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("pasted")
}

/// "Pasted image 2026-11-30 08.41.05" for `at` (dots, not colons: colons are not allowed in
/// file names on Windows and macOS's Finder shows them as slashes).
pub fn pasted_image_stem(at: OffsetDateTime) -> String {
    format!(
        "Pasted image {:04}-{:02}-{:02} {:02}.{:02}.{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Save `rgba` (`width`×`height` pixels, 8-bit RGBA, rows top to bottom) as a PNG in `dir`,
/// named by `at`; a second paste within the same second gets " (2)", " (3)"… Never
/// overwrites. Returns the file's path.
pub fn save_png(
    dir: &Path,
    at: OffsetDateTime,
    width: u32,
    height: u32,
    rgba: &[u8],
) -> Result<PathBuf, PasteError> {
    let want = width as usize * height as usize * 4;
    if rgba.len() != want || width == 0 || height == 0 {
        return Err(PasteError::BadImage {
            width,
            height,
            got: rgba.len(),
            want,
        });
    }
    let write_err = |source| PasteError::Write {
        dir: dir.to_path_buf(),
        source,
    };
    fs::create_dir_all(dir).map_err(write_err)?;
    let stem = pasted_image_stem(at);
    let (path, file) = create_new(dir, &stem).map_err(write_err)?;
    let mut enc = png::Encoder::new(BufWriter::new(file), width, height);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let written = enc
        .write_header()
        .and_then(|mut w| w.write_image_data(rgba).and_then(|_| w.finish()));
    if let Err(e) = written {
        let _ = fs::remove_file(&path);
        return Err(write_err(io::Error::other(e)));
    }
    Ok(path)
}

fn create_new(dir: &Path, stem: &str) -> io::Result<(PathBuf, File)> {
    for n in 1.. {
        let name = match n {
            1 => format!("{stem}.png"),
            n => format!("{stem} ({n}).png"),
        };
        let path = dir.join(name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("the loop returns")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_when_and_never_overwrite() {
        let d = tempfile::tempdir().unwrap();
        let at = time::Date::from_calendar_date(2026, time::Month::November, 30)
            .unwrap()
            .with_hms(8, 41, 5)
            .unwrap()
            .assume_utc();
        let px = [255u8, 0, 0, 255, 0, 0, 255, 128];
        let a = save_png(d.path(), at, 2, 1, &px).unwrap();
        let b = save_png(d.path(), at, 2, 1, &px).unwrap();
        assert_eq!(
            a.file_name().unwrap(),
            "Pasted image 2026-11-30 08.41.05.png"
        );
        assert_eq!(
            b.file_name().unwrap(),
            "Pasted image 2026-11-30 08.41.05 (2).png"
        );
        // A real PNG that decodes to the same pixels.
        let dec = png::Decoder::new(io::BufReader::new(File::open(&a).unwrap()));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (2, 1));
        assert_eq!(&buf[..info.buffer_size()], &px);
    }

    #[test]
    fn a_short_buffer_is_refused_and_nothing_written() {
        let d = tempfile::tempdir().unwrap();
        let e = save_png(d.path(), OffsetDateTime::UNIX_EPOCH, 2, 2, &[0; 4]).unwrap_err();
        assert!(e.to_string().contains("copy it again"), "{e}");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0);
    }
}
