//! The site's Media Manager from the command line (issue 12): `files`, `folders` and `import`,
//! over `wixdrop_core::library`. Every command takes `--profile`/`--site` like `upload`, prints
//! `--json` on request, and exits 0 when everything asked for was done, 1 when Wix (or one of
//! the files) said no, 2 for bad usage. In a batch (several files, several URLs) one failure
//! never stops the rest: each gets its own line (or JSON entry) and the exit status is 1.

pub mod files;
pub mod folders;
pub mod import;

use clap::Args;
use serde_json::Value;
use wixdrop_core::library::{LibraryError, LibraryFile, Site};
use wixdrop_core::secret::ApiKey;
use wixdrop_core::wix::WixClient;

use crate::exit::{CliError, Exit};
use crate::target::{resolve_site, SiteTarget};
use crate::{net, output, Ctx};

/// Which key and which site.
#[derive(Args, Debug, Clone, Default)]
pub struct SiteArgs {
    /// The profile; without it, WIX_API_KEY if set, else the only saved profile
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The site (ID or dashboard URL); default: the profile's default site, or WIX_SITE_ID
    #[arg(long, value_name = "ID|DASHBOARD_URL")]
    pub site: Option<String>,
}

/// A resolved key, site and client.
pub struct Conn {
    pub profile: String,
    pub key: ApiKey,
    pub site_id: String,
    pub client: WixClient,
}

impl Conn {
    pub fn site(&self) -> Site<'_> {
        Site {
            client: &self.client,
            key: &self.key,
            site_id: &self.site_id,
        }
    }
}

/// The key and site of `--profile`/`--site` ([`resolve_site`]) and a client.
pub fn connect(ctx: &Ctx, args: &SiteArgs) -> Result<Conn, CliError> {
    connect_to(ctx, args.profile.as_deref(), args.site.as_deref())
}

pub fn connect_to(ctx: &Ctx, profile: Option<&str>, site: Option<&str>) -> Result<Conn, CliError> {
    let SiteTarget {
        profile,
        key,
        site_id,
    } = resolve_site(profile, site)?;
    Ok(Conn {
        profile,
        key,
        site_id,
        client: net::client(ctx)?,
    })
}

/// A Library failure for the exit status: bad input → 2, the rest → 1.
pub fn cli_error(e: LibraryError) -> CliError {
    if e.is_usage() {
        CliError::usage(e.kind(), e.to_string())
    } else {
        CliError::failed(e.kind(), e.to_string())
    }
}

/// Runs one async Library call on a fresh runtime; its error becomes a [`CliError`].
pub fn run<F, T>(f: F) -> Result<T, CliError>
where
    F: std::future::Future<Output = Result<T, LibraryError>>,
{
    net::block_on(f)?.map_err(cli_error)
}

/// The `--json` shape of a file (issue 12): `{id, display_name, url, wix_uri, media_type,
/// size, folder_id, private, status, width, height, labels, created, updated}` plus
/// `thumbnail_url` and `source_url`.
pub fn file_json(f: &LibraryFile) -> Value {
    serde_json::to_value(f).unwrap_or(Value::Null)
}

/// Human size: 1.2 MB.
pub fn human_size(n: Option<u64>) -> String {
    let Some(n) = n else {
        return "—".into();
    };
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < units.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

/// A table of files for people.
pub fn files_table(files: &[LibraryFile]) -> String {
    let mut t =
        output::Table::new(&["NAME", "TYPE", "SIZE", "STATUS", "PRIVATE", "ID"]).status_column(3);
    for f in files {
        let good = match f.status.as_str() {
            "READY" => Some(true),
            "FAILED" => Some(false),
            _ => None,
        };
        t.row(
            vec![
                f.display_name.clone(),
                f.media_type.to_lowercase(),
                human_size(f.size),
                f.status.to_lowercase(),
                if f.private { "yes".into() } else { "".into() },
                f.id.clone(),
            ],
            good,
        );
    }
    t.render("")
}

/// Ends a batch: 0 when all went well, else 1 (each failure was already printed).
pub fn batch_exit(failed: usize) -> Exit {
    if failed == 0 {
        Exit::Success
    } else {
        Exit::No
    }
}

/// `rm --permanent` asks on a terminal; in a script it needs `--yes`. The question names how
/// many files and that trashed files still show on the live site until deleted for good.
pub fn confirm_permanent(what: &str, n: usize, yes: bool) -> Result<bool, CliError> {
    use std::io::{BufRead, IsTerminal, Write};
    if yes {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::usage(
            "confirmation_required",
            format!("Not deleting {n} {what} for good without confirmation: add --yes when running from a script. (Without --permanent they go to the trash and can be restored.)"),
        ));
    }
    eprint!("Delete {n} {what} for good? This cannot be undone, and pages that use them will show them missing. [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = stdin.lock().read_line(&mut answer);
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
