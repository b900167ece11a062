//! `wixdrop sites`: the sites a key can reach, fresh from Wix, with the default marked.

use clap::Args;
use serde_json::json;
use wixdrop_core::keys::{check_profile, status_code};
use wixdrop_core::verify::{diagnose_sites_error, Verification, VerifyStatus};
use wixdrop_core::wix::sites::query_sites;

use crate::exit::{CliError, Exit};
use crate::key::check_site_ref;
use crate::profile::{open_vault, resolve_in, ENV_SITE};
use crate::view::{self, SiteView};
use crate::{net, output, Ctx};

#[derive(Args)]
pub struct SitesArgs {
    /// The profile; without it, WIX_API_KEY if set, else the only saved profile
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Make this site (an ID or its dashboard URL) the profile's default site
    #[arg(long, value_name = "ID|DASHBOARD_URL")]
    pub set_default: Option<String>,
}

pub fn run(ctx: &Ctx, args: SitesArgs) -> Exit {
    sites(ctx, args).unwrap_or_else(Exit::from)
}

fn sites(ctx: &Ctx, args: SitesArgs) -> Result<Exit, CliError> {
    let chosen = args
        .set_default
        .as_deref()
        .map(check_site_ref)
        .transpose()?;
    let client = net::client(ctx)?;
    let vault = open_vault()?;
    let r = resolve_in(&vault, args.profile.as_deref(), &|n| std::env::var(n).ok())?;
    if chosen.is_some() && r.name.is_none() {
        return Err(CliError::usage(
            "no_profile",
            format!("--set-default needs a saved profile; with WIX_API_KEY, set {ENV_SITE} to choose the site."),
        ));
    }

    let (list, default) = match net::block_on(query_sites(&client, &r.key, &r.account_id))? {
        Ok(list) => match &r.name {
            Some(name) => {
                if let Some(c) = &chosen {
                    if !list.iter().any(|s| s.id.eq_ignore_ascii_case(c)) {
                        return Err(CliError::usage("unknown_site", format!("Site {c} is not among the {} sites this key can reach; pick one of `wixdrop sites`.", list.len())));
                    }
                }
                let p = vault.update(name, |p| {
                    let keep = p
                        .default_site
                        .clone()
                        .filter(|d| list.iter().any(|s| &s.id == d));
                    p.default_site = chosen
                        .clone()
                        .or(keep)
                        .or_else(|| (list.len() == 1).then(|| list[0].id.clone()));
                    p.sites = list.clone();
                })?;
                (p.sites, p.default_site)
            }
            None => (list, r.site_id.clone()),
        },
        Err(e) => {
            let v = diagnose_sites_error(&e, &r.key, &r.account_id);
            // A key that may not list sites can still be pointed at one it may upload to.
            match (&r.name, &chosen, v.status) {
                (Some(name), Some(site), VerifyStatus::AccountOrSitesPermission) => {
                    let (p, v) = net::block_on(check_profile(&vault, &client, name, Some(site)))??;
                    if !v.ok {
                        return Err(failure(&v));
                    }
                    (p.sites, p.default_site)
                }
                _ => return Err(failure(&v)),
            }
        }
    };

    let views: Vec<SiteView> = view::sites(&list, default.as_deref());
    if ctx.json {
        output::json(
            &json!({ "profile": r.name, "account_id": r.account_id, "default_site": default, "sites": views }),
        );
    } else if views.is_empty() {
        println!("This account has no sites yet (account {}).", r.account_id);
    } else {
        match &r.name {
            Some(n) => println!("Sites of \"{n}\" (account {}), * = default:", r.account_id),
            None => println!(
                "Sites of account {} (key from WIX_API_KEY), * = default:",
                r.account_id
            ),
        }
        print!("{}", view::sites_table(&views, "  "));
        if default.is_none() {
            println!("No default site: choose one with --set-default ID.");
        }
    }
    Ok(Exit::Success)
}

/// A failed check as an error: the diagnosis status is the kind.
fn failure(v: &Verification) -> CliError {
    let mut message = format!("{} {}", v.summary, v.fix);
    if let Some(d) = &v.detail {
        message.push_str(&format!(" ({}: {d})", net::detail_label(v)));
    }
    CliError::failed(status_code(v.status), message)
}
