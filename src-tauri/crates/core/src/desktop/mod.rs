//! Wixdrop as a desktop citizen, the parts that need no window: what a launch asked for
//! (files from "Open with", a drop on the Dock icon, a second launch), the rules that keep
//! secrets out of log files, the text of "Copy diagnostics", where a pasted image is kept,
//! where the web view paints (GPU or CPU) and the size the window opens at.
//!
//! The shell (`src-tauri/src/desktop/`) wires these to the OS through Tauri's official plugins;
//! everything here is pure or touches only the files it is given, so it is tested headless.

pub mod diagnostics;
pub mod launch;
pub mod painting;
pub mod pasted;
pub mod redact;
pub mod status;
pub mod window;
