//! Faults on demand: a test registers "the next PATCH under /tus/ resets after 1 MiB" through
//! the control API, and this middleware makes it happen on the Wix routes. It also feeds the
//! request log, since it already sees every request and counts its body bytes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{html_page, WixError};
use crate::server::ConnHandle;
use crate::state::AppState;
use crate::throttle::{wrap_body, BodyPlan};

/// Body of an injected error response.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorBody {
    #[default]
    Json,
    Html,
    Empty,
}

/// What a fault does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Answer with this status without running the route (429, 500, 503…).
    Status {
        status: u16,
        #[serde(default)]
        retry_after: Option<u64>,
        #[serde(default)]
        body: ErrorBody,
    },
    /// Read this many request-body bytes, then reset the TCP connection.
    Reset { after_bytes: u64 },
    /// Wait this long before running the route.
    Latency { ms: u64 },
    /// Read the request body no faster than this.
    Bandwidth { bytes_per_sec: u64 },
    /// Run the route, but turn its 4xx/5xx JSON body into an HTML page.
    HtmlErrors,
}

fn one() -> Option<u32> {
    Some(1)
}

fn certain() -> f64 {
    1.0
}

/// `POST /__emulator/faults` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// `PATCH`, `PUT`…; absent or `*` matches any method.
    #[serde(default)]
    pub method: Option<String>,
    /// Matches paths that start with it, e.g. `/tus/` or `/site-media/v1/files`.
    pub path_prefix: String,
    pub fault: Action,
    /// How many times it fires; `null` = every time. Default 1.
    #[serde(default = "one")]
    pub times: Option<u32>,
    /// Chance that a matching request triggers it. Default 1.
    #[serde(default = "certain")]
    pub probability: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    pub id: String,
    #[serde(flatten)]
    pub spec: FaultSpec,
    pub fired: u32,
}

pub struct Faults {
    next_id: u64,
    list: Vec<Fault>,
    rng: StdRng,
}

impl Faults {
    pub fn new(rng: StdRng) -> Self {
        Faults {
            next_id: 1,
            list: Vec::new(),
            rng,
        }
    }

    pub fn add(&mut self, spec: FaultSpec) -> Fault {
        let fault = Fault {
            id: format!("fault-{}", self.next_id),
            spec,
            fired: 0,
        };
        self.next_id += 1;
        self.list.push(fault.clone());
        fault
    }

    pub fn list(&self) -> &[Fault] {
        &self.list
    }

    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.list.len();
        self.list.retain(|f| f.id != id);
        before != self.list.len()
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// The actions that fire for this request; each firing uses up one of its `times`.
    pub fn take(&mut self, method: &str, path: &str) -> Vec<Action> {
        let mut fired = Vec::new();
        for fault in &mut self.list {
            let spec = &mut fault.spec;
            let method_ok = match spec.method.as_deref() {
                None | Some("*") => true,
                Some(m) => m.eq_ignore_ascii_case(method),
            };
            if !method_ok || !path.starts_with(&spec.path_prefix) || spec.times == Some(0) {
                continue;
            }
            if spec.probability < 1.0 && !self.rng.random_bool(spec.probability.clamp(0.0, 1.0)) {
                continue;
            }
            if let Some(n) = spec.times.as_mut() {
                *n -= 1;
            }
            fault.fired += 1;
            fired.push(spec.fault.clone());
        }
        fired
    }
}

fn injected(status: u16, retry_after: Option<u64>, body: ErrorBody) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match body {
        ErrorBody::Json => {
            let code = match status.as_u16() {
                429 => "RESOURCE_EXHAUSTED",
                503 => "UNAVAILABLE",
                _ => "INTERNAL",
            };
            WixError::app(status, code, "Injected by the emulator").into_response()
        }
        ErrorBody::Html => html_response(status),
        ErrorBody::Empty => status.into_response(),
    };
    if let Some(secs) = retry_after {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

fn html_response(status: StatusCode) -> Response {
    let mut resp = (status, html_page(status)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

/// The middleware on every non-control route.
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/__emulator/") {
        return next.run(req).await;
    }
    let entry = state.log.start(&req);
    let actions = state.faults().take(req.method().as_str(), req.uri().path());
    let mut plan = BodyPlan {
        counter: entry.body_bytes.clone(),
        ..Default::default()
    };
    let mut html_errors = false;
    for action in &actions {
        match action {
            Action::Latency { ms } => tokio::time::sleep(Duration::from_millis(*ms)).await,
            Action::Reset { after_bytes } => plan.reset_after = Some(*after_bytes),
            Action::Bandwidth { bytes_per_sec } => plan.bytes_per_sec = Some(*bytes_per_sec),
            Action::HtmlErrors => html_errors = true,
            Action::Status { .. } => {}
        }
    }
    if let Some(Action::Status {
        status,
        retry_after,
        body,
    }) = actions.iter().find(|a| matches!(a, Action::Status { .. }))
    {
        entry.note(&format!("status {status}"));
        let resp = injected(*status, *retry_after, *body);
        entry.finish(resp.status().as_u16());
        return resp;
    }
    let tripped = Arc::new(AtomicBool::new(false));
    plan.tripped = tripped.clone();
    let conn = req.extensions().get::<ConnHandle>().cloned();
    let (mut parts, body) = req.into_parts();
    parts.extensions.insert(entry.clone());
    let req = Request::from_parts(parts, Body::from_stream(wrap_body(body, plan)));
    let resp = next.run(req).await;
    if tripped.load(Ordering::SeqCst) {
        entry.note("reset");
        if let Some(conn) = conn {
            conn.kill();
            std::future::pending::<()>().await;
        }
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let status = resp.status();
    entry.finish(status.as_u16());
    if html_errors && (status.is_client_error() || status.is_server_error()) {
        entry.note("html_errors");
        let mut html = html_response(status);
        for (name, value) in resp.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                html.headers_mut().insert(name.clone(), value.clone());
            }
        }
        return html;
    }
    resp
}
