//! `wixdrop import URL…`: Wix fetches each URL itself (nothing is downloaded here). Each URL is
//! a job in the journal first (an import is not idempotent: a retried one looks for the file of
//! its earlier attempt before importing again), then they go to Wix up to 100 a call, and the
//! command waits until each is READY or FAILED — a failure says why (the source answered 404,
//! refused Wix, is a web page…). `--resume` finishes imports an earlier run left.

use std::io::Read;

use clap::Args;
use serde_json::json;
use wixdrop_core::library::api::get_file;
use wixdrop_core::library::import::{check_url, links_in_text, ImportRequest};
use wixdrop_core::library::jobs::{run_jobs, ImportJob, ImportJournal, ImportStage, NewImport};

use super::files::FolderArgs;
use super::{batch_exit, connect, file_json, run, SiteArgs};
use crate::exit::{CliError, Exit};
use crate::{output, Ctx};

#[derive(Args)]
pub struct ImportArgs {
    /// Public http(s) URLs of media files
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,
    /// Also read URLs from this file ('-' = stdin): one a line, or a CSV column
    #[arg(long, value_name = "FILE")]
    pub from: Option<String>,
    #[command(flatten)]
    pub to: FolderArgs,
    /// Import as private files (readable only through download links; cannot change later)
    #[arg(long)]
    pub private: bool,
    /// Finish the imports an earlier run left unfinished (no URLs needed)
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

pub fn run_cmd(ctx: &Ctx, args: ImportArgs) -> Exit {
    import(ctx, args).unwrap_or_else(Exit::from)
}

fn import(ctx: &Ctx, a: ImportArgs) -> Result<Exit, CliError> {
    let mut urls = Vec::new();
    for u in &a.urls {
        urls.push(check_url(u).map_err(super::cli_error)?);
    }
    if let Some(src) = &a.from {
        let mut text = String::new();
        let read = if src == "-" {
            std::io::stdin().read_to_string(&mut text).map(|_| ())
        } else {
            std::fs::File::open(src).and_then(|mut f| f.read_to_string(&mut text).map(|_| ()))
        };
        read.map_err(|e| CliError::usage("not_found", format!("{src}: {e}")))?;
        let pasted = links_in_text(&text);
        // Nothing left out goes unsaid (the batch goes on without those lines).
        if !pasted.left_out.is_empty() {
            eprintln!(
                "{src}: left out {} line{} with no http(s) link:",
                pasted.left_out.len(),
                if pasted.left_out.len() == 1 { "" } else { "s" }
            );
            for l in &pasted.left_out {
                eprintln!("  {l}");
            }
        }
        urls.extend(pasted.urls);
    }
    if urls.is_empty() && !a.resume {
        return Err(CliError::usage(
            "invalid_input",
            "No URL to import: give URLs, --from FILE, or --resume.",
        ));
    }
    let c = connect(ctx, &a.site)?;
    let paths = crate::upload::session::paths()?;
    let journal = crate::upload::session::open_journal(&paths)?;
    let store = ImportJournal(&journal);
    let mut ids = Vec::new();
    if a.resume {
        let open = store
            .unfinished()
            .map_err(|e| CliError::failed("journal", e.to_string()))?;
        ids.extend(open.iter().filter(|j| j.site_id == c.site_id).map(|j| j.id));
    }
    let site = c.site();
    let jobs = run(async {
        let (folder_id, file_path) = match (&a.to.folder, &a.to.path) {
            (Some(f), _) => (Some(f.clone()), None),
            (None, Some(p)) => (None, Some(p.clone())),
            _ => (None, None),
        };
        for url in &urls {
            ids.push(store.add(&NewImport {
                kind: "import",
                profile: c.profile.clone(),
                site_id: c.site_id.clone(),
                request: ImportRequest {
                    url: url.clone(),
                    display_name: None,
                    folder_id: folder_id.clone(),
                    file_path: file_path.clone(),
                    private: a.private,
                    mime_type: None,
                },
                source_site: None,
                source_file_id: None,
            })?);
        }
        let show = |j: &ImportJob| {
            if !ctx.json && j.stage == ImportStage::Importing {
                eprintln!("importing {}", j.url);
            }
        };
        run_jobs(&journal, &site, &ids, &show).await
    })?;
    let mut failed = 0;
    let mut results = Vec::new();
    for j in &jobs {
        let ok = j.stage == ImportStage::Done;
        if !ok {
            failed += 1;
        }
        let file = match (&j.wix_file_id, ok) {
            (Some(id), true) => run(get_file(&site, id)).ok(),
            _ => None,
        };
        let error = j.error.clone().or_else(|| {
            (!ok).then(|| "Still processing on Wix after 2 minutes; `wixdrop import --resume` checks again.".to_string())
        });
        if ctx.json {
            results.push(json!({
                "url": j.url, "ok": ok, "stage": j.stage,
                "file": file.as_ref().map(file_json), "error": error,
            }));
        } else if ok {
            // A private file's URL answers 403: say so and name the command that shares it.
            let at = match &file {
                Some(f) if f.private => {
                    format!("private; share it with `wixdrop files link {}`", f.id)
                }
                Some(f) => f.url.clone().unwrap_or_default(),
                None => String::new(),
            };
            println!("imported  {} → {at}", j.display_name);
        } else {
            eprintln!("failed    {}: {}", j.url, error.unwrap_or_default());
        }
    }
    if ctx.json {
        output::json(&json!({ "results": results }));
    } else if jobs.is_empty() {
        println!("Nothing to import.");
    }
    Ok(batch_exit(failed))
}
