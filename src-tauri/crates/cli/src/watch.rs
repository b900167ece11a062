//! `wixdrop watch`: upload new and changed files of a folder as they settle, in the foreground
//! until Ctrl-C; and the watches saved in the journal (the ones the desktop app runs).
//!
//! - `wixdrop watch DIR [--profile] [--site] [--folder ID | --path /a/b] [--settle-ms MS] [--save]`
//!   watches DIR (its tree mirrored below the destination). `--save` also stores the watch.
//! - `wixdrop watch` (no DIR) runs every saved watch in the foreground.
//! - `wixdrop watch --list`, `wixdrop watch --stop DIR` (removes the saved watch of DIR).
//!
//! A file is uploaded once its size and modification time have not changed for the settle
//! time, so files still being copied or exported are never sent half-written; temp files
//! (`.part`, `.crdownload`, `~$…`) and dotfiles are ignored. Files already in the folder when
//! the watch starts are not uploaded (use `wixdrop upload DIR` for those).

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use serde_json::json;
use wixdrop_core::upload::{Destination, WatchDef};

use crate::exit::{CliError, Exit};
use crate::output::Table;
use crate::upload::report::Reporter;
use crate::upload::session::{self, Ended};
use crate::upload::{target, DestArgs};
use crate::{output, Ctx};

#[derive(Args)]
pub struct WatchArgs {
    /// The folder to watch; without it, every saved watch runs
    #[arg(value_name = "DIR", conflicts_with_all = ["list", "stop"])]
    pub dir: Option<PathBuf>,

    /// The profile; without it, WIX_API_KEY if set, else the only saved profile
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The site (ID or dashboard URL); default: the profile's default site, or WIX_SITE_ID
    #[arg(long, value_name = "ID|DASHBOARD_URL")]
    pub site: Option<String>,

    #[command(flatten)]
    pub dest: DestArgs,

    /// How long a file must stay unchanged before it is uploaded, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 2000, value_parser = clap::value_parser!(u64).range(50..))]
    pub settle_ms: u64,

    /// Files uploaded at the same time (1–16; default from settings, 3)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=16))]
    pub concurrency: Option<u32>,

    /// Also save this watch (the desktop app and `wixdrop watch` without DIR run saved watches)
    #[arg(long, requires = "dir")]
    pub save: bool,

    /// List the saved watches
    #[arg(long, conflicts_with = "stop")]
    pub list: bool,

    /// Remove the saved watch of DIR
    #[arg(long, value_name = "DIR")]
    pub stop: Option<PathBuf>,
}

/// A saved watch as `--list --json` prints it.
#[derive(Serialize)]
struct WatchView {
    id: Option<i64>,
    dir: String,
    profile: String,
    site_id: String,
    /// The destination folder ID, or `null` when `folder_path` is set.
    folder_id: Option<String>,
    folder_path: Option<String>,
    settle_ms: u64,
}

impl WatchView {
    fn of(w: &WatchDef) -> WatchView {
        let (folder_id, folder_path) = match &w.folder {
            Destination::FolderId(id) => (Some(id.clone()), None),
            Destination::Path(p) => (None, Some(p.clone())),
        };
        WatchView {
            id: w.id,
            dir: w.path.clone(),
            profile: w.profile.clone(),
            site_id: w.site_id.clone(),
            folder_id,
            folder_path,
            settle_ms: w.settle_ms,
        }
    }

    fn destination(&self) -> String {
        self.folder_path
            .clone()
            .or_else(|| self.folder_id.clone())
            .unwrap_or_default()
    }
}

pub fn run(ctx: &Ctx, args: WatchArgs) -> Exit {
    watch(ctx, args).unwrap_or_else(Exit::from)
}

