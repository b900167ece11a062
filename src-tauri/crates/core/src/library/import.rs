//! Import File / Bulk Import File (wix-media-library.md §6): Wix fetches a public URL itself, so
//! an import costs the user no bandwidth. The answer is a PENDING descriptor; readiness is
//! polled (get-file-by-id) until READY or FAILED. Wix never says *why* an import failed, so a
//! FAILED one is explained by asking the source ourselves (a `GET` of its first bytes): it
//! answered 404, refused (401/403: not public, or it blocks hotlinking), is a web page rather
//! than a media file, or could not be reached.
//!
//! Imports are **not idempotent**: sending the same one twice makes two files. The durable,
//! retried form lives in [`super::jobs`], which looks for an earlier attempt's file first.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use super::api::{get_file, search_files, ListFilter, Site};
use super::error::{LibraryError, LibraryResult, Subject};
use super::file::LibraryFile;
use crate::wix::Scope;

/// One ImportFileRequest.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct ImportRequest {
    /// A public http(s) URL Wix can fetch.
    pub url: String,
    /// The name in the Media Manager (with its extension); default: the URL's last part.
    pub display_name: Option<String>,
    /// The folder; default `media-root`. `file_path` folders are created below it.
    pub folder_id: Option<String>,
    /// `/A/B`: folders Wix creates when missing.
    pub file_path: Option<String>,
    /// Private files are readable only through download links; cannot change later.
    pub private: bool,
    pub mime_type: Option<String>,
}

impl ImportRequest {
    fn body(&self) -> Value {
        let mut b = json!({ "url": self.url.trim() });
        if let Some(n) = self
            .display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
        {
            b["displayName"] = json!(n.trim());
        }
        if let Some(f) = &self.folder_id {
            b["parentFolderId"] = json!(f);
        }
        if let Some(p) = self
            .file_path
            .as_deref()
            .filter(|p| !p.trim_matches('/').is_empty())
        {
            b["filePath"] = json!(format!("/{}", p.trim_matches('/')));
        }
        if self.private {
            b["private"] = json!(true);
        }
        if let Some(m) = &self.mime_type {
            b["mimeType"] = json!(m);
        }
        b
    }
}

/// An import URL must be absolute http(s) with a host; anything else is refused before Wix.
pub fn check_url(raw: &str) -> LibraryResult<String> {
    let t = raw.trim();
    match url::Url::parse(t) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(t.to_owned())
        }
        _ => Err(LibraryError::BadInput(format!(
            "\"{}\" is not a web address Wix can fetch: it must start with http:// or https://.",
            t.chars().take(120).collect::<String>()
        ))),
    }
}

/// The links in pasted text, and what was left out of it (so that nothing goes unsaid).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PastedLinks {
    /// The http(s) URLs, in the order pasted, each once.
    pub urls: Vec<String>,
    /// Non-blank lines with no web link in them (a CSV header, a note, an `ftp://` address), as
    /// pasted, each cut to 200 characters.
    pub left_out: Vec<String>,
    /// How many links were pasted again after their first time (each is imported once).
    pub repeats: u32,
}

/// The URLs in pasted text: one a line, several on a line (separated by spaces, commas,
/// semicolons or tabs), or a CSV whose cells include URLs (each cell that is an http(s) URL
/// counts; quotes are taken off). Blank lines are skipped; order is kept and repeats dropped;
/// lines without a link are listed in [`PastedLinks::left_out`].
pub fn links_in_text(text: &str) -> PastedLinks {
    let mut out = PastedLinks::default();
    for line in text.lines() {
        let mut found = false;
        for cell in line.split([',', ';', '\t', ' ']) {
            let c = cell.trim().trim_matches('"').trim();
            let lower = c.to_ascii_lowercase();
            if (lower.starts_with("http://") || lower.starts_with("https://"))
                && check_url(c).is_ok()
            {
                found = true;
                if out.urls.iter().any(|u| u == c) {
                    out.repeats += 1;
                } else {
                    out.urls.push(c.to_owned());
                }
            }
        }
        if !found && !line.trim().is_empty() {
            out.left_out.push(line.trim().chars().take(200).collect());
        }
    }
    out
}

/// The URLs of [`links_in_text`].
pub fn urls_in_text(text: &str) -> Vec<String> {
    links_in_text(text).urls
}

