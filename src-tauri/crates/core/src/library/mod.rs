//! The site's Media Manager beyond uploads (issue 12): browse and search, rename, move, label,
//! trash and restore, delete for good, temporary download links, import from URLs and copy to
//! another site. `wix-media-library.md` is the contract for every call.
//!
//! - [`api`]: the Wix calls, one function each, paged with `nextCursor`.
//! - [`file`]: a file as the Library shows it (lenient reading), `wix:` URIs, file references.
//! - [`paths`]: `/A/B` folder paths ↔ folder ids (breadcrumbs, `--path`, copies).
//! - [`import`]: Import File / Bulk Import, readiness polling, why an import failed.
//! - [`jobs`]: imports and copies as durable journal jobs (never imported twice).
//! - [`copy`]: copy to another site (public by URL, private through a download link).
//! - [`thumbs`]: thumbnails fetched here and kept in a bounded disk cache, for the app.
//! - [`error`]: plain-words failures.

pub mod api;
pub mod copy;
pub mod error;
pub mod file;
pub mod import;
pub mod jobs;
pub mod paths;
pub mod thumbs;

pub use api::{FilePage, FolderPage, ListFilter, Site, SortBy};
pub use error::{LibraryError, LibraryResult};
pub use file::LibraryFile;

/// The top level of the trash (wix-media-library.md §9).
pub const TRASH_ROOT: &str = "trash-root";
