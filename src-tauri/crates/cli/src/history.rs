//! `wixdrop history`: finished uploads from the journal, newest first. Local only: it says
//! what this computer uploaded (CLI and desktop app alike), not what the Media Manager holds.

use clap::Args;
use serde::Serialize;
use serde_json::json;
use wixdrop_core::export;
use wixdrop_core::upload::journal::{ExportQuery, ExportRow};
use wixdrop_core::upload::mime::human_bytes;

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

    /// Only uploads on or after DATE (YYYY-MM-DD, UTC, or an RFC 3339 time)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// At most N entries, newest first (default: 50 in the table, all with --json or --csv)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,

    /// Print the uploads as CSV (local path, display name, site, folder, file ID, static URL,
    /// wix: URI, width, height, bytes sent, original bytes, SHA-256, location, time, private),
    /// oldest first
    #[arg(long)]
    pub csv: bool,
}

/// One upload as `history --json` prints it: the journal's names for a few fields (`path`,
/// `file_name`, `size`, `url`, with `profile` and `mime_type`) beside the export's record (the
/// same names as the CSV's columns, see [`export::Record`]).
#[derive(Serialize)]
pub struct UploadView {
    pub path: String,
    pub file_name: String,
    /// Bytes of the original file.
    pub size: u64,
    pub profile: String,
    /// The static URL; a private file's answers 403 (`wixdrop files link FILE_ID` shares it).
    pub url: Option<String>,
    pub mime_type: Option<String>,
    #[serde(flatten)]
    pub record: export::Record,
}

impl UploadView {
    fn of(r: ExportRow) -> UploadView {
        let (profile, mime_type) = (r.profile.clone(), r.mime_type.clone());
        let record = export::Record::from(r);
        UploadView {
            path: record.local_path.clone(),
            file_name: record.display_name.clone(),
            size: record.original_bytes,
            profile,
            url: record.static_url.clone(),
            mime_type,
            record,
        }
    }
}

/// `YYYY-MM-DD` (UTC midnight) or RFC 3339 → unix ms.
fn parse_since(s: &str) -> Result<i64, CliError> {
    use time::format_description::well_known::Rfc3339;
    let t = s.trim();
    let parsed = time::OffsetDateTime::parse(t, &Rfc3339).ok().or_else(|| {
        let mut parts = t.splitn(3, '-').map(|p| p.parse::<i32>().ok());
        let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
        let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
        time::Date::from_calendar_date(y, month, u8::try_from(d).ok()?)
            .ok()
            .map(|d| d.midnight().assume_utc())
    });
    parsed
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .ok_or_else(|| {
            CliError::usage(
                "invalid_date",
                format!(
                    "--since {s}: give a date as YYYY-MM-DD (e.g. 2026-11-30) or an RFC 3339 time."
                ),
            )
        })
}

pub fn run(ctx: &Ctx, args: HistoryArgs) -> Exit {
    history(ctx, args).unwrap_or_else(Exit::from)
}

fn history(ctx: &Ctx, args: HistoryArgs) -> Result<Exit, CliError> {
    let site_id = args.site.as_deref().map(check_site_ref).transpose()?;
    let since_ms = args.since.as_deref().map(parse_since).transpose()?;
    let paths = session::paths()?;
    // No database yet: nothing was uploaded; do not create one just to say so.
    let mut rows: Vec<ExportRow> = if paths.database_file().exists() {
        session::open_journal(&paths)?
            .export_rows(&ExportQuery {
                site_id,
                search: args.search.clone(),
                since_ms,
                job_ids: None,
            })
            .map_err(|e| CliError::failed("journal", e.to_string()))?
    } else {
        Vec::new()
    };
    let total = rows.len() as u64;
    if args.csv {
        if let Some(n) = args.limit {
            let skip = rows.len().saturating_sub(n as usize);
            rows.drain(..skip);
        }
        let records: Vec<export::Record> = rows.into_iter().map(export::Record::from).collect();
        print!("{}", export::render(&records, export::Format::Csv));
        return Ok(Exit::Success);
    }
    rows.reverse(); // newest first
    let limit = args.limit.or((!ctx.json).then_some(50));
    if let Some(n) = limit {
        rows.truncate(n as usize);
    }
    let views: Vec<UploadView> = rows.into_iter().map(UploadView::of).collect();
    if ctx.json {
        output::json(&json!({ "uploads": views, "total": total }));
    } else if views.is_empty() {
        println!(
            "No uploads{}.",
            if args.search.is_some() || args.site.is_some() || args.since.is_some() {
                " match"
            } else {
                " yet"
            }
        );
    } else {
        let mut t = Table::new(&[
            "UPLOADED", "SIZE", "SENT", "PATH", "SITE", "FOLDER", "FILE ID", "URL",
        ]);
        for v in &views {
            t.row(
                vec![
                    v.record
                        .uploaded_at
                        .get(..16)
                        .unwrap_or(&v.record.uploaded_at)
                        .replace('T', " "),
                    human_bytes(v.size),
                    human_bytes(v.record.bytes_sent),
                    v.path.clone(),
                    v.record.site_id.clone(),
                    v.record.folder.clone(),
                    v.record.file_id.clone(),
                    if v.record.private {
                        "private (wixdrop files link)".into()
                    } else {
                        v.url.clone().unwrap_or_else(|| "-".into())
                    },
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
