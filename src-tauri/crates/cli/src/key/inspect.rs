//! `wixdrop key inspect`: offline, stores nothing; prints the same report the desktop badge
//! shows.

use clap::Args;
use time::OffsetDateTime;
use wixdrop_core::credential::{self, CredentialReport, Kind, Problem};

use crate::exit::{Exit, UsageError};
use crate::input;
use crate::output::wrap;
use crate::Ctx;

#[derive(Args)]
pub struct InspectArgs {
    /// The key, or `-` for stdin. Reads stdin when absent, which is safer: a key typed as an
    /// argument ends up in your shell history.
    #[arg(value_name = "KEY")]
    key: Option<String>,
}

pub fn run(ctx: &Ctx, args: InspectArgs) -> Result<Exit, UsageError> {
    let secret = input::read_secret(args.key.as_deref(), "key")?;
    // The key taken out of the text (a whole .env file, JSON, a curl command…) is the one the
    // fingerprint is of: the same key `key add` would save.
    let credential::Analysis { report, value } =
        credential::analyse(secret.expose(), OffsetDateTime::now_utc());
    drop(secret);
    if ctx.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| UsageError(format!("could not encode the report: {e}")))?;
        println!("{json}");
    } else {
        let fingerprint = (report.kind == Kind::WixApiKey && !value.value.is_empty())
            .then(|| credential::fingerprint(&value.value));
        print!("{}", human(&report, fingerprint.as_deref()));
    }
    Ok(if report.usable {
        Exit::Success
    } else {
        Exit::No
    })
}

/// The short human summary: headline and verdict, the facts that are known, then the advice.
fn human(r: &CredentialReport, fingerprint: Option<&str>) -> String {
    let verdict = if r.usable {
        "usable (offline check; Wix confirms on first use)"
    } else if r.kind == Kind::WixApiKey || r.account_id.is_some() {
        "not usable as pasted"
    } else {
        "not an API key"
    };
    let mut out = format!("{} — {verdict}\n", r.headline);
    let date = |s: &str| s.get(..10).unwrap_or(s).to_owned();
    let rows = [
        ("account", r.account_id.clone()),
        ("key id", r.key_id.clone()),
        ("site", r.site_id.clone()),
        ("id", r.guid.clone()),
        ("issued", r.issued_at.as_deref().map(date)),
        (
            "expires",
            r.expires_at.clone().map(|e| match r.expired {
                Some(true) => format!("{e} (expired)"),
                _ => e,
            }),
        ),
        ("fingerprint", fingerprint.map(str::to_owned)),
        ("found", r.found_note.clone()),
    ];
    for (label, value) in rows {
        if let Some(v) = value {
            out.push_str(&format!("  {label:<12}{v}\n"));
        }
    }
    if !r.problems.is_empty() {
        let list: Vec<&str> = r.problems.iter().map(|p| p.label()).collect();
        out.push_str(&format!("  {:<12}{}\n", "problems", list.join("; ")));
    }
    // Everything else in the text, by kind and place (never a value).
    let label = if r.problems.contains(&Problem::SeveralKeys) {
        "found"
    } else {
        "also found"
    };
    for (i, o) in r.others.iter().enumerate() {
        out.push_str(&format!(
            "  {:<12}{}\n",
            if i == 0 { label } else { "" },
            o.note
        ));
    }
    out.push('\n');
    out.push_str(&wrap(&r.message, 88, ""));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_summary_lists_facts_and_problems() {
        let key = credential::synth::api_key(
            &credential::synth::guid(1),
            &credential::synth::guid(2),
            &credential::synth::guid(3),
            1_700_000_000,
        );
        let r = credential::inspect(&format!("Bearer {key}"), OffsetDateTime::now_utc());
        let text = human(&r, Some("IST…00000000"));
        assert!(text.starts_with("Wix API key — usable"), "{text}");
        assert!(
            text.contains(&format!("account     {}", credential::synth::guid(1))),
            "{text}"
        );
        assert!(text.contains("issued      2023-11-14"), "{text}");
        assert!(
            text.contains("problems    \"Bearer\"/\"Authorization:\" prefix removed"),
            "{text}"
        );
        assert!(!text.contains(&key[4..40]));
    }

    #[test]
    fn human_summary_says_where_the_key_was_and_what_else() {
        let key = credential::synth::api_key(
            &credential::synth::guid(1),
            &credential::synth::guid(2),
            &credential::synth::guid(3),
            1_700_000_000,
        );
        let token =
            credential::synth::oauth_access_token(&credential::synth::guid(4), 1_700_000_000);
        let text = format!("WIX_API_KEY={key}\nWIX_TOKEN={token}\n");
        let r = credential::inspect(&text, OffsetDateTime::now_utc());
        let out = human(&r, Some("IST…00000000"));
        assert!(
            out.contains("found       taken from an env line (WIX_API_KEY)"),
            "{out}"
        );
        assert!(
            out.contains("also found  an OAuth access token (in an env line, WIX_TOKEN)"),
            "{out}"
        );
        assert!(!out.contains(&key[40..80]) && !out.contains(&token[40..80]));
    }
}
