//! Streams a request body to disk chunk by chunk, hashing as it goes, so a multi-GiB upload
//! costs a fixed amount of memory.
//!
//! The copy runs on its own task: if the client vanishes mid-body, the connection's future is
//! dropped but the copy still sees the body end with an error and reports the bytes it wrote.
//! That is what lets a tus `HEAD` after a dropped `PATCH` return a truthful offset.

use axum::body::Body;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// Outcome of a copy: what reached the file, and why it stopped early if it did.
pub struct Copied {
    pub bytes: u64,
    pub hasher: Sha256,
    /// The body ended with an error (client gone, connection reset): `bytes` were kept.
    pub body_error: Option<String>,
    /// More than `limit` bytes arrived; the copy stopped at the limit.
    pub overflow: bool,
    /// Writing the file failed: nothing can be trusted.
    pub io_error: Option<std::io::Error>,
}

/// Appends `body` to `file` (already positioned), at most `limit` bytes.
pub async fn copy_to_file(
    body: Body,
    file: tokio::fs::File,
    hasher: Sha256,
    limit: Option<u64>,
) -> Copied {
    let task = tokio::spawn(copy_inner(body, file, hasher, limit));
    match task.await {
        Ok(copied) => copied,
        Err(e) => Copied {
            bytes: 0,
            hasher: Sha256::new(),
            body_error: None,
            overflow: false,
            io_error: Some(std::io::Error::other(e.to_string())),
        },
    }
}

async fn copy_inner(
    body: Body,
    file: tokio::fs::File,
    mut hasher: Sha256,
    limit: Option<u64>,
) -> Copied {
    let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, file);
    let mut stream = body.into_data_stream();
    let mut bytes = 0u64;
    let mut body_error = None;
    let mut overflow = false;
    let mut io_error = None;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                body_error = Some(e.to_string());
                break;
            }
        };
        let mut take = chunk.len();
        if let Some(limit) = limit {
            let room = limit.saturating_sub(bytes);
            if (take as u64) > room {
                take = room as usize;
                overflow = true;
            }
        }
        if let Err(e) = out.write_all(&chunk[..take]).await {
            io_error = Some(e);
            break;
        }
        hasher.update(&chunk[..take]);
        bytes += take as u64;
        if overflow {
            break;
        }
    }
    if let Err(e) = out.flush().await {
        io_error.get_or_insert(e);
    }
    Copied {
        bytes,
        hasher,
        body_error,
        overflow,
        io_error,
    }
}
