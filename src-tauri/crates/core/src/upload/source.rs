//! Reading the local file: facts (size, mtime), a streaming SHA-256, and request bodies that
//! stream a byte range from disk.
//!
//! Memory stays flat whatever the file size: every read goes through one bounded buffer, and
//! a body is a stream of 64 KiB pieces that the HTTP client sends and drops. Nothing here ever
//! holds a whole file or a whole chunk.

use std::io::{Read, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::sync::CancellationToken;

use super::error::UploadError;
use super::flow::Flow;

const PIECE: usize = 64 * 1024;
const HASH_BUF: usize = 256 * 1024;

/// What the file looked like when it was hashed; compared again before bytes go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Facts {
    pub size: u64,
    pub mtime_ns: Option<i64>,
}

/// Stat a file, turning every way it can be unusable into a clear error.
pub(crate) fn probe(path: &Path) -> Result<Facts, UploadError> {
    let md = std::fs::metadata(path).map_err(|e| UploadError::from_io(path, &e))?;
    if !md.is_file() {
        return Err(UploadError::NotAFile(path.display().to_string()));
    }
    if md.len() == 0 {
        return Err(UploadError::Empty(path.display().to_string()));
    }
    let mtime_ns = md
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64);
    Ok(Facts {
        size: md.len(),
        mtime_ns,
    })
}

/// SHA-256 of the whole file in one streaming pass, off the async threads.
/// `progress` gets the running byte count; `cancel` stops it early.
pub(crate) async fn sha256(
    path: PathBuf,
    expect: u64,
    cancel: CancellationToken,
    progress: impl Fn(u64) + Send + 'static,
) -> Result<String, UploadError> {
    tokio::task::spawn_blocking(move || {
        let mut f = std::fs::File::open(&path).map_err(|e| UploadError::from_io(&path, &e))?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; HASH_BUF];
        let mut done = 0u64;
        loop {
            if cancel.is_cancelled() {
                return Err(UploadError::Cancelled);
            }
            let n = f
                .read(&mut buf)
                .map_err(|e| UploadError::from_io(&path, &e))?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            done += n as u64;
            progress(done);
        }
        if done != expect {
            return Err(UploadError::Changed(path.display().to_string()));
        }
        Ok(hex(&h.finalize()))
    })
    .await
    .map_err(|e| UploadError::Protocol(format!("hashing task failed: {e}")))?
}

/// SHA-256 of a file computed from the bytes as the upload reads them, so a fresh upload
/// reads the file once. Each byte is hashed once and in order: a retry that re-reads a range
/// already hashed is skipped, and a range that starts past what was hashed (a tus upload
/// resumed by another run) leaves the hash incomplete, so `finish` answers `None` and the
/// caller hashes the file from disk instead.
#[derive(Default)]
pub(crate) struct StreamHash(Mutex<(Sha256, u64)>);

impl StreamHash {
    pub fn feed(&self, offset: u64, bytes: &[u8]) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (h, next) = &mut *g;
        let end = offset + bytes.len() as u64;
        if offset <= *next && end > *next {
            h.update(&bytes[(*next - offset) as usize..]);
            *next = end;
        }
    }

    pub fn finish(&self, size: u64) -> Option<String> {
        let g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        (g.1 == size).then(|| hex(&g.0.clone().finalize()))
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A local read failure inside a body stream, kept so the caller can tell "the file went away"
/// from "the network went away" (reqwest only sees an aborted body).
#[derive(Clone, Default)]
pub(crate) struct ReadFailure(Arc<Mutex<Option<UploadError>>>);

impl ReadFailure {
    pub fn take(&self) -> Option<UploadError> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
    fn set(&self, e: UploadError) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
    }
}

