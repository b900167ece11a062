//! `wixdrop` — headless Wixdrop over the same core as the desktop app.
//!
//! One module per area (`key`, `sites`, `upload` (+ `resume`), `watch`, `history`, `library`
//! (`files`, `folders`, `import`)), each exposing a
//! clap `Subcommand` enum or `Args` and a `run` that returns an [`Exit`]. `main` only parses
//! and dispatches, so adding an area is one enum variant and one match arm. Shared pieces:
//! `profile` (which key a command uses), `exit` (codes and error kinds), `view` (JSON shapes
//! and their human form), `output`, `input` (secrets from stdin), `net`.

mod exit;
mod history;
mod input;
mod key;
mod library;
mod net;
mod output;
mod profile;
mod sites;
mod target;
mod upload;
mod view;
mod watch;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

use wixdrop_core::secret::redact_tokens;

use crate::exit::{CliError, EXIT_CODES_HELP};

#[derive(Parser)]
#[command(
    name = "wixdrop",
    version,
    about = "Upload media to Wix sites; manage Wix API keys",
    long_about = "Upload media to Wix sites; manage Wix API keys.\n\n\
        Keys are saved as named profiles; the key itself lives only in the OS keychain. \
        For automation without a keychain, set WIX_API_KEY (and optionally WIX_ACCOUNT_ID, \
        WIX_SITE_ID): commands without a profile name then use it.",
    after_help = EXIT_CODES_HELP
)]
struct Cli {
    /// Print the result as JSON on stdout (errors as {"error": {"kind", "message"}})
    #[arg(long, global = true)]
    json: bool,

    /// Do not retry when Wix is rate limiting, failing (5xx) or unreachable
    #[arg(long, global = true)]
    no_retry: bool,

    #[command(subcommand)]
    cmd: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Wix API keys: inspect, add, list, verify, rename, replace, rm
    #[command(subcommand)]
    Key(key::KeyCmd),

    /// List the sites a key can reach (fresh from Wix); mark or set the default site
    ///
    /// Without --profile: WIX_API_KEY if set, else the only saved profile. --json: {"profile": "NAME" | null, "account_id", "default_site", "sites": [{"id",
    /// "display_name", "url", "namespace", "headless", "default"}]}; headless sites are marked
    #[command(after_help = EXIT_CODES_HELP)]
    Sites(sites::SitesArgs),

    /// Upload files and folders to a site's Media Manager
    ///
    /// Folders are mirrored as Media Manager folders. Every run first finishes uploads an
    /// earlier run left unfinished (interrupted, killed), resumable ones from where they
    /// stopped. Files already uploaded to the same site and folder are skipped (--anyway sends
    /// them again). --json: one object per file as it ends: {"path", "status": "uploaded" |
    /// "skipped_duplicate" | "failed", "file_id", "url", "bytes", "error", "warning",
    /// "original_bytes", "location", "private"}. --private makes private files (only a
    /// temporary link, `files link`, opens them; this cannot be changed after upload). Photos lose their GPS location on the way (the original
    /// is never changed; --keep-location keeps it); --optimize makes them web-ready;
    /// --dry-run prints the pre-flight check and sends nothing. Exit 0
    /// when nothing failed, 1 when a file failed or on Ctrl-C (unfinished uploads are kept for
    /// the next run), 2 on bad usage.
    #[command(after_help = EXIT_CODES_HELP)]
    Upload(upload::UploadArgs),

    /// Write the copies an upload would send (location removed, web-ready) to a folder
    ///
    /// Nothing is uploaded and the originals are never changed. Prints each file's size before
    /// and after, and the time taken (files are prepared in parallel, one per core).
    Prepare(upload::photos::PrepareArgs),

    /// Finish the uploads an earlier run left unfinished (interrupted, killed, closed app)
    ///
    /// --json: the same per-file objects as `upload`.
    #[command(after_help = EXIT_CODES_HELP)]
    Resume(upload::ResumeArgs),

    /// Finished uploads from this computer, newest first
    ///
    /// --json: {"uploads": [{"path", "file_name", "size", "sha256", "profile", "site_id",
    /// "folder", "file_id", "url", "mime_type", "uploaded_at"}]}
    #[command(after_help = EXIT_CODES_HELP)]
    History(history::HistoryArgs),

    /// Upload new and changed files of a folder once they settle (foreground; Ctrl-C stops)
    ///
    /// Without DIR: runs every saved watch. --save stores the watch; --list shows saved
    /// watches ({"watches": [{"id", "dir", "profile", "site_id", "folder_id", "folder_path",
    /// "settle_ms"}]}), --stop DIR removes one. While watching, --json prints the same
    /// per-file objects as `upload`.
    #[command(after_help = EXIT_CODES_HELP)]
    Watch(watch::WatchArgs),

    /// The files of a site's Media Manager: ls, search, info, rename, mv, label, rm, restore,
    /// link, copy
    #[command(subcommand)]
    Files(library::files::FilesCmd),

    /// The folders of a site's Media Manager: ls, mk, rename, rm
    #[command(subcommand)]
    Folders(library::folders::FoldersCmd),

    /// Import files from public URLs into a site (Wix fetches them; nothing is downloaded here)
    ///
    /// --json: {"results": [{"url", "ok", "stage", "file": FILE | null, "error"}]}. Exit 0 when
    /// every URL was imported, 1 when one failed (each failure says why), 2 on bad usage.
    #[command(after_help = EXIT_CODES_HELP)]
    Import(library::import::ImportArgs),
}

/// Rust ignores SIGPIPE, so `println!` to a closed pipe (`wixdrop sites | head`) panicked with
/// a backtrace. Back to the Unix default: the program ends quietly when its reader has gone,
/// as `ls` or `grep` do. (Journaled uploads resume at the next run, as after any stop.)
fn quiet_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Options every command sees.
pub struct Ctx {
    pub json: bool,
    pub no_retry: bool,
}

fn main() -> ExitCode {
    quiet_broken_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let ctx = Ctx {
        json: cli.json,
        no_retry: cli.no_retry,
    };
    let exit = match cli.cmd {
        Command::Key(cmd) => key::run(&ctx, cmd),
        Command::Sites(args) => sites::run(&ctx, args),
        Command::Upload(args) => upload::run(&ctx, args),
        Command::Prepare(args) => upload::photos::run_prepare(&ctx, args),
        Command::Resume(args) => upload::run_resume(&ctx, args),
        Command::History(args) => history::run(&ctx, args),
        Command::Watch(args) => watch::run(&ctx, args),
        Command::Files(cmd) => library::files::run_cmd(&ctx, cmd),
        Command::Folders(cmd) => library::folders::run_cmd(&ctx, cmd),
        Command::Import(args) => library::import::run_cmd(&ctx, args),
    };
    exit.report(ctx.json)
}

/// Clap's own message on stderr (exit 2); with `--json` somewhere on the line, the JSON error
/// object on stdout too. Help and version are not errors. Clap echoes the offending argument,
/// so the text is redacted first: a key typed as an argument by mistake is not printed back.
fn usage_error(e: clap::Error) -> ExitCode {
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        e.exit();
    }
    let text = redact_tokens(&e.render().to_string());
    eprint!("{text}");
    if std::env::args_os().any(|a| a == "--json") {
        let first = text.lines().next().unwrap_or("invalid usage");
        let message = first.strip_prefix("error: ").unwrap_or(first);
        println!(
            "{}",
            CliError::usage("usage", format!("{message} (see --help)")).to_json()
        );
    }
    ExitCode::from(2)
}
