//! Thin adapters from IPC to `wixdrop-core`, one file per feature.

pub mod app;
pub mod desktop;
pub mod history;
pub mod keys;
pub mod library;
pub mod prepare;
pub mod uploads;
pub mod waits;
