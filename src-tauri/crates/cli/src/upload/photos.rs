//! Photos before sending, from the command line: the flags that adjust `settings.prepare` for
//! one run, `wixdrop upload --dry-run` (the pre-flight report), and `wixdrop prepare` (prepared
//! copies written to a folder, without uploading: to look at them, or to time them).

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde_json::json;
use wixdrop_core::prepare::preflight::{preflight, PreflightReport};
use wixdrop_core::prepare::{self, PrepareOptions};
use wixdrop_core::upload::mime::human_bytes;

use super::{absolute, session, target, UploadArgs};
use crate::exit::{CliError, Exit};
use crate::{output, Ctx};

/// How photos are prepared, for this run (defaults from Settings: location removed).
#[derive(Args, Debug, Clone, Default)]
pub struct PhotoArgs {
    /// Make photos web-ready: longest side at most PX (default 2560), re-encoded, never
    /// upscaled, never larger than the original
    #[arg(long, value_name = "PX", num_args = 0..=1, require_equals = true, default_missing_value = "2560",
          value_parser = clap::value_parser!(u32).range(64..=20000))]
    pub optimize: Option<u32>,

    /// JPEG quality of web-ready photos (1–100; default from settings, 85)
    #[arg(long, value_name = "Q", value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: Option<u8>,

    /// Send photos with their GPS location (removed by default; Wix files are public)
    #[arg(long)]
    pub keep_location: bool,

    /// Send photos with all their metadata, location included
    #[arg(long)]
    pub keep_metadata: bool,

    /// Remove all EXIF/XMP/IPTC metadata (orientation and colour profile stay)
    #[arg(long, conflicts_with_all = ["keep_metadata", "keep_location"])]
    pub strip_metadata: bool,

    /// Send files under web-safe names (lower case, dashes, no spaces or accents)
    #[arg(long)]
    pub web_safe_names: bool,
}

impl PhotoArgs {
    pub fn apply(&self, o: &mut PrepareOptions) {
        if let Some(px) = self.optimize {
            o.optimize = true;
            o.max_side_px = px;
        }
        if let Some(q) = self.quality {
            o.jpeg_quality = q;
        }
        if self.keep_location || self.keep_metadata {
            o.remove_location = false;
            o.remove_metadata = false;
        }
        if self.strip_metadata {
            o.remove_metadata = true;
        }
        if self.web_safe_names {
            o.web_safe_names = true;
        }
    }
}

/// `wixdrop upload --dry-run`: the pre-flight report; nothing is sent.
pub fn dry_run(ctx: &Ctx, args: &UploadArgs, files: &[PathBuf]) -> Result<Exit, CliError> {
    let paths = session::paths()?;
    let settings = session::settings(&paths, None);
    let mut opts = settings.prepare.clone();
    args.photos.apply(&mut opts);
    // Duplicates need the site; without a usable key the rest of the report still holds.
    let site = target(args.profile.as_deref(), args.site.as_deref(), &args.dest)
        .ok()
        .map(|t| t.site_id);
    let journal = if paths.database_file().exists() {
        Some(session::open_journal(&paths)?)
    } else {
        None
    };
    let limits = wixdrop_core::upload::Limits::default();
    let report = preflight(files, &opts, &limits, journal.as_ref(), site.as_deref());
    if ctx.json {
        output::json(&json!({ "dry_run": true, "site_id": site, "report": report }));
    } else {
        print_report(&report, &opts);
    }
    Ok(Exit::Success)
}

