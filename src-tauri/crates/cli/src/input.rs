//! Reading a secret from the command line or stdin.
//!
//! Stdin is the recommended way (`pbpaste | wixdrop key inspect`): a key given as an argument
//! lands in shell history and in the process list. The text is held in `Sensitive` so it cannot
//! end up in a Debug print by accident.

use std::io::{IsTerminal, Read};

use wixdrop_core::secret::Sensitive;

use crate::exit::UsageError;

/// More than this is not a key (real keys are well under 2 KB); stop reading rather than
/// buffer an accidental file.
const MAX_INPUT: u64 = 1 << 20;

/// `arg` itself, or stdin when `arg` is absent or `-`. Empty or blank input is a usage error.
pub fn read_secret(arg: Option<&str>, what: &str) -> Result<Sensitive<String>, UsageError> {
    let text = match arg {
        Some(a) if a != "-" => a.to_owned(),
        _ => read_stdin(what)?,
    };
    if text.trim().is_empty() {
        return Err(UsageError(format!(
            "no {what} given: pass it as an argument or pipe it on stdin (see --help)"
        )));
    }
    Ok(Sensitive::new(text))
}

fn read_stdin(what: &str) -> Result<String, UsageError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("Paste the {what}, then press Enter and Ctrl-D:");
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| UsageError(format!("could not read stdin: {e}")))?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(UsageError(format!(
            "stdin holds more than 1 MiB: that is not a {what}"
        )));
    }
    let mut text = String::from_utf8(bytes)
        .map_err(|_| UsageError(format!("stdin is not text (UTF-8), so it is not a {what}")))?;
    // The line ending that `echo`, a pipe or the Enter key adds is not part of the paste, so it
    // is not reported as "whitespace removed" (any other blank still is).
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}
