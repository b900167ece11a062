//! `key add`, `key list`, `key rename`, `key rm`: the profile store itself.

use std::io::{BufRead, IsTerminal};

use clap::Args;
use serde_json::json;
use wixdrop_core::keys::check_profile;
use wixdrop_core::secret::redact_tokens;
use wixdrop_core::wix::sites::parse_site_ref;

use crate::exit::{CliError, Exit};
use crate::output::{self, Table};
use crate::profile::{open_vault, ENV_KEY};
use crate::view::{self, ProfileView};
use crate::{input, net, Ctx};

#[derive(Args)]
pub struct AddArgs {
    /// A name for the profile (1–64 characters), e.g. the client or the site
    pub name: String,

    /// The Wix account ID, when the one read from the key is not the right one
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,

    /// Check media access on this site (an ID or the site's dashboard URL); when it works it
    /// becomes the default site. Needed for keys without the Read Site Data permission.
    #[arg(long, value_name = "ID|DASHBOARD_URL", conflicts_with = "no_verify")]
    pub site: Option<String>,

    /// Save without asking Wix (offline); run `wixdrop key verify NAME` later
    #[arg(long)]
    pub no_verify: bool,
}

pub fn add(ctx: &Ctx, args: AddArgs) -> Result<Exit, CliError> {
    let secret = input::read_secret(None, "key")?;
    // Everything that can be wrong with the input is checked before anything is saved.
    if let Some(s) = &args.site {
        check_site_ref(s)?;
    }
    let client = if args.no_verify {
        None
    } else {
        Some(net::client(ctx)?)
    };
    let vault = open_vault()?;
    // Where the key sat in the pasted text (an env line, JSON, a curl command…), said back so
    // nobody wonders which part of a whole .env file was saved.
    let found = found_lines(&wixdrop_core::credential::inspect(
        secret.expose(),
        time::OffsetDateTime::now_utc(),
    ));
    let saved = vault.add(&args.name, secret.expose(), args.account_id.as_deref())?;
    drop(secret);
    if !ctx.json {
        print!("{found}");
    }

    let Some(client) = client else {
        if ctx.json {
            output::json(&json!({ "profile": ProfileView::of(&saved), "verification": null }));
        } else {
            print!("{}", view::profile_text("Saved profile", &saved));
            println!("Not verified yet: run `wixdrop key verify {}`.", saved.name);
        }
        return Ok(Exit::Success);
    };

    let (profile, v) = net::block_on(check_profile(
        &vault,
        &client,
        &saved.name,
        args.site.as_deref(),
    ))??;
    if ctx.json {
        output::json(&json!({ "profile": ProfileView::of(&profile), "verification": v }));
    } else {
        print!(
            "{}\n{}",
            view::profile_text("Saved profile", &profile),
            view::verification_text(&v)
        );
        if !profile.sites.is_empty() {
            println!("\nSites (* = default):");
            print!(
                "{}",
                view::sites_table(
                    &view::sites(&profile.sites, profile.default_site.as_deref()),
                    "  "
                )
            );
        }
        if !v.ok {
            println!(
                "\nThe profile is saved, but its key does not work yet. Fix it in Wix and run `wixdrop key verify {0}`, or give it a new key with `wixdrop key replace {0}`.",
                profile.name
            );
        }
    }
    Ok(if v.ok { Exit::Success } else { Exit::No })
}

/// "Key taken from an env line (WIX_API_KEY)." and the other credentials found beside it, by
/// kind and place only; empty for a plain paste.
pub(super) fn found_lines(r: &wixdrop_core::credential::CredentialReport) -> String {
    let mut out = String::new();
    if let Some(note) = &r.found_note {
        out.push_str(&format!("Key {note}.\n"));
    }
    for o in &r.others {
        out.push_str(&format!("Also found, not saved: {}.\n", o.note));
    }
    out
}

pub fn list(ctx: &Ctx) -> Result<Exit, CliError> {
    let profiles = open_vault()?.list();
    let env_key = std::env::var(ENV_KEY).is_ok_and(|v| !v.trim().is_empty());
    if ctx.json {
        let views: Vec<ProfileView> = profiles.iter().map(ProfileView::of).collect();
        output::json(&json!({ "profiles": views, "env_key": env_key }));
        return Ok(Exit::Success);
    }
    if profiles.is_empty() {
        println!("No profiles yet. Save a key with: wixdrop key add NAME < key.txt");
    } else {
        let mut t = Table::new(&[
            "NAME",
            "ACCOUNT",
            "KEY",
            "SITES",
            "DEFAULT SITE",
            "LAST CHECK",
        ])
        .status_column(5);
        for p in &profiles {
            t.row(
                vec![
                    p.name.clone(),
                    p.account_id.clone(),
                    p.fingerprint.clone(),
                    p.sites.len().to_string(),
                    view::default_site_label(p),
                    view::last_check_label(&p.last_check),
                ],
                p.last_check.as_ref().map(|c| c.ok),
            );
        }
        print!("{}", t.render(""));
    }
    if env_key {
        println!("{ENV_KEY} is set: commands without a profile name use it.");
    }
    Ok(Exit::Success)
}

#[derive(Args)]
pub struct RenameArgs {
    /// The profile's current name
    pub old: String,
    /// Its new name
    pub new: String,
}

pub fn rename(ctx: &Ctx, args: RenameArgs) -> Result<Exit, CliError> {
    let p = open_vault()?.rename(&args.old, &args.new)?;
    if ctx.json {
        output::json(&json!({ "profile": ProfileView::of(&p) }));
    } else {
        println!("Renamed \"{}\" to \"{}\".", args.old, p.name);
    }
    Ok(Exit::Success)
}

#[derive(Args)]
pub struct RmArgs {
    /// The profile to delete
    pub name: String,
    /// Do not ask (required when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

pub fn rm(ctx: &Ctx, args: RmArgs) -> Result<Exit, CliError> {
    let vault = open_vault()?;
    let p = vault.get(&args.name)?;
    if !args.yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(CliError::usage(
                "confirmation_required",
                format!("Not deleting \"{}\" without confirmation: add --yes when running from a script.", p.name),
            ));
        }
        eprint!(
            "Delete profile \"{}\" ({}) and its key from the keychain? [y/N] ",
            p.name, p.fingerprint
        );
        let mut answer = String::new();
        let _ = stdin.lock().read_line(&mut answer);
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Err(CliError::failed("cancelled", "Nothing was deleted."));
        }
    }
    vault.delete(&p.name)?;
    if ctx.json {
        output::json(&json!({ "removed": p.name }));
    } else {
        println!("Deleted \"{}\" and its key.", p.name);
    }
    Ok(Exit::Success)
}

/// A site ID or dashboard URL, or a usage error naming what was typed (it is not a secret).
pub fn check_site_ref(text: &str) -> Result<String, CliError> {
    parse_site_ref(text).ok_or_else(|| {
        CliError::usage(
            "invalid_site",
            format!(
                "\"{}\" is not a site ID: paste the site's ID or its dashboard URL (…/dashboard/<site id>/…).",
                redact_tokens(&text.chars().take(80).collect::<String>())
            ),
        )
    })
}
