//! `key verify` and `key replace`: the commands that ask Wix whether a key works.

use clap::Args;
use serde_json::json;
use wixdrop_core::keys::{check_profile, rotate};
use wixdrop_core::verify::verify as verify_key;

use super::manage::{check_site_ref, found_lines};
use super::NameArg;
use crate::exit::{CliError, Exit};
use crate::profile::{open_vault, resolve_in};
use crate::view::{self, ProfileView};
use crate::{input, net, output, Ctx};

#[derive(Args)]
pub struct VerifyArgs {
    /// The profile; without it, WIX_API_KEY (+ WIX_ACCOUNT_ID, WIX_SITE_ID) if set, else the
    /// only saved profile
    pub name: Option<String>,

    /// Check media access on this site (an ID or the site's dashboard URL) instead of the
    /// default site; for a saved profile it becomes the default site when it works
    #[arg(long, value_name = "ID|DASHBOARD_URL")]
    pub site: Option<String>,
}

pub fn verify(ctx: &Ctx, args: VerifyArgs) -> Result<Exit, CliError> {
    let site = args.site.as_deref().map(check_site_ref).transpose()?;
    let client = net::client(ctx)?;
    let vault = open_vault()?;
    let resolved = resolve_in(&vault, args.name.as_deref(), &|n| std::env::var(n).ok())?;
    let (profile, v) = match &resolved.name {
        Some(name) => {
            let (p, v) = net::block_on(check_profile(&vault, &client, name, site.as_deref()))??;
            (Some(p), v)
        }
        None => {
            let site = site.or(resolved.site_id.clone());
            (
                None,
                net::block_on(verify_key(
                    &client,
                    &resolved.key,
                    &resolved.account_id,
                    site.as_deref(),
                ))?,
            )
        }
    };
    if ctx.json {
        output::json(&json!({
            "profile": profile.as_ref().map(ProfileView::of),
            "account_id": resolved.account_id,
            "verification": v,
        }));
    } else {
        match &profile {
            Some(p) => println!("{}", view::profile_text("Profile", p)),
            None => println!(
                "Key from WIX_API_KEY ({}), account {}\n",
                wixdrop_core::credential::fingerprint(resolved.key.expose()),
                resolved.account_id
            ),
        }
        print!("{}", view::verification_text(&v));
        let default = profile
            .as_ref()
            .and_then(|p| p.default_site.clone())
            .or(resolved.site_id.clone());
        if let Some(sites) = v
            .sites
            .as_ref()
            .or(profile.as_ref().map(|p| &p.sites))
            .filter(|s| !s.is_empty())
        {
            println!("\nSites (* = default):");
            print!(
                "{}",
                view::sites_table(&view::sites(sites, default.as_deref()), "  ")
            );
        }
    }
    Ok(if v.ok { Exit::Success } else { Exit::No })
}

pub fn replace(ctx: &Ctx, args: NameArg) -> Result<Exit, CliError> {
    let vault = open_vault()?;
    let before = vault.get(&args.name)?;
    let secret = input::read_secret(None, "new key")?;
    let found = found_lines(&wixdrop_core::credential::inspect(
        secret.expose(),
        time::OffsetDateTime::now_utc(),
    ));
    let client = net::client(ctx)?;
    let (profile, v, replaced) =
        net::block_on(rotate(&vault, &client, &before.name, secret.expose()))??;
    drop(secret);
    if ctx.json {
        output::json(
            &json!({ "profile": ProfileView::of(&profile), "replaced": replaced, "verification": v }),
        );
    } else {
        print!("{found}");
        if replaced {
            println!(
                "Replaced the key of \"{}\": {} → {} (the old key is gone from the keychain).",
                profile.name, before.fingerprint, profile.fingerprint
            );
        } else {
            println!(
                "The new key was NOT saved: Wix refused it, so \"{}\" keeps its old key ({}).",
                profile.name, profile.fingerprint
            );
        }
        print!("{}", view::verification_text(&v));
    }
    Ok(if replaced { Exit::Success } else { Exit::No })
}
