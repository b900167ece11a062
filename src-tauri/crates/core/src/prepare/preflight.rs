//! The pre-flight check: before a byte is sent, every file of a drop or command is checked
//! against Wix's limits ([`super::limits`]), for location data, for its pixel size, and
//! against the upload history (the same content already on this site), and the report says in
//! plain words what needs a decision. Reading is cheap: headers and metadata blocks only, and a
//! file is hashed only when a file of its exact size is already in the site's history.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::limits;
use super::meta;
use super::names::web_safe;
use super::PrepareOptions;
use crate::upload::mime::{self, human_bytes, MediaType};
use crate::upload::{Journal, Limits};

/// One file as the pre-flight sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PreflightFile {
    pub path: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub mime_type: String,
    pub media_type: MediaType,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Over the size configured for its type: that limit, in bytes.
    #[ts(type = "number | null")]
    pub over_limit_bytes: Option<u64>,
    /// Enforcement is on: it would not be sent as it is.
    pub refused: bool,
    /// Not one of the formats Wix lists for its type.
    pub unusual_format: bool,
    /// It records a GPS position (or its metadata could not be read).
    pub has_location: bool,
    /// A photo whose longest side is over the web-ready size.
    pub oversize: bool,
    /// It can be made web-ready (a JPEG or PNG over the size).
    pub can_optimize: bool,
    /// The same content is already on this site: the Wix URL (or file ID) of that upload.
    pub duplicate_of: Option<String>,
    /// The name it will be sent under, when web-safe names change it.
    pub send_name: Option<String>,
    /// Why it could not be read, if it could not.
    pub problem: Option<String>,
}

/// The whole drop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PreflightReport {
    pub files: Vec<PreflightFile>,
    #[ts(type = "number")]
    pub total_bytes: u64,
    pub over_limit: u32,
    pub with_location: u32,
    pub oversize: u32,
    pub duplicates: u32,
    pub renamed: u32,
    /// What the user should know or decide, one sentence each.
    pub messages: Vec<String>,
    /// Something deserves a look before sending (the app then shows the panel).
    pub needs_decision: bool,
}

/// Most files one pre-flight looks at (a big folder is still sent whole; each file is still
/// prepared on its way).
pub const MAX_FILES: usize = 1000;

/// Check `paths` (files; folders are walked) for an upload to `site_id` with `opts`.
pub fn preflight(
    paths: &[PathBuf],
    opts: &PrepareOptions,
    limits: &Limits,
    journal: Option<&Journal>,
    site_id: Option<&str>,
) -> PreflightReport {
    let mut problems = Vec::new();
    let mut files: Vec<PathBuf> = paths
        .iter()
        .flat_map(|p| {
            crate::upload::scan::expand(p, &mut problems)
                .into_iter()
                .map(|f| f.path)
        })
        .collect();
    if files.len() > MAX_FILES {
        problems.push(format!(
            "Only the first {MAX_FILES} of {} files were checked; the others are prepared as they are sent.",
            files.len()
        ));
        files.truncate(MAX_FILES);
    }
    let files: Vec<PreflightFile> = files
        .iter()
        .map(|p| check_file(p, opts, limits, journal, site_id))
        .collect();
    summarize(files, opts, limits, problems)
}

