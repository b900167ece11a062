//! `wixdrop` — headless Wixdrop over the same core as the desktop app.
//!
//! One module per area (`key`, later `sites`, `upload`, `watch`, `history`), each exposing a
//! clap `Subcommand` enum and a `run` that returns an [`Exit`]. `main` only parses and
//! dispatches, so adding an area is one enum variant and one match arm.

mod exit;
mod input;
mod key;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::exit::EXIT_CODES_HELP;

#[derive(Parser)]
#[command(
    name = "wixdrop",
    version,
    about = "Upload media to Wix sites; manage Wix API keys",
    after_help = EXIT_CODES_HELP
)]
struct Cli {
    #[command(subcommand)]
    cmd: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Wix API keys: check what a pasted credential is (more key commands to come)
    #[command(subcommand)]
    Key(key::KeyCmd),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let exit = match cli.cmd {
        Command::Key(cmd) => key::run(cmd),
    };
    exit.report()
}
