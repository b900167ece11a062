//! `wix-emulator`: run the local Wix REST server. Prints one JSON line (base URL, demo account,
//! key, sites) as soon as it listens, so a test harness can read it and go; then serves until
//! killed. Binds 127.0.0.1 only.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use wix_emulator::{Emulator, Options};

#[derive(Parser)]
#[command(
    version,
    about = "A local Wix REST server (Query Sites, Media Manager, tus) with faults on demand"
)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Where uploaded files are stored (default: a temp dir removed on exit).
    #[arg(long)]
    storage_dir: Option<PathBuf>,
    /// How long video and audio stay PENDING, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    processing_delay_ms: u64,
    /// Deterministic IDs and key from this seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Number of demo sites.
    #[arg(long, default_value_t = 3)]
    sites: usize,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let opts = Options {
        port: args.port,
        storage_dir: args.storage_dir,
        processing_delay: Duration::from_millis(args.processing_delay_ms),
        seed: args.seed,
    };
    let emulator = Emulator::start_with_sites(opts, args.sites).await?;
    {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, emulator.seed())?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    wait_for_signal().await;
    emulator.shutdown().await;
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