/// What an import of pasted text started: the jobs, and what of the text was not imported.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct ImportStarted {
    /// The journal ids of the import jobs (one per link).
    #[ts(type = "number[]")]
    pub ids: Vec<i64>,
    /// See [`PastedLinks::left_out`].
    pub left_out: Vec<String>,
    /// See [`PastedLinks::repeats`].
    pub repeats: u32,
}

/// Imports are not idempotent: the HTTP layer must not send one again by itself (a retried
/// request whose first answer was lost would make a second file). Retries happen one level up,
/// in [`super::jobs`], after looking for the file.
fn once(site: &Site<'_>) -> crate::wix::WixClient {
    site.client
        .clone()
        .with_retry(crate::retry::RetryPolicy::none())
}

/// Import File: one URL; the PENDING file back (Manage Media Manager). Not retried here.
pub async fn import_file(site: &Site<'_>, req: &ImportRequest) -> LibraryResult<LibraryFile> {
    check_url(&req.url)?;
    let v: Value = once(site)
        .call(
            Method::POST,
            "site-media/v1/files/import",
            site.key,
            Scope::Site(site.site_id),
            Some(&req.body()),
        )
        .await
        .map_err(|e| LibraryError::from_wix(e, Subject::None))?;
    v.get("file")
        .and_then(LibraryFile::from_json)
        .ok_or_else(|| {
            LibraryError::Wix(crate::wix::WixError::UnexpectedResponse(
                "an import answer without a file".into(),
            ))
        })
}

/// Bulk Import File (v2): up to 100 requests in one call; one result per request, in the
/// requests' order (matched by `originalIndex`, never by position, §6b).
pub async fn bulk_import(
    site: &Site<'_>,
    reqs: &[ImportRequest],
) -> LibraryResult<Vec<Result<LibraryFile, String>>> {
    let mut out: Vec<Result<LibraryFile, String>> = Vec::with_capacity(reqs.len());
    for chunk in reqs.chunks(100) {
        let body = json!({
            "importFileRequests": chunk.iter().map(ImportRequest::body).collect::<Vec<_>>(),
            "returnEntity": true,
        });
        let v: Value = once(site)
            .call(
                Method::POST,
                "site-media/v1/bulk/files/import-v2",
                site.key,
                Scope::Site(site.site_id),
                Some(&body),
            )
            .await
            .map_err(|e| LibraryError::from_wix(e, Subject::None))?;
        let mut slots: Vec<Result<LibraryFile, String>> = (0..chunk.len())
            .map(|_| Err("Wix gave no result for this URL.".to_string()))
            .collect();
        for r in v
            .get("results")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let meta = r.get("itemMetadata");
            let Some(i) = meta
                .and_then(|m| m.get("originalIndex"))
                .and_then(Value::as_u64)
                .map(|i| i as usize)
                .filter(|i| *i < chunk.len())
            else {
                continue;
            };
            let success = meta
                .and_then(|m| m.get("success"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            slots[i] = if success {
                match r.get("item").and_then(LibraryFile::from_json) {
                    Some(f) => Ok(f),
                    None => Err("Wix accepted the URL but sent no file.".into()),
                }
            } else {
                let e = meta.and_then(|m| m.get("error"));
                let text = e
                    .and_then(|e| e.get("description"))
                    .and_then(Value::as_str)
                    .or_else(|| e.and_then(|e| e.get("code")).and_then(Value::as_str))
                    .unwrap_or("no reason given");
                Err(format!("Wix refused this URL: {text}"))
            };
        }
        out.extend(slots);
    }
    Ok(out)
}

/// Polls the file until it is READY or FAILED, or `timeout` passes (then the last PENDING
/// state comes back). Starts at 300 ms, backs off to 2 s.
pub async fn wait_ready(
    site: &Site<'_>,
    id: &str,
    timeout: Duration,
) -> LibraryResult<LibraryFile> {
    let start = Instant::now();
    let mut wait = Duration::from_millis(300);
    loop {
        let f = get_file(site, id).await?;
        if f.status != "PENDING" || start.elapsed() >= timeout {
            return Ok(f);
        }
        tokio::time::sleep(wait.min(timeout.saturating_sub(start.elapsed()))).await;
        wait = (wait * 3 / 2).min(Duration::from_secs(2));
    }
}

/// Why an import of `url` failed, in plain words, found by asking the source ourselves.
pub async fn explain_failure(http: &reqwest::Client, url: &str) -> String {
    let resp = http
        .get(url)
        .header(reqwest::header::RANGE, "bytes=0-1023")
        .timeout(Duration::from_secs(15))
        .send()
        .await;
    match resp {
        Err(e) => format!(
            "Wix could not fetch it, and neither could Wixdrop ({}): the address may be wrong, or the site is down or not on the public internet.",
            crate::net::NetFailure::from_reqwest(url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).as_deref().unwrap_or("the source"), &e).summary()
        ),
        Ok(r) => {
            let status = r.status().as_u16();
            let ct = r
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_ascii_lowercase();
            match status {
                404 | 410 => format!("The source answered {status} Not Found: the file is not (or no longer) at this address."),
                401 | 403 => format!("The source refused to hand the file over ({status}): it is not public, needs a login, or blocks fetching by other sites (hotlinking). Download it and upload the file instead."),
                429 => "The source is limiting requests (429); try again later.".into(),
                s if s >= 500 => format!("The source had a problem of its own ({s}); try again later."),
                s if (200..300).contains(&s) && ct.contains("text/html") => "The address leads to a web page, not to a media file: open it in a browser and copy the address of the image or file itself.".into(),
                s if (200..300).contains(&s) => "Wix could not process the file: it is probably not a supported media type (or is damaged).".into(),
                s => format!("The source answered HTTP {s}."),
            }
        }
    }
}

