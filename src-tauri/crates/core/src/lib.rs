//! wixdrop-core: everything Wixdrop knows about Wix, keys and uploads, with no Tauri in sight.
//!
//! The desktop app and the `wixdrop` CLI are thin shells over this crate, so every rule here is
//! tested headless: against a real loopback emulator, a real Secret Service and real files.

pub mod config;
pub mod credential;
pub mod desktop;
pub mod export;
pub mod files;
pub mod fold;
pub mod keys;
pub mod library;
pub mod net;
pub mod prepare;
pub mod retry;
pub mod secret;
pub mod settings;
pub mod thumbs;
pub mod upload;
pub mod vault;
pub mod verify;
pub mod waits;
pub mod wix;
