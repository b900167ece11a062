//! Turn the credentials found inside a pasted text into one answer: which key to save, or why
//! there is none to save.
//!
//! The rules people expect: exactly one API key in the text → that key, as if pasted alone, with
//! a note saying where it was taken from; the same key twice is one key; several *different*
//! keys → ask for one (guessing which of a staging and a production key someone meant is worse
//! than asking); no key but other Wix credentials → say what the most telling one is. Anything
//! else found is listed by kind and place, never by value. A complete key wins over a
//! cut-off one (docs placeholders such as `IST.eyJ...` sit beside real keys in copied curl
//! examples).

use time::OffsetDateTime;

use super::classify::{classify, Verdict};
use super::extract::{scan, Candidate};
use super::{build, Analysis, Cleaned, FoundCredential, Kind, Problem};

/// At most this many key places are named in the several-keys message (the rest are counted).
const MAX_LISTED: usize = 10;

/// The analysis of `text` from the credentials inside it, or `None` when it holds none.
pub(super) fn from_text(text: &str, now: OffsetDateTime) -> Option<Analysis> {
    let judged: Vec<(Candidate, Verdict)> = scan(text)
        .into_iter()
        .map(|c| {
            let v = classify(&c.value, &c.value, now);
            (c, v)
        })
        .filter(|(_, v)| !matches!(v.kind, Kind::Unrecognized | Kind::IdNotKey))
        .collect();
    if judged.is_empty() {
        return None;
    }
    let is_key = |v: &Verdict| v.kind == Kind::WixApiKey;
    let any_complete = judged.iter().any(|(_, v)| is_key(v) && v.complete);
    // Cut-off keys beside a complete one are placeholders or leftovers: not counted, not listed.
    let judged: Vec<(Candidate, Verdict)> = judged
        .into_iter()
        .filter(|(_, v)| !(is_key(v) && any_complete && !v.complete))
        .collect();
    let keys = judged.iter().filter(|(_, v)| is_key(v)).count();
    if keys > 1 {
        return Some(several(judged, keys));
    }
    let chosen = judged
        .iter()
        .enumerate()
        .min_by_key(|(i, (_, v))| (rank(v.kind), *i))
        .map(|(i, _)| i)?;
    let mut rest = judged;
    let (cand, verdict) = rest.remove(chosen);
    let mut report = build(verdict, &Cleaned::untouched(""));
    // "Taken from" only for the key that will be saved; anything else was merely found there.
    let key = report.usable;
    let place = cand.source.describe(cand.name.as_deref());
    let others: Vec<FoundCredential> = rest.iter().map(|(c, v)| found(c, v.kind)).collect();

    report.message.push_str(&if key {
        format!(" Wixdrop took it from {place}: only the key itself is saved.")
    } else {
        format!(" It was found in {place}.")
    });
    // The others are listed by the badge and the CLI from `others`, not repeated here.
    report.found_note = Some(if key {
        format!("taken from {place}")
    } else {
        format!("found in {place}")
    });
    report.found_in = Some(cand.source);
    report.found_name = cand.name;
    report.others = others;
    Some(Analysis {
        report,
        value: Cleaned::untouched(&cand.value),
    })
}

/// Which credential a text without exactly one key is about: the key, then the most
/// key-like mistake.
fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::WixApiKey => 0,
        Kind::OauthAccessToken => 1,
        Kind::OauthRefreshToken => 2,
        Kind::JwsToken => 3,
        Kind::MemberSession => 4,
        Kind::AppInstance => 5,
        Kind::IdNotKey | Kind::Unrecognized => 6,
    }
}

fn several(judged: Vec<(Candidate, Verdict)>, keys: usize) -> Analysis {
    let places: Vec<String> = judged
        .iter()
        .filter(|(_, v)| v.kind == Kind::WixApiKey)
        .map(|(c, _)| c.source.describe(c.name.as_deref()))
        .collect();
    let others: Vec<FoundCredential> = judged.iter().map(|(c, v)| found(c, v.kind)).collect();
    let shown = places.iter().take(MAX_LISTED).cloned().collect::<Vec<_>>();
    let more = places.len().saturating_sub(MAX_LISTED);
    let message = format!(
        "This text holds {keys} different Wix API keys (in {}{}). A profile keeps one key: paste \
         only the one you want to save — that line, or the key itself.",
        shown.join("; in "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    );
    let verdict = Verdict::new(
        Kind::WixApiKey,
        "Several API keys",
        message,
        Some("get-api-key"),
    );
    let mut report = build(verdict, &Cleaned::untouched(""));
    report.problems = vec![Problem::SeveralKeys];
    report.usable = false;
    report.others = others;
    Analysis {
        report,
        value: Cleaned::untouched(""),
    }
}

fn found(c: &Candidate, kind: Kind) -> FoundCredential {
    let note = match &c.name {
        Some(n) => format!("{} (in {}, {n})", kind.words(), c.source.words()),
        None => format!("{} (in {})", kind.words(), c.source.words()),
    };
    FoundCredential {
        kind,
        found_in: c.source,
        name: c.name.clone(),
        note,
    }
}