fn print_report(r: &PreflightReport, opts: &PrepareOptions) {
    println!(
        "Dry run: {} file{}, {}; nothing was sent.",
        r.files.len(),
        if r.files.len() == 1 { "" } else { "s" },
        human_bytes(r.total_bytes)
    );
    for f in &r.files {
        let mut notes = Vec::new();
        if let (Some(w), Some(h)) = (f.width, f.height) {
            notes.push(format!("{w}×{h}"));
        }
        if let Some(l) = f.over_limit_bytes {
            notes.push(format!("over the {} limit", human_bytes(l)));
        }
        if f.can_optimize {
            notes.push(if opts.optimize {
                format!("web-ready at {} px", opts.max_side_px)
            } else {
                format!("larger than {} px", opts.max_side_px)
            });
        }
        if f.has_location {
            notes.push(if opts.remove_location || opts.remove_metadata {
                "location will be removed".into()
            } else {
                "has location (kept)".into()
            });
        }
        if let Some(d) = &f.duplicate_of {
            notes.push(format!("already uploaded: {d}"));
        }
        if let Some(n) = &f.send_name {
            notes.push(format!("sent as {n}"));
        }
        if let Some(p) = &f.problem {
            notes.push(p.clone());
        }
        println!(
            "  {}  {}{}",
            f.path,
            human_bytes(f.size),
            if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join("; "))
            }
        );
    }
    for m in &r.messages {
        println!("{m}");
    }
}

#[derive(Args)]
pub struct PrepareArgs {
    /// Photos (folders are walked)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Where the prepared copies go (created if missing); originals are never changed
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Files prepared at once (default: the number of cores)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub jobs: Option<u32>,

    #[command(flatten)]
    pub photos: PhotoArgs,
}

pub fn run_prepare(ctx: &Ctx, args: PrepareArgs) -> Exit {
    prepare_files(ctx, args).unwrap_or_else(Exit::from)
}

fn prepare_files(ctx: &Ctx, args: PrepareArgs) -> Result<Exit, CliError> {
    let roots = absolute(&args.paths)?;
    let mut files = Vec::new();
    for r in &roots {
        walk(r, &mut files);
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError::usage("bad_out", format!("{}: {e}", args.out.display())))?;
    let paths = session::paths()?;
    let mut opts = session::settings(&paths, None).prepare;
    args.photos.apply(&mut opts);
    let jobs = args
        .jobs
        .map(|n| n as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.min(files.len()).max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(f) = files.get(i) else { break };
                let stem = format!(
                    "{}",
                    f.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_else(|| format!("file{i}"))
                );
                let r = prepare::prepare(f, &opts, &args.out, &stem);
                // The original stays where it is; a copy only when something changed.
                if let Ok(p) = &r {
                    if !p.is_copy {
                        let _ = std::fs::copy(f, args.out.join(f.file_name().unwrap_or_default()));
                    }
                }
                results.lock().unwrap().push((i, f.clone(), r));
            });
        }
    });
    let secs = started.elapsed().as_secs_f64();
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    let mut failed = 0;
    let (mut before, mut after) = (0u64, 0u64);
    let mut views = Vec::new();
    for (_, f, r) in results {
        match r {
            Ok(p) => {
                before += p.original_size;
                after += p.sent_size;
                views.push(json!({
                    "path": f.display().to_string(),
                    "original_bytes": p.original_size,
                    "bytes": p.sent_size,
                    "width": p.width,
                    "height": p.height,
                    "optimized": p.optimized,
                    "location": p.location.as_str(),
                    "notes": p.notes,
                }));
                if !ctx.json {
                    println!(
                        "{}  {} → {}{}{}",
                        f.display(),
                        human_bytes(p.original_size),
                        human_bytes(p.sent_size),
                        match p.location {
                            prepare::Location::Removed => "  location removed",
                            prepare::Location::Kept => "  has location",
                            _ => "",
                        },
                        if p.notes.is_empty() {
                            String::new()
                        } else {
                            format!("  ({})", p.notes.join(" "))
                        }
                    );
                }
            }
            Err(e) => {
                failed += 1;
                views.push(json!({"path": f.display().to_string(), "error": e.to_string()}));
                if !ctx.json {
                    println!("{}  failed: {e}", f.display());
                }
            }
        }
    }
    if ctx.json {
        output::json(
            &json!({"files": views, "seconds": secs, "original_bytes": before, "bytes": after}),
        );
    } else {
        println!(
            "{} file{} in {secs:.2} s: {} → {} (saved {}).",
            views.len(),
            if views.len() == 1 { "" } else { "s" },
            human_bytes(before),
            human_bytes(after),
            human_bytes(before.saturating_sub(after))
        );
    }
    Ok(if failed > 0 { Exit::No } else { Exit::Success })
}

fn walk(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            walk(&e, out);
        }
    } else {
        out.push(p.to_path_buf());
    }
}
