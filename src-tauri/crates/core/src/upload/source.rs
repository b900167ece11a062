//! Reading the local file: facts (size, mtime), a streaming SHA-256, and request bodies that
//! stream a byte range from disk.
//!
//! Memory stays flat whatever the file size: every read goes through one bounded buffer, and
//! a body is a stream of 256 KiB pieces, read at most four ahead of the connection, that the
//! HTTP client sends and drops. Nothing here ever holds a whole file or a whole chunk.

use std::io::{Read, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use super::error::UploadError;
use super::flow::Flow;

/// One read from disk, one frame on the connection.
const PIECE: usize = 256 * 1024;
/// Pieces the reader may run ahead of the connection (memory per body: `AHEAD` × `PIECE`).
const AHEAD: usize = 4;
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
///
/// A blocking thread reads the file (and feeds the stream hash) up to `AHEAD` pieces ahead of
/// the connection, so reading and hashing overlap with sending instead of taking turns with
/// it. Dropping the body (a cancel, a dropped connection) stops the reader at its next piece.
pub(crate) async fn body(
    path: &Path,
    offset: u64,
    len: u64,
    flow: &Flow,
    failure: &ReadFailure,
) -> Result<reqwest::Body, UploadError> {
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| UploadError::from_io(path, &e))?
        .into_std()
        .await;
    let (tx, rx) = tokio::sync::mpsc::channel(AHEAD);
    let (p, hash) = (path.to_path_buf(), flow.hash.clone());
    tokio::task::spawn_blocking(move || read_ahead(file, &p, offset, len, hash.as_deref(), &tx));
    struct St {
        rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, UploadError>>,
        flow: Flow,
        failure: ReadFailure,
        left: u64,
        over: bool,
    }
    let st = St {
        rx,
        flow: flow.clone(),
        failure: failure.clone(),
        left: len,
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
        let err = match st.rx.recv().await {
            Some(Ok(buf)) => {
                let n = buf.len();
                st.flow.bandwidth.take(n).await;
                st.left -= n as u64;
                st.flow.add_bytes(n as u64);
                return Some((Ok::<Vec<u8>, std::io::Error>(buf), st));
            }
            Some(Err(e)) => e,
            None => UploadError::Protocol("the file reader stopped early".into()),
        };
        let msg = err.to_string();
        st.failure.set(err);
        st.over = true;
        Some((Err(std::io::Error::other(msg)), st))
    });
    Ok(reqwest::Body::wrap_stream(stream))
}

/// The reader behind [`body`]: `len` bytes from `offset` in `PIECE`s, each hashed (when the
/// flow hashes) and handed over in order; a short file or a read error ends it with an error.
fn read_ahead(
    mut file: std::fs::File,
    path: &Path,
    offset: u64,
    len: u64,
    hash: Option<&StreamHash>,
    tx: &tokio::sync::mpsc::Sender<Result<Vec<u8>, UploadError>>,
) {
    use std::io::Seek;
    if let Err(e) = file.seek(SeekFrom::Start(offset)) {
        let _ = tx.blocking_send(Err(UploadError::from_io(path, &e)));
        return;
    }
    let (mut pos, end) = (offset, offset + len);
    while pos < end {
        // Read into spare capacity: no zeroing of a buffer about to be overwritten.
        let want = PIECE.min((end - pos) as usize);
        let mut buf = Vec::with_capacity(want);
        let piece = match (&mut file).take(want as u64).read_to_end(&mut buf) {
            Ok(0) => Err(UploadError::Changed(path.display().to_string())),
            Ok(n) => {
                if let Some(h) = hash {
                    h.feed(pos, &buf);
                }
                pos += n as u64;
                Ok(buf)
            }
            Err(e) => Err(UploadError::from_io(path, &e)),
        };
        let failed = piece.is_err();
        // The receiver is gone: the request was dropped (cancelled, retried, finished).
        if tx.blocking_send(piece).is_err() || failed {
            return;
        }
    }
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

    /// Everything the reader hands over for `len` bytes from `offset`.
    fn read_all(
        p: &Path,
        offset: u64,
        len: u64,
        hash: &StreamHash,
    ) -> Vec<Result<Vec<u8>, UploadError>> {
        let (tx, mut rx) = tokio::sync::mpsc::channel(AHEAD);
        let file = std::fs::File::open(p).unwrap();
        std::thread::scope(|s| {
            s.spawn(move || read_ahead(file, p, offset, len, Some(hash), &tx));
            let mut out = Vec::new();
            while let Some(piece) = rx.blocking_recv() {
                out.push(piece);
                if out.len() > 1000 {
                    break;
                }
            }
            out
        })
    }

    #[test]
    fn the_reader_hands_over_the_range_in_order_and_hashes_it() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        let data: Vec<u8> = (0..(PIECE * 3 + 123)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&p, &data).unwrap();
        let h = StreamHash::default();
        let got: Vec<u8> = read_all(&p, 0, data.len() as u64, &h)
            .into_iter()
            .flat_map(|r| r.unwrap())
            .collect();
        assert_eq!(got, data);
        assert_eq!(
            h.finish(data.len() as u64),
            Some(hex(&Sha256::digest(&data)))
        );
        // A tail range, as a tus resume sends it.
        let tail: Vec<u8> = read_all(&p, 1000, 5000, &StreamHash::default())
            .into_iter()
            .flat_map(|r| r.unwrap())
            .collect();
        assert_eq!(tail, &data[1000..6000]);
    }

    #[test]
    fn a_file_that_shrank_ends_the_body_with_an_error() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        std::fs::write(&p, vec![7u8; PIECE + 10]).unwrap();
        let pieces = read_all(&p, 0, 3 * PIECE as u64, &StreamHash::default());
        let sent: usize = pieces
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(Vec::len)
            .sum();
        assert_eq!(sent, PIECE + 10);
        assert!(matches!(pieces.last(), Some(Err(UploadError::Changed(_)))));
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
