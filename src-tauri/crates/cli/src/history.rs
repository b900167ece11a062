//! `wixdrop history`: finished uploads from the journal, newest first. Local only: it says
//! what this computer uploaded (CLI and desktop app alike), not what the Media Manager holds.

use clap::Args;
use serde::Serialize;
use serde_json::json;
use wixdrop_core::upload::mime::human_bytes;
use wixdrop_core::upload::{HistoryEntry, HistoryQuery};

use crate::exit::{CliError, Exit};
use crate::key::check_site_ref;
use crate::output::Table;
use crate::upload::session;
use crate::{output, Ctx};

#[derive(Args)]
pub struct HistoryArgs {
    /// Only uploads to this site (ID or dashboard URL)
    #[arg(long, value_name = "ID|DASHBOARD_URL")]
    pub site: Option<String>,

    /// Only uploads whose file name, local path, folder or URL contain every word of TEXT
    /// (case and accents ignored: "cafe" finds "Café")
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,

    /// At most N entries (default 50)
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,
}

/// One upload as `history --json` prints it.
#[derive(Serialize)]
pub struct UploadView {
    pub path: String,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    pub profile: String,
    pub site_id: String,
    /// The destination as chosen, e.g. `media-root/holiday/day1`.
    pub folder: String,
    pub file_id: String,
    pub url: Option<String>,
    pub mime_type: Option<String>,
    /// RFC 3339, UTC.
    pub uploaded_at: String,
}

impl UploadView {
    fn of(h: HistoryEntry) -> UploadView {
        UploadView {
            path: h.path,
            file_name: h.file_name,
            size: h.size,
            sha256: h.sha256,
            profile: h.profile,
            site_id: h.site_id,
            folder: h.folder,
            file_id: h.file_id,
            url: h.url,
            mime_type: h.mime_type,
            uploaded_at: h.uploaded_at,
        }
    }
}

pub fn run(ctx: &Ctx, args: HistoryArgs) -> Exit {
    history(ctx, args).unwrap_or_else(Exit::from)
}

fn history(ctx: &Ctx, args: HistoryArgs) -> Result<Exit, CliError> {
    let site_id = args.site.as_deref().map(check_site_ref).transpose()?;
    let paths = session::paths()?;
    // No database yet: nothing was uploaded; do not create one just to say so.
    let page = if paths.database_file().exists() {
        Some(
            session::open_journal(&paths)?
                .history_page(&HistoryQuery {
                    site_id,
                    search: args.search.clone(),
                    limit: Some(args.limit),
                    ..Default::default()
                })
                .map_err(|e| CliError::failed("journal", e.to_string()))?,
        )
    } else {
        None
    };
    let total = page.as_ref().map_or(0, |p| p.total);
    let entries: Vec<HistoryEntry> = page.map(|p| p.entries).unwrap_or_default();
    let views: Vec<UploadView> = entries.into_iter().map(UploadView::of).collect();
    if ctx.json {
        output::json(&json!({ "uploads": views, "total": total }));
    } else if views.is_empty() {
        println!(
            "No uploads{}.",
            if args.search.is_some() || args.site.is_some() {
                " match"
            } else {
                " yet"
            }
        );
    } else {
        let mut t = Table::new(&[
            "UPLOADED", "SIZE", "PATH", "SITE", "FOLDER", "FILE ID", "URL",
        ]);
        for v in &views {
            t.row(
                vec![
                    v.uploaded_at
                        .get(..16)
                        .unwrap_or(&v.uploaded_at)
                        .replace('T', " "),
                    human_bytes(v.size),
                    v.path.clone(),
                    v.site_id.clone(),
                    v.folder.clone(),
                    v.file_id.clone(),
                    v.url.clone().unwrap_or_else(|| "-".into()),
                ],
                None,
            );
        }
        print!("{}", t.render(""));
        if total > views.len() as u64 {
            println!(
                "{} of {total} uploads shown, newest first; --limit N shows more.",
                views.len()
            );
        }
    }
    Ok(Exit::Success)
}
