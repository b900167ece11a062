//! Exit codes shared by every subcommand, so scripts can branch on them the same way.

use std::fmt;
use std::process::ExitCode;

/// Shown under `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit status:
  0  success (for `key inspect`: a complete Wix API key, judged offline)
  1  the command ran, but the answer is no (for `key inspect`: not a usable API key)
  2  bad usage or input (unknown option, nothing to read, input that is not text)";

/// How a command ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0
    Success,
    /// 1: ran fine, negative answer; the command already printed why.
    No,
    /// 2: bad usage or input; the text is printed to stderr.
    Usage(UsageError),
}

impl Exit {
    /// Print what still needs printing and turn this into the process exit code.
    pub fn report(self) -> ExitCode {
        match self {
            Exit::Success => ExitCode::SUCCESS,
            Exit::No => ExitCode::from(1),
            Exit::Usage(e) => {
                eprintln!("wixdrop: {e}");
                ExitCode::from(2)
            }
        }
    }
}

/// A problem with what the user gave us (never contains the input itself).
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<UsageError> for Exit {
    fn from(e: UsageError) -> Self {
        Exit::Usage(e)
    }
}
