//! `wixdrop key …`: Wix API keys, saved as named profiles whose key lives only in the OS
//! keychain.
//!
//! A key is read from stdin only (never an argument: arguments end up in shell history and
//! the process list). `inspect` is offline; `add`, `verify` and `replace` ask Wix through the
//! shared core (`wixdrop_core::keys`), so the CLI and the desktop app store the same outcome.

mod check;
mod inspect;
mod manage;

pub use manage::check_site_ref;

use clap::{Args, Subcommand};

use crate::exit::{Exit, EXIT_CODES_HELP};
use crate::Ctx;

#[derive(Subcommand)]
pub enum KeyCmd {
    /// Say what a pasted credential is and whether it is a usable Wix API key (offline)
    ///
    /// --json prints the report: kind, usable, account_id, key_id, issued_at, expires_at,
    /// expired, site_id, cleaned, problems, message, …
    #[command(after_help = EXIT_CODES_HELP)]
    Inspect(inspect::InspectArgs),

    /// Save a key (read from stdin) as a profile, then verify it with Wix
    ///
    /// The key goes to the OS keychain; the profile (name, account, sites, fingerprint) to
    /// WIXDROP_HOME. Wix is then asked whether the key works and which sites it sees. A failed
    /// verification keeps the profile and exits 1: fix the key in Wix and run `key verify`.
    /// --json: {"profile": {…}, "verification": {…} | null}
    #[command(after_help = EXIT_CODES_HELP)]
    Add(manage::AddArgs),

    /// List saved profiles (offline)
    ///
    /// Name, account, key fingerprint (never the key), number of sites, default site, last
    /// check. --json: {"profiles": [{…}], "env_key": bool}
    #[command(after_help = EXIT_CODES_HELP)]
    List,

    /// Check a key with Wix now; remember the outcome and the sites
    ///
    /// Without NAME: WIX_API_KEY if set, else the only profile.
    /// --json: {"profile": {…} | null, "account_id": "…", "verification": {…}}
    #[command(after_help = EXIT_CODES_HELP)]
    Verify(check::VerifyArgs),

    /// Rename a profile
    ///
    /// The key stays where it is in the keychain. --json: {"profile": {…}}
    #[command(after_help = EXIT_CODES_HELP)]
    Rename(manage::RenameArgs),

    /// Rotate a profile's key (the new key on stdin), verified before the old one goes
    ///
    /// The new key is verified with Wix (Query Sites with the profile's account, then media
    /// access on the default site) before the old one is forgotten; if Wix refuses it, the old
    /// key stays and this exits 1. A key of another account is refused (exit 2).
    /// --json: {"profile": {…}, "replaced": bool, "verification": {…}}
    #[command(after_help = EXIT_CODES_HELP)]
    Replace(NameArg),

    /// Delete a profile and its key from the keychain
    ///
    /// Asks first on a terminal; --yes is required otherwise. --json: {"removed": "NAME"}
    #[command(after_help = EXIT_CODES_HELP)]
    Rm(manage::RmArgs),
}

#[derive(Args)]
pub struct NameArg {
    /// The profile's name
    pub name: String,
}

pub fn run(ctx: &Ctx, cmd: KeyCmd) -> Exit {
    let result = match cmd {
        KeyCmd::Inspect(args) => inspect::run(ctx, args).map_err(Into::into),
        KeyCmd::Add(args) => manage::add(ctx, args),
        KeyCmd::List => manage::list(ctx),
        KeyCmd::Verify(args) => check::verify(ctx, args),
        KeyCmd::Rename(args) => manage::rename(ctx, args),
        KeyCmd::Replace(args) => check::replace(ctx, args),
        KeyCmd::Rm(args) => manage::rm(ctx, args),
    };
    result.unwrap_or_else(Exit::from)
}