fn check_file(
    path: &Path,
    opts: &PrepareOptions,
    limits: &Limits,
    journal: Option<&Journal>,
    site_id: Option<&str>,
) -> PreflightFile {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut f = PreflightFile {
        path: path.display().to_string(),
        file_name: file_name.clone(),
        size: 0,
        mime_type: mime::UNKNOWN_MIME.into(),
        media_type: MediaType::Other,
        width: None,
        height: None,
        over_limit_bytes: None,
        refused: false,
        unusual_format: false,
        has_location: false,
        oversize: false,
        can_optimize: false,
        duplicate_of: None,
        send_name: None,
        problem: None,
    };
    match std::fs::metadata(path) {
        Ok(m) => f.size = m.len(),
        Err(e) => {
            f.problem = Some(format!("It could not be read: {e}."));
            return f;
        }
    }
    f.mime_type = mime::detect_file(path).unwrap_or_else(|_| mime::UNKNOWN_MIME.into());
    f.media_type = MediaType::of_mime(&f.mime_type);
    let v = limits::check(limits, f.media_type, f.size, &ext);
    f.over_limit_bytes = v.over;
    f.refused = v.refused;
    f.unusual_format = v.unusual_format;
    if opts.web_safe_names {
        let safe = web_safe(&file_name);
        if safe != file_name {
            f.send_name = Some(safe);
        }
    }
    if f.media_type == MediaType::Image {
        match meta::scan(path, None) {
            Ok(plan) => {
                f.has_location = plan.facts.has_location;
                if let Some(why) = plan.facts.unreadable {
                    f.problem = Some(format!("Its metadata could not be read ({why})."));
                }
                if let Ok((w, h)) = image::image_dimensions(path) {
                    let (w, h) = match plan.facts.orientation {
                        Some(5..=8) => (h, w),
                        _ => (w, h),
                    };
                    f.width = Some(w);
                    f.height = Some(h);
                    f.oversize = w.max(h) > opts.max_side_px;
                    f.can_optimize = f.oversize
                        && matches!(plan.container, meta::Container::Jpeg | meta::Container::Png);
                }
            }
            Err(e) => f.problem = Some(format!("It could not be read: {e}.")),
        }
    }
    if let (Some(j), Some(site)) = (journal, site_id) {
        if j.has_size_in_site(site, f.size).unwrap_or(false) {
            if let Ok(sha) = sha256_file(path) {
                f.duplicate_of = j
                    .find_in_site(site, &sha)
                    .ok()
                    .flatten()
                    .map(|(file_id, url)| url.unwrap_or(file_id));
            }
        }
    }
    f
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut h)?;
    Ok(meta::hex(&h.finalize()))
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn summarize(
    files: Vec<PreflightFile>,
    opts: &PrepareOptions,
    limits: &Limits,
    problems: Vec<String>,
) -> PreflightReport {
    let count = |p: &dyn Fn(&PreflightFile) -> bool| files.iter().filter(|f| p(f)).count() as u32;
    let over_limit = count(&|f| f.over_limit_bytes.is_some());
    let over_fixable = count(&|f| f.over_limit_bytes.is_some() && f.can_optimize);
    let with_location = count(&|f| f.has_location);
    let oversize = count(&|f| f.can_optimize);
    let duplicates = count(&|f| f.duplicate_of.is_some());
    let renamed = count(&|f| f.send_name.is_some());
    let mut messages = Vec::new();
    if over_limit > 0 {
        let limit = limits
            .image
            .map(human_bytes)
            .unwrap_or_else(|| "size".into());
        let mut m = format!(
            "{} over Wix's limit ({limit} for images; a figure Wix has not confirmed)",
            plural(over_limit, "file is", "files are")
        );
        if over_fixable > 0 && !opts.optimize {
            m += &format!(
                ": make {} web-ready?",
                if over_fixable == 1 { "it" } else { "them" }
            );
        } else if opts.optimize && over_fixable > 0 {
            m += ": they will be made web-ready.";
        } else if limits.enforce {
            m += ": they will not be sent.";
        } else {
            m += ": Wix may refuse them.";
        }
        messages.push(m);
    }
    if oversize > over_fixable {
        let n = oversize - over_fixable;
        messages.push(if opts.optimize {
            format!(
                "{} larger than {} px will be made web-ready.",
                plural(n, "photo", "photos"),
                opts.max_side_px
            )
        } else {
            format!(
                "{} larger than {} px: make {} web-ready?",
                plural(n, "photo is", "photos are"),
                opts.max_side_px,
                if n == 1 { "it" } else { "them" }
            )
        });
    }
    if with_location > 0 {
        let what = plural(with_location, "photo carries", "photos carry");
        messages.push(if opts.remove_location || opts.remove_metadata {
            format!("{what} a location: it will be removed.")
        } else {
            format!("{what} a location, and it will be sent with it (Wix files are public).")
        });
    }
    if duplicates > 0 {
        messages.push(format!(
            "{} already on this site: {} skipped unless you choose Upload anyway.",
            plural(duplicates, "file is", "files are"),
            if duplicates == 1 { "it is" } else { "they are" }
        ));
    }
    if renamed > 0 {
        messages.push(format!(
            "{} sent under a web-safe name.",
            plural(renamed, "file is", "files are")
        ));
    }
    messages.extend(problems);
    // Duplicates are counted but need no decision: the queue shows them as "Already uploaded",
    // with their URL and "Upload anyway", as it did before the pre-flight.
    let needs_decision = over_limit > 0 || with_location > 0 || (oversize > 0 && !opts.optimize);
    PreflightReport {
        total_bytes: files.iter().map(|f| f.size).sum(),
        files,
        over_limit,
        with_location,
        oversize,
        duplicates,
        renamed,
        messages,
        needs_decision,
    }
}