/// A file an earlier attempt of this import may have made: same name, and the same source URL
/// when Wix reports one (search is fuzzy, so both are checked here); never one whose
/// `operationStatus` is `FAILED`.
pub async fn find_imported(
    site: &Site<'_>,
    display_name: &str,
    source_url: &str,
) -> LibraryResult<Option<LibraryFile>> {
    if display_name.trim().is_empty() {
        return Ok(None);
    }
    let page = search_files(site, display_name, false, &ListFilter::default(), None, 100).await?;
    // A file Wix failed to import is not one to adopt: a retry asks Wix to fetch it again.
    Ok(page.files.into_iter().find(|f| {
        f.status != "FAILED"
            && f.display_name == display_name.trim()
            && f.source_url
                .as_deref()
                .is_none_or(|s| s == source_url.trim())
    }))
}

/// The name an import gets when none is given: the URL's last path part, decoded.
pub fn name_from_url(url: &str) -> String {
    url::Url::parse(url.trim())
        .ok()
        .and_then(|u| {
            u.path_segments()
                .and_then(|mut s| s.rfind(|p| !p.is_empty()).map(str::to_owned))
        })
        .map(|s| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or(s)
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "imported-file".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_link_is_said_and_links_on_one_line_are_split() {
        let text = "name,url\nhttps://a.example/1.jpg https://a.example/2.jpg\n\nhello world\nftp://x/y\n https://a.example/1.jpg \n";
        let got = links_in_text(text);
        assert_eq!(
            got.urls,
            vec!["https://a.example/1.jpg", "https://a.example/2.jpg"]
        );
        assert_eq!(got.left_out, vec!["name,url", "hello world", "ftp://x/y"]);
        assert_eq!(got.repeats, 1);
        assert_eq!(links_in_text(&"x".repeat(500)).left_out[0].len(), 200);
    }

    #[test]
    fn urls_from_lines_and_csv() {
        let text = "https://a.example/x.jpg\n\n  http://b.example/y%20z.png  \nname,url\nlogo,\"https://c.example/l.svg\"\nftp://no\nhttps://a.example/x.jpg";
        assert_eq!(
            urls_in_text(text),
            vec![
                "https://a.example/x.jpg",
                "http://b.example/y%20z.png",
                "https://c.example/l.svg"
            ]
        );
        assert!(check_url("file:///etc/passwd").is_err());
        assert!(check_url("https://").is_err());
    }

    #[test]
    fn names_from_urls() {
        assert_eq!(
            name_from_url("https://a.example/p/My%20Logo.png?x=1"),
            "My Logo.png"
        );
        assert_eq!(name_from_url("https://a.example/"), "imported-file");
    }

    #[test]
    fn body_shape() {
        let r = ImportRequest {
            url: " https://a.example/x.jpg ".into(),
            display_name: Some("x.jpg".into()),
            file_path: Some("A/B/".into()),
            private: true,
            ..Default::default()
        };
        assert_eq!(
            r.body(),
            json!({"url": "https://a.example/x.jpg", "displayName": "x.jpg", "filePath": "/A/B", "private": true})
        );
    }
}
