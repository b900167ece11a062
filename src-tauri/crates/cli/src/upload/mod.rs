//! `wixdrop upload` and `wixdrop resume`: files and folders to a site's Media Manager, through
//! the same engine (and journal) as the desktop app.
//!
//! Every run starts by finishing the journal's unfinished jobs (see [`session`]). A path given
//! again while its interrupted job is being resumed is not queued a second time: the resumed
//! job is the one reported, so an upload repeated after a crash or Ctrl-C never sends a file
//! twice. Exit status: 0 when nothing failed (skipped duplicates are not failures), 1 when a
//! file failed or the run was interrupted, 2 for bad usage (no site, a path that does not exist).

pub mod photos;
pub mod report;
pub mod session;

use std::path::PathBuf;

use clap::Args;
use wixdrop_core::secret::ApiKey;
use wixdrop_core::upload::{requests_for, Destination};
use wixdrop_core::wix::media::MEDIA_ROOT;

use self::report::Reporter;
use self::session::Ended;
use crate::exit::{CliError, Exit};
use crate::target::{resolve_site, SiteTarget};
use crate::Ctx;

/// Where in the Media Manager files go.
#[derive(Args, Debug, Clone, Default)]
pub struct DestArgs {
    /// An existing Media Manager folder, by ID (default: the top level, media-root)
    #[arg(long, value_name = "ID", conflicts_with = "folder_path")]
    pub folder: Option<String>,

    /// A folder path below the top level, e.g. /events/2024 (missing folders are created)
    #[arg(long = "path", value_name = "/A/B")]
    pub folder_path: Option<String>,
}

impl DestArgs {
    pub fn destination(&self) -> Result<Destination, CliError> {
        match (&self.folder, &self.folder_path) {
            (Some(id), _) if id.trim().is_empty() => Err(CliError::usage(
                "invalid_folder",
                "--folder needs a folder ID (media-root for the top level).",
            )),
            (Some(id), _) => Ok(Destination::FolderId(id.trim().to_string())),
            (None, Some(p)) => Ok(Destination::Path(p.clone())),
            (None, None) => Ok(Destination::FolderId(MEDIA_ROOT.into())),
        }
    }
}

#[derive(Args)]
pub struct UploadArgs {
    /// Files and folders (a folder's tree is mirrored as Media Manager folders)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The profile; without it, WIX_API_KEY if set, else the only saved profile
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The site (ID or dashboard URL); default: the profile's default site, or WIX_SITE_ID
    #[arg(long, value_name = "ID|DASHBOARD_URL")]
    pub site: Option<String>,

    #[command(flatten)]
    pub dest: DestArgs,

    /// Files uploaded at the same time (1–16; default from settings, 3)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=16))]
    pub concurrency: Option<u32>,

    /// Upload even files already uploaded to the same site and folder
    #[arg(long)]
    pub anyway: bool,

    /// Upload as private files: their URL answers 403 and only a temporary link
    /// (`wixdrop files link`) opens them. Wix cannot make them public later.
    #[arg(long)]
    pub private: bool,

    /// Check the files and print what would happen (limits, location, duplicates, names);
    /// send nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub photos: photos::PhotoArgs,
}

#[derive(Args)]
pub struct ResumeArgs {
    /// Files uploaded at the same time (1–16; default from settings, 3)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=16))]
    pub concurrency: Option<u32>,
}

/// Who uploads where: the resolved profile, its key, the site and the destination.
pub struct Target {
    pub profile: String,
    pub key: ApiKey,
    pub site_id: String,
    pub destination: Destination,
}

/// The destination, then the key and site ([`resolve_site`]).
pub fn target(
    profile: Option<&str>,
    site: Option<&str>,
    dest: &DestArgs,
) -> Result<Target, CliError> {
    let destination = dest.destination()?;
    let SiteTarget {
        profile,
        key,
        site_id,
    } = resolve_site(profile, site)?;
    Ok(Target {
        profile,
        key,
        site_id,
        destination,
    })
}

/// Absolute paths (the journal must find them again from any directory); a path that does not
/// exist is a usage error before anything is sent.
pub fn absolute(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    paths
        .iter()
        .map(|p| {
            std::fs::canonicalize(p)
                .map_err(|e| CliError::usage("not_found", format!("{}: {e}", p.display())))
        })
        .collect()
}

pub fn run(ctx: &Ctx, args: UploadArgs) -> Exit {
    upload(ctx, args).unwrap_or_else(Exit::from)
}

pub fn run_resume(ctx: &Ctx, args: ResumeArgs) -> Exit {
    resume(ctx, args).unwrap_or_else(Exit::from)
}

fn upload(ctx: &Ctx, args: UploadArgs) -> Result<Exit, CliError> {
    let files = absolute(&args.paths)?;
    if args.dry_run {
        return photos::dry_run(ctx, &args, &files);
    }
    let t = target(args.profile.as_deref(), args.site.as_deref(), &args.dest)?;
    let paths = session::paths()?;
    let rt = session::runtime()?;
    rt.block_on(async {
        let mut report = Reporter::new(ctx.json);
        let s = session::start_with(
            ctx,
            &paths,
            args.concurrency,
            Some((t.profile.clone(), t.key.clone())),
            |s| args.photos.apply(&mut s.prepare),
        )?;
        // Jobs resumed from the journal are on the board already. Hold the queue while the new
        // ones are added, and withdraw any new job for a file a resumed job is sending.
        let resumed = s.engine.snapshot();
        s.engine.pause();
        let ids = s.engine.enqueue(
            requests_for(
                files,
                &t.profile,
                &t.key,
                &t.site_id,
                t.destination.clone(),
                args.anyway,
            )
            .into_iter()
            .map(|r| wixdrop_core::upload::UploadRequest {
                private: args.private,
                ..r
            })
            .collect(),
        );
        // By id: a search per new job would cost O(n²) for a tree of n files.
        let board: std::collections::HashMap<_, _> = if resumed.iter().any(|r| !r.stage.is_final())
        {
            s.engine.snapshot().into_iter().map(|v| (v.id, v)).collect()
        } else {
            Default::default()
        };
        for id in ids {
            let Some(v) = board.get(&id) else {
                continue;
            };
            let twin = resumed.iter().any(|r| {
                !r.stage.is_final()
                    && r.path == v.path
                    && r.site_id == v.site_id
                    && r.folder == v.folder
            });
            if twin {
                report.ignore(id);
                s.engine.cancel(id);
            }
        }
        s.engine.resume();
        finish(s, report).await
    })
}

fn resume(ctx: &Ctx, args: ResumeArgs) -> Result<Exit, CliError> {
    let paths = session::paths()?;
    let rt = session::runtime()?;
    rt.block_on(async {
        let mut report = Reporter::new(ctx.json);
        let s = session::start(ctx, &paths, args.concurrency, None)?;
        if s.engine.snapshot().is_empty() {
            if !ctx.json {
                println!("Nothing to resume: the upload journal has no unfinished uploads.");
            }
            s.engine.shutdown().await;
            report.finish(false);
            return Ok(Exit::Success);
        }
        finish(s, report).await
    })
}

/// Run to the end (or Ctrl-C) and turn the outcome into an exit status.
async fn finish(mut s: session::Session, mut report: Reporter) -> Result<Exit, CliError> {
    match s.drive(&mut report, true).await {
        Ended::Interrupted => Err(s.interrupt(&mut report).await),
        Ended::Idle => {
            s.engine.shutdown().await;
            let c = report.finish(true);
            Ok(if c.failed > 0 {
                Exit::No
            } else {
                Exit::Success
            })
        }
    }
}
