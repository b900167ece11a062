//! The Wix REST client: one shared HTTP client, Wix's auth headers, Wix's error bodies.

pub mod client;
pub mod error;
pub mod limits;
pub mod media;
pub mod sites;

pub use client::{Scope, WixClient};
pub use error::{ApiError, Diagnosis, ErrorKind, FieldViolation, WixError};
