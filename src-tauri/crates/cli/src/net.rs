//! Talking to Wix from a synchronous CLI: one client per run, one small runtime per call.

use std::future::Future;

use wixdrop_core::retry::RetryPolicy;
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
