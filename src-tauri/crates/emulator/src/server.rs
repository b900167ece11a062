//! The accept loop. It is ours rather than `axum::serve` for one reason: a fault must be able
//! to reset a single TCP connection mid-request, so each connection gets a [`ConnHandle`] in its
//! requests' extensions, and killing it drops the connection with `SO_LINGER` 0 (an RST).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

/// Lets a request's handler ask for its connection to be reset.
#[derive(Clone)]
pub struct ConnHandle {
    kill: Arc<Notify>,
}

impl ConnHandle {
    pub fn kill(&self) {
        self.kill.notify_one();
    }
}

/// Serves `router` on `listener` until `shutdown` turns true.
pub async fn serve(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        tokio::spawn(serve_conn(stream, router.clone(), shutdown.clone()));
    }
}

async fn serve_conn(stream: TcpStream, router: Router, mut shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    // A second handle on the same socket, to set SO_LINGER 0 just before a forced close.
    let linger = match stream.into_std().and_then(|s| {
        let twin = s.try_clone()?;
        Ok((TcpStream::from_std(s)?, twin))
    }) {
        Ok(pair) => pair,
        Err(_) => return,
    };
    let (stream, twin) = linger;
    let handle = ConnHandle {
        kill: Arc::new(Notify::new()),
    };
    let kill = handle.kill.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(handle.clone());
        router.clone().oneshot(req)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {
            let _ = socket2::SockRef::from(&twin).set_linger(Some(Duration::ZERO));
        }
        _ = shutdown.changed() => {}
    }
    drop(twin);
}
