//! Wix-shaped error bodies (wix-api.md §1.3): every failure a Wix route returns goes through
//! here, so a client's error parser is tested against one consistent shape.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// One `fieldViolations[]` entry.
#[derive(Debug, Clone)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
    pub rule: &'static str,
}

/// An error in the shape Wix returns it.
#[derive(Debug, Clone)]
pub enum WixError {
    /// `details.applicationError`
    App {
        status: StatusCode,
        message: String,
        code: &'static str,
        description: String,
    },
    /// `details.validationError.fieldViolations`
    Validation {
        message: String,
        violations: Vec<FieldViolation>,
    },
}

impl WixError {
    pub fn app(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        let description = description.into();
        let message = format!("{code}: {description}");
        WixError::App {
            status,
            message,
            code,
            description,
        }
    }

    pub fn unauthenticated(description: impl Into<String>) -> Self {
        Self::app(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", description)
    }

    pub fn forbidden(description: impl Into<String>) -> Self {
        Self::app(StatusCode::FORBIDDEN, "PERMISSION_DENIED", description)
    }

    pub fn not_found(code: &'static str, description: impl Into<String>) -> Self {
        Self::app(StatusCode::NOT_FOUND, code, description)
    }

    pub fn invalid(field: &str, description: impl Into<String>, rule: &'static str) -> Self {
        Self::violations(vec![FieldViolation {
            field: field.to_owned(),
            description: description.into(),
            rule,
        }])
    }

    pub fn violations(violations: Vec<FieldViolation>) -> Self {
        let message = match violations.first() {
            Some(v) => format!("INVALID_ARGUMENT: {} {}", v.field, v.description),
            None => "INVALID_ARGUMENT".to_owned(),
        };
        WixError::Validation {
            message,
            violations,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WixError::App { status, .. } => *status,
            WixError::Validation { .. } => StatusCode::BAD_REQUEST,
        }
    }

    pub fn body(&self) -> Value {
        match self {
            WixError::App {
                message,
                code,
                description,
                ..
            } => json!({
                "message": message,
                "details": { "applicationError": {
                    "code": code, "description": description, "data": {}
                }}
            }),
            WixError::Validation {
                message,
                violations,
            } => {
                let list: Vec<Value> = violations
                    .iter()
                    .map(|v| {
                        json!({
                            "field": v.field, "description": v.description,
                            "violatedRule": v.rule, "ruleName": v.rule, "data": {}
                        })
                    })
                    .collect();
                json!({
                    "message": message,
                    "details": { "validationError": { "fieldViolations": list } }
                })
            }
        }
    }
}

impl IntoResponse for WixError {
    fn into_response(self) -> Response {
        let mut resp = (self.status(), axum::Json(self.body())).into_response();
        resp.headers_mut()
            .insert("x-wix-request-id", HeaderValue::from_static("emulator"));
        resp
    }
}

/// The HTML page some Wix front ends return instead of JSON (wix-api.md §1.2).
pub fn html_page(status: StatusCode) -> String {
    let reason = status.canonical_reason().unwrap_or("Error");
    format!(
        "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title></head>\
         <body><h1>{code} {reason}</h1><p>Wix emulator: an HTML error page.</p></body></html>\n",
        code = status.as_u16()
    )
}

pub type WixResult<T> = Result<T, WixError>;
