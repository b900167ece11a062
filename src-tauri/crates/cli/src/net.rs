//! Talking to Wix from a synchronous CLI: one client per run, one small runtime per call, and
//! how a failed check's details are labelled.
//!
//! The diagnosis itself (summary and fix) comes from the core, word for word what the app
//! shows; the CLI only decides the label of the technical details, and it says "Wix said" only
//! when Wix said it: a network failure (no connection, an untrusted certificate, a proxy's
//! 407) has "details" instead, because Wix never answered.

use std::future::Future;

use wixdrop_core::retry::RetryPolicy;
use wixdrop_core::verify::Verification;
use wixdrop_core::wix::WixClient;

use crate::exit::CliError;
use crate::Ctx;

/// Real Wix, or `WIXDROP_API_BASE`; `--no-retry` turns off the retries of 429/5xx/connection
/// failures (useful in scripts that run their own retry loop).
pub fn client(ctx: &Ctx) -> Result<WixClient, CliError> {
    let client = WixClient::from_env()?;
    Ok(if ctx.no_retry {
        client.with_retry(RetryPolicy::none())
    } else {
        client
    })
}

/// Run one async core operation to completion.
pub fn block_on<F: Future>(f: F) -> Result<F::Output, CliError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failed("io", format!("could not start the network runtime: {e}")))?;
    Ok(rt.block_on(f))
}

/// The label for Wix's own words.
pub const WIX_SAID: &str = "Wix said";
/// The label for a failure's technical cause when Wix said nothing.
pub const DETAILS: &str = "details";

/// How `v.detail` is introduced: [`WIX_SAID`] only when it is Wix's answer.
pub fn detail_label(v: &Verification) -> &'static str {
    if v.detail_from_wix {
        WIX_SAID
    } else {
        DETAILS
    }
}