fn watch(ctx: &Ctx, args: WatchArgs) -> Result<Exit, CliError> {
    let paths = session::paths()?;
    if args.list {
        let defs = saved(&paths)?;
        let views: Vec<WatchView> = defs.iter().map(WatchView::of).collect();
        if ctx.json {
            output::json(&json!({ "watches": views }));
        } else if views.is_empty() {
            println!("No saved watches. Save one with `wixdrop watch DIR --save`.");
        } else {
            let mut t = Table::new(&["DIR", "PROFILE", "SITE", "FOLDER", "SETTLE"]);
            for v in &views {
                t.row(
                    vec![
                        v.dir.clone(),
                        v.profile.clone(),
                        v.site_id.clone(),
                        v.destination(),
                        format!("{} ms", v.settle_ms),
                    ],
                    None,
                );
            }
            print!("{}", t.render(""));
        }
        return Ok(Exit::Success);
    }
    if let Some(dir) = &args.stop {
        let wanted = std::fs::canonicalize(dir)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| dir.display().to_string());
        let journal = session::open_journal(&paths)?;
        let defs = journal
            .watches()
            .map_err(|e| CliError::failed("journal", e.to_string()))?;
        let mut removed = Vec::new();
        for d in defs.iter().filter(|d| d.path == wanted) {
            if let Some(id) = d.id {
                if journal
                    .remove_watch(id)
                    .map_err(|e| CliError::failed("journal", e.to_string()))?
                {
                    removed.push(WatchView::of(d));
                }
            }
        }
        if removed.is_empty() {
            return Err(CliError::usage(
                "not_watched",
                format!("{wanted} is not a saved watch (see `wixdrop watch --list`)."),
            ));
        }
        if ctx.json {
            output::json(&json!({ "stopped": removed }));
        } else {
            println!("Stopped watching {wanted}.");
        }
        return Ok(Exit::Success);
    }

    // Foreground: the given folder, or every saved watch.
    let (defs, current) = match &args.dir {
        Some(dir) => {
            let root = std::fs::canonicalize(dir)
                .map_err(|e| CliError::usage("not_found", format!("{}: {e}", dir.display())))?;
            if !root.is_dir() {
                return Err(CliError::usage(
                    "not_a_folder",
                    format!(
                        "{} is not a folder: watch a folder, or use `wixdrop upload` for a file.",
                        root.display()
                    ),
                ));
            }
            let t = target(args.profile.as_deref(), args.site.as_deref(), &args.dest)?;
            let mut def = WatchDef {
                id: None,
                path: root.display().to_string(),
                profile: t.profile.clone(),
                site_id: t.site_id.clone(),
                folder: t.destination.clone(),
                settle_ms: args.settle_ms,
            };
            if args.save {
                def = session::open_journal(&paths)?
                    .add_watch(&def)
                    .map_err(|e| CliError::failed("journal", e.to_string()))?;
            }
            (vec![def], Some((t.profile, t.key)))
        }
        None => {
            let defs = saved(&paths)?;
            if defs.is_empty() {
                return Err(CliError::usage(
                    "no_watch",
                    "Nothing to watch: give a folder (`wixdrop watch DIR`), or save one with `--save`.",
                ));
            }
            (defs, None)
        }
    };

    let rt = session::runtime()?;
    rt.block_on(async {
        let mut report = Reporter::new(ctx.json);
        let mut s = session::start(ctx, &paths, args.concurrency, current)?;
        let mut handles = Vec::new();
        for d in &defs {
            match s.engine.watch(d) {
                Ok(h) => {
                    handles.push(h);
                    report.note(&format!(
                        "Watching {} → site {}, {} (settle {} ms). Ctrl-C stops.",
                        d.path,
                        d.site_id,
                        WatchView::of(d).destination(),
                        d.settle_ms
                    ));
                }
                Err(e) => report.note(&e.to_string()),
            }
        }
        if handles.is_empty() {
            s.engine.shutdown().await;
            return Err(CliError::failed("watch", "No folder could be watched."));
        }
        let ended = s.drive(&mut report, false).await;
        debug_assert_eq!(ended, Ended::Interrupted);
        for h in handles {
            h.stop().await;
        }
        let unfinished = s
            .engine
            .snapshot()
            .iter()
            .filter(|v| !v.stage.is_final())
            .count();
        s.engine.shutdown().await;
        let c = report.finish(true);
        if unfinished > 0 {
            report.note(&format!(
                "{unfinished} upload{} left unfinished; `wixdrop resume` finishes {}.",
                if unfinished == 1 { " was" } else { "s were" },
                if unfinished == 1 { "it" } else { "them" }
            ));
        }
        Ok(if c.failed > 0 {
            Exit::No
        } else {
            Exit::Success
        })
    })
}

fn saved(paths: &wixdrop_core::config::Paths) -> Result<Vec<WatchDef>, CliError> {
    if !paths.database_file().exists() {
        return Ok(Vec::new());
    }
    session::open_journal(paths)?
        .watches()
        .map_err(|e| CliError::failed("journal", e.to_string()))
}