/// A request body streaming `len` bytes of `path` from `offset`, paced by the flow's bandwidth
/// cap and pause switch, counting bytes into the flow as they are handed to the connection.
pub(crate) async fn body(
    path: &Path,
    offset: u64,
    len: u64,
    flow: &Flow,
    failure: &ReadFailure,
) -> Result<reqwest::Body, UploadError> {
    let mut f = tokio::fs::File::open(path)
        .await
        .map_err(|e| UploadError::from_io(path, &e))?;
    f.seek(SeekFrom::Start(offset))
        .await
        .map_err(|e| UploadError::from_io(path, &e))?;
    struct St {
        file: tokio::io::Take<tokio::fs::File>,
        left: u64,
        flow: Flow,
        failure: ReadFailure,
        path: PathBuf,
        pos: u64,
        over: bool,
    }
    let st = St {
        file: f.take(len),
        left: len,
        flow: flow.clone(),
        failure: failure.clone(),
        path: path.to_path_buf(),
        pos: offset,
        over: false,
    };
    let stream = futures_util::stream::unfold(st, |mut st| async move {
        if st.over || st.left == 0 {
            return None;
        }
        // Pause holds the body; a server that times out meanwhile is handled like a dropped
        // connection (tus resumes from the server's offset).
        let mut paused = st.flow.paused.clone();
        let _ = paused.wait_for(|p| !*p).await;
        let mut buf = vec![0u8; PIECE.min(st.left as usize)];
        let res = st.file.read(&mut buf).await;
        let err = match res {
            Ok(0) => Some(UploadError::Changed(st.path.display().to_string())),
            Ok(n) => {
                buf.truncate(n);
                if let Some(h) = &st.flow.hash {
                    h.feed(st.pos, &buf);
                }
                st.pos += n as u64;
                st.flow.bandwidth.take(n).await;
                st.left -= n as u64;
                st.flow.add_bytes(n as u64);
                return Some((Ok::<Vec<u8>, std::io::Error>(buf), st));
            }
            Err(e) => Some(UploadError::from_io(&st.path, &e)),
        };
        let msg = err.as_ref().map(|e| e.to_string()).unwrap_or_default();
        if let Some(e) = err {
            st.failure.set(e);
        }
        st.over = true;
        Some((Err(std::io::Error::other(msg)), st))
    });
    Ok(reqwest::Body::wrap_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_names_every_unusable_file() {
        let d = tempfile::tempdir().unwrap();
        let missing = d.path().join("nope.jpg");
        assert!(matches!(probe(&missing), Err(UploadError::Vanished(_))));
        let empty = d.path().join("empty.jpg");
        std::fs::write(&empty, b"").unwrap();
        assert!(matches!(probe(&empty), Err(UploadError::Empty(_))));
        assert!(matches!(probe(d.path()), Err(UploadError::NotAFile(_))));
        let ok = d.path().join("ok.jpg");
        std::fs::write(&ok, b"abc").unwrap();
        assert_eq!(probe(&ok).unwrap().size, 3);
    }

    #[test]
    fn stream_hash_takes_each_byte_once_in_order() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = hex(&Sha256::digest(&data));
        // In order, with a retry that re-reads from the start and one overlapping the end.
        let h = StreamHash::default();
        h.feed(0, &data[..300]);
        h.feed(0, &data[..100]);
        h.feed(200, &data[200..600]);
        h.feed(600, &data[600..]);
        assert_eq!(h.finish(1000).as_deref(), Some(whole.as_str()));
        // A gap (resumed past what was hashed) is incomplete, never a wrong hash.
        let g = StreamHash::default();
        g.feed(0, &data[..100]);
        g.feed(500, &data[500..]);
        assert_eq!(g.finish(1000), None);
    }

    #[tokio::test]
    async fn sha256_streams_and_notices_a_changed_size() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        std::fs::write(&p, b"abc").unwrap();
        let h = sha256(p.clone(), 3, CancellationToken::new(), |_| {})
            .await
            .unwrap();
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(matches!(
            sha256(p, 4, CancellationToken::new(), |_| {}).await,
            Err(UploadError::Changed(_))
        ));
    }
}
