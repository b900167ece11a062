//! Which key and which site a command acts on (`--profile`, `--site`): one rule for `upload`,
//! `watch`, `files`, `folders` and `import`.

use wixdrop_core::secret::ApiKey;

use crate::exit::CliError;
use crate::key::check_site_ref;
use crate::profile::{resolve, ENV_PROFILE, ENV_SITE};

/// Who acts on which site: the profile's name ([`ENV_PROFILE`] for `WIX_API_KEY`), its key,
/// and the site.
pub struct SiteTarget {
    pub profile: String,
    pub key: ApiKey,
    pub site_id: String,
}

/// The profile rule of [`resolve`] (`profile.rs`), then the site: `site` (an ID or a dashboard URL) > the
/// profile's default (or `WIX_SITE_ID`) > a usage error that says how to choose one.
pub fn resolve_site(profile: Option<&str>, site: Option<&str>) -> Result<SiteTarget, CliError> {
    let chosen = site.map(check_site_ref).transpose()?;
    let r = resolve(profile)?;
    let site_id = match chosen.or(r.site_id) {
        Some(s) => s,
        None => {
            let how = match &r.name {
                Some(n) => format!(
                    "or give \"{n}\" a default with `wixdrop sites --profile {n} --set-default ID`"
                ),
                None => format!("or set {ENV_SITE}"),
            };
            return Err(CliError::usage(
                "no_site",
                format!("No site chosen: pass --site ID (see `wixdrop sites`), {how}."),
            ));
        }
    };
    Ok(SiteTarget {
        profile: r.name.unwrap_or_else(|| ENV_PROFILE.to_string()),
        key: r.key,
        site_id,
    })
}
