//! History: every finished upload, for the History screen, `wixdrop history`, and duplicates.
//!
//! The History screen shows tens of thousands of entries through a virtualized list, so it never
//! holds them: it asks for one page at a time ([`Journal::history_page`], newest first,
//! `limit`/`offset` paging) and gets the page plus the number of entries matching, which sizes
//! its scrollbar. Offsets rather than keyset cursors because the screen jumps (to the oldest, to
//! a month): any position must be one query away. An entry finished while the user scrolls
//! shifts offsets by one; the screen reloads when uploads finish, so that is what they see.
//!
//! Search runs in SQL, case- and accent-insensitively: every entry carries `search_text`, its
//! file name, local path, folder and URL run through [`crate::fold::fold`] and joined by line
//! breaks (a query term never spans two fields). Rows arrive from the engine's own insert
//! (`jobs.rs`), from older Wixdrops and from other processes sharing the file, so the column is
//! filled lazily: before each query, rows where it is still NULL are folded in Rust (a partial
//! index finds them without a scan; normally there are none or a few). Each query term must
//! appear (`instr`, plain bytes: `%`, `_` and quotes are just characters). A substring match
//! cannot use a B-tree index; over 20,000 entries the scan takes a few milliseconds, measured in
//! the tests below and end to end by `tests/bench/history_bench.py`, so no FTS5 table (whose
//! trigram index would need three-letter terms and a second copy of the text) is kept.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Journal, JournalError};
use crate::fold::fold;
use crate::upload::mime::MediaType;
use crate::upload::types::JobId;

/// One uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub job_id: Option<JobId>,
    pub path: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub sha256: String,
    pub profile: String,
    pub site_id: String,
    /// The destination as chosen (`media-root/holiday/day1`, or `<folder id>/day1`).
    pub folder: String,
    /// The site's name when the entry was written (or since learned); null if never known.
    pub site_name: Option<String>,
    /// The folder's path below Site Files, names joined by `/` (`""` = Site Files itself);
    /// null when the chosen folder's name is not known. See `names.rs`.
    pub folder_path: Option<String>,
    pub file_id: String,
    pub url: Option<String>,
    pub mime_type: Option<String>,
    pub media_type: Option<MediaType>,
    /// RFC 3339, UTC.
    pub uploaded_at: String,
    /// Uploaded as a private file (`private: true`): its `url` answers 403, and only a
    /// temporary link (Generate File Download URL) opens it.
    pub private: bool,
}

/// A file imported to a site, for [`Journal::add_imported`].
pub(crate) struct ImportedEntry<'a> {
    /// Where it came from: the URL Wix fetched (for a copy, the source file's link).
    pub source: &'a str,
    pub file_name: &'a str,
    /// Bytes, as Wix reports them (0 when it does not say).
    pub size: u64,
    pub profile: &'a str,
    pub site_id: &'a str,
    /// The Wix folder ID it is in (`media-root` for Site Files).
    pub folder_id: &'a str,
    pub file_id: &'a str,
    pub url: Option<&'a str>,
    /// Wix's `mediaType` (`IMAGE`, `VIDEO`…).
    pub media_type: &'a str,
    pub private: bool,
}

/// Filters for [`Journal::history`] and [`Journal::history_page`]; all optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HistoryQuery {
    pub site_id: Option<String>,
    /// Words that must all appear in the file name, local path, folder or Wix URL; case and
    /// accents do not matter ("cafe" finds "Café"). See [`crate::fold`].
    pub search: Option<String>,
    /// Entries per page, newest first; default 200.
    pub limit: Option<u32>,
    /// How many matching entries to skip (0 = start from the newest).
    pub offset: Option<u32>,
    /// Also count matching entries per month ([`HistoryPage::months`]), for "Jump to".
    #[ts(optional)]
    pub months: Option<bool>,
}

/// One page of history, with the counts a screen needs to size and label its list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryPage {
    /// Newest first, starting at `offset`.
    pub entries: Vec<HistoryEntry>,
    /// The offset this page starts at (as asked).
    #[ts(type = "number")]
    pub offset: u64,
    /// Entries matching the whole query (site and search).
    #[ts(type = "number")]
    pub total: u64,
    /// Entries for the site filter alone, search ignored: the "of 20,000" in "12 of 20,000".
    #[ts(type = "number")]
    pub all: u64,
    /// With `months: true`: matching entries per month, newest month first.
    pub months: Option<Vec<HistoryMonth>>,
}

/// How many matching entries were uploaded in one calendar month (local time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryMonth {
    /// `YYYY-MM`, in the computer's local time zone.
    pub month: String,
    #[ts(type = "number")]
    pub count: u64,
    /// The offset of the month's newest entry in the matching list (for a jump).
    #[ts(type = "number")]
    pub offset: u64,
}

const COLUMNS: &str = "id, job_id, path, file_name, size, sha256, profile, site_id, folder_label, wix_file_id, url, mime_type, media_type, uploaded_at, site_name, folder_path, private";

/// The text a search matches, for rows not folded yet (a failed lazy fill must not hide them).
const SEARCH_TEXT: &str = "coalesce(search_text, lower(file_name || char(10) || path || char(10) || folder_label || char(10) || coalesce(url, '') || char(10) || coalesce(folder_path, '') || char(10) || coalesce(site_name, '')))";

/// Most terms a search is split into; more are ignored (each is one `instr` per row).
const MAX_TERMS: usize = 16;

fn from_row(r: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    let ms: i64 = r.get(13)?;
    Ok(HistoryEntry {
        id: r.get(0)?,
        job_id: r.get::<_, Option<i64>>(1)?.map(JobId),
        path: r.get(2)?,
        file_name: r.get(3)?,
        size: r.get::<_, i64>(4)?.max(0) as u64,
        sha256: r.get(5)?,
        profile: r.get(6)?,
        site_id: r.get(7)?,
        folder: r.get(8)?,
        file_id: r.get(9)?,
        url: r.get(10)?,
        mime_type: r.get(11)?,
        media_type: r
            .get::<_, Option<String>>(12)?
            .map(|m| MediaType::parse(&m)),
        uploaded_at: rfc3339(ms),
        site_name: r.get(14)?,
        folder_path: r.get(15)?,
        private: r.get::<_, i64>(16)? != 0,
    })
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// What a row is searched by: its fields folded, one per line (the folder by its label and by
/// its names, the site by its name).
pub(super) fn search_text(
    file_name: &str,
    path: &str,
    folder: &str,
    url: Option<&str>,
    folder_path: Option<&str>,
    site_name: Option<&str>,
) -> String {
    [
        file_name,
        path,
        folder,
        url.unwrap_or_default(),
        folder_path.unwrap_or_default(),
        site_name.unwrap_or_default(),
    ]
    .map(fold)
    .join("\n")
}

/// [`filter`] with the search, for other journal modules (exports).
pub(super) fn filter_for(q: &HistoryQuery) -> (String, Vec<Value>) {
    filter(q, true)
}

/// A WHERE clause (site, then each folded search term) and its parameters.
fn filter(q: &HistoryQuery, with_search: bool) -> (String, Vec<Value>) {
    let mut sql = String::from("WHERE 1");
    let mut params: Vec<Value> = Vec::new();
    if let Some(site) = q.site_id.as_deref().filter(|s| !s.is_empty()) {
        params.push(Value::Text(site.to_owned()));
        sql += &format!(" AND site_id = ?{}", params.len());
    }
    if with_search {
        let folded = fold(q.search.as_deref().unwrap_or_default());
        for term in folded.split_whitespace().take(MAX_TERMS) {
            params.push(Value::Text(term.to_owned()));
            sql += &format!(" AND instr({SEARCH_TEXT}, ?{}) > 0", params.len());
        }
    }
    (sql, params)
}

/// Fold up to `chunk` rows that have no `search_text` yet (new, or from a writer that does not
/// fill it); how many were folded.
fn fold_some(c: &Connection, chunk: i64) -> rusqlite::Result<usize> {
    let rows: Vec<(i64, String)> = {
        let mut st = c.prepare_cached(
            "SELECT id, file_name, path, folder_label, url, folder_path, site_name FROM history WHERE search_text IS NULL LIMIT ?1",
        )?;
        let rows = st.query_map([chunk], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                search_text(
                    &r.get::<_, String>(1)?,
                    &r.get::<_, String>(2)?,
                    &r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?.as_deref(),
                    r.get::<_, Option<String>>(5)?.as_deref(),
                    r.get::<_, Option<String>>(6)?.as_deref(),
                ),
            ))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    if rows.is_empty() {
        return Ok(0);
    }
    let tx = c.unchecked_transaction()?;
    {
        let mut up = tx.prepare_cached("UPDATE history SET search_text = ?2 WHERE id = ?1")?;
        for (id, text) in &rows {
            up.execute(params![id, text])?;
        }
    }
    tx.commit()?;
    Ok(rows.len())
}

/// Rows folded per lock: short enough that a page query never waits long behind a backfill.
const FOLD_CHUNK: i64 = 1000;

impl Journal {
    /// Fold every history row that has no search text yet, a chunk per lock so uploads and page
    /// queries go on meanwhile; how many were folded. Searching does this itself when needed;
    /// callers run it in the background after showing a page so the first search is quick.
    pub fn fold_pending(&self) -> Result<usize, JournalError> {
        let mut total = 0;
        loop {
            let n = fold_some(&self.conn(), FOLD_CHUNK)?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
        }
    }

    /// Finished uploads, newest first: the entries of [`Journal::history_page`].
    pub fn history(&self, q: &HistoryQuery) -> Result<Vec<HistoryEntry>, JournalError> {
        Ok(self.history_page(q)?.entries)
    }

    /// One page of finished uploads, newest first, with how many match and how many there are.
    ///
    /// Errors: [`JournalError::Sql`] when the database cannot be read. Folding new rows first is
    /// best effort: if that write fails (a read-only file), unfolded rows are still found by a
    /// plain lower-case match.
    pub fn history_page(&self, q: &HistoryQuery) -> Result<HistoryPage, JournalError> {
        let searched = q.search.as_deref().is_some_and(|s| !s.trim().is_empty());
        let c = self.conn();
        // Only a search reads `search_text`; a plain page need not wait for new rows' folding.
        if searched {
            while let Ok(n) = fold_some(&c, FOLD_CHUNK) {
                if n == 0 {
                    break;
                }
            }
        }
        let limit = q.limit.unwrap_or(200) as i64;
        let offset = q.offset.unwrap_or(0) as i64;
        let (wh, mut p) = filter(q, true);
        let total: i64 = c.query_row(
            &format!("SELECT COUNT(*) FROM history {wh}"),
            params_from_iter(p.iter()),
            |r| r.get(0),
        )?;
        let all: i64 = if searched {
            let (wh_all, p_all) = filter(q, false);
            c.query_row(
                &format!("SELECT COUNT(*) FROM history {wh_all}"),
                params_from_iter(p_all.iter()),
                |r| r.get(0),
            )?
        } else {
            total
        };
        let months = if q.months.unwrap_or(false) {
            let mut st = c.prepare(&format!(
                "SELECT strftime('%Y-%m', uploaded_at / 1000, 'unixepoch', 'localtime') AS m, COUNT(*)
                 FROM history {wh} GROUP BY m ORDER BY m DESC"
            ))?;
            let counts = st
                .query_map(params_from_iter(p.iter()), |r| {
                    Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut at = 0u64;
            Some(
                counts
                    .into_iter()
                    .map(|(m, n)| {
                        let month = HistoryMonth {
                            month: m.unwrap_or_default(),
                            count: n.max(0) as u64,
                            offset: at,
                        };
                        at += month.count;
                        month
                    })
                    .collect(),
            )
        } else {
            None
        };
        let n = p.len();
        p.push(Value::Integer(limit));
        p.push(Value::Integer(offset));
        let mut st = c.prepare(&format!(
            "SELECT {COLUMNS} FROM history {wh}
             ORDER BY uploaded_at DESC, id DESC LIMIT ?{} OFFSET ?{}",
            n + 1,
            n + 2
        ))?;
        let entries = st
            .query_map(params_from_iter(p.iter()), from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(HistoryPage {
            entries,
            offset: offset as u64,
            total: total.max(0) as u64,
            all: all.max(0) as u64,
            months,
        })
    }

    /// Whether anything of exactly this size was uploaded to this site and folder: when not,
    /// the file cannot be a duplicate and need not be hashed before it is sent.
    pub fn has_size(
        &self,
        site_id: &str,
        folder_key: &str,
        size: u64,
    ) -> Result<bool, JournalError> {
        Ok(self
            .conn()
            .query_row("SELECT 1 FROM history WHERE site_id = ?1 AND folder_key = ?2 AND size = ?3 LIMIT 1", params![site_id, folder_key, size as i64], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Records a file that came to a site by an import (a URL, or a copy from another site) in
    /// History, beside uploads: `path` is where it came from, `sha256` is empty (Wix fetched the
    /// bytes, Wixdrop never saw them, so it is never matched as a duplicate of an upload), and
    /// the folder is the Wix folder ID it landed in.
    pub(crate) fn add_imported(&self, e: &ImportedEntry<'_>) -> Result<(), JournalError> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        let site_name = super::names::site_name(&tx, e.site_id);
        let folder_path = super::names::path_of(&tx, e.site_id, e.folder_id);
        tx.execute(
            "INSERT INTO history (job_id, path, file_name, size, sha256, profile, site_id, folder_key, folder_label, wix_file_id, url, mime_type, media_type, uploaded_at, site_name, folder_path, private)
             VALUES (NULL, ?1, ?2, ?3, '', ?4, ?5, ?6, ?6, ?7, ?8, NULL, ?9, ?10, ?11, ?12, ?13)",
            params![
                e.source,
                e.file_name,
                e.size as i64,
                e.profile,
                e.site_id,
                e.folder_id,
                e.file_id,
                e.url,
                e.media_type,
                super::now_ms(),
                site_name,
                folder_path,
                e.private as i64
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The earlier upload of the same content to the same site and folder, if any.
    pub fn find_duplicate(
        &self,
        site_id: &str,
        folder_key: &str,
        sha256: &str,
    ) -> Result<Option<HistoryEntry>, JournalError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM history WHERE site_id = ?1 AND folder_key = ?2 AND sha256 = ?3 ORDER BY uploaded_at DESC LIMIT 1"),
                params![site_id, folder_key, sha256],
                from_row,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A journal in a real file, plus a way to add history rows the way the engine does (no
    /// `search_text`): `(file_name, folder, uploaded_at ms)`.
    fn journal() -> (tempfile::TempDir, Journal) {
        let d = tempfile::tempdir().unwrap();
        let j = Journal::open(&d.path().join("wixdrop.sqlite3"))
            .unwrap()
            .journal;
        (d, j)
    }

    fn add(j: &Journal, rows: &[(&str, &str, i64)]) {
        let mut c = j.conn();
        let tx = c.transaction().unwrap();
        for (name, folder, ms) in rows {
            tx.execute(
                "INSERT INTO history (job_id, path, file_name, size, sha256, profile, site_id, folder_key, folder_label, wix_file_id, url, mime_type, media_type, uploaded_at)
                 VALUES (NULL, ?1, ?2, 10, 'ab', 'p', ?3, ?4, ?4, 'f', ?5, 'image/jpeg', 'IMAGE', ?6)",
                params![
                    format!("/home/u/Pictures/{name}"),
                    name,
                    if name.starts_with("other") { "site-b" } else { "site-a" },
                    folder,
                    format!("https://static.example/media/{name}"),
                    ms
                ],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }

    fn q(search: &str) -> HistoryQuery {
        HistoryQuery {
            search: Some(search.into()),
            ..Default::default()
        }
    }

    const DAY: i64 = 86_400_000;
    /// 2026-06-15T12:00:00Z
    const JUNE: i64 = 1_781_524_800_000;

    #[test]
    fn search_folds_case_and_accents_in_sql() {
        let (_d, j) = journal();
        add(
            &j,
            &[
                (
                    "Été à la plage – café crème.jpg",
                    "media-root/Vacances",
                    JUNE,
                ),
                ("plain.jpg", "media-root/Straße", JUNE + 1),
                ("other 50%_off 'quoted\".png", "media-root", JUNE + 2),
            ],
        );
        for term in [
            "cafe",
            "ETE",
            "creme",
            "CAFÉ crème",
            "plage cafe",
            "vacances",
        ] {
            let p = j.history_page(&q(term)).unwrap();
            assert_eq!(
                (p.total, p.all, p.entries.len()),
                (1, 3, 1),
                "{term}: {p:?}"
            );
            assert_eq!(p.entries[0].file_name, "Été à la plage – café crème.jpg");
        }
        // Folder, URL and path are searched too; all terms must match.
        assert_eq!(j.history_page(&q("strasse")).unwrap().total, 1);
        assert_eq!(j.history_page(&q("static.example")).unwrap().total, 3);
        assert_eq!(j.history_page(&q("Pictures plain")).unwrap().total, 1);
        assert_eq!(j.history_page(&q("cafe nowhere")).unwrap().total, 0);
        // SQL's wildcards and quotes are plain characters.
        for term in [
            "%",
            "_",
            "50%_off",
            "'quoted\"",
            "'; DROP TABLE history; --",
            "\\",
        ] {
            let p = j.history_page(&q(term)).unwrap();
            let want = u64::from(term != "\\" && !term.contains("DROP"));
            assert_eq!(p.total, want, "{term}");
        }
        assert_eq!(j.history_page(&q("   ")).unwrap().total, 3);
        // The site filter narrows `all` too.
        let p = j
            .history_page(&HistoryQuery {
                site_id: Some("site-a".into()),
                search: Some("jpg".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!((p.total, p.all), (2, 2));
    }

    #[test]
    fn pages_are_newest_first_with_counts_and_months() {
        let (_d, j) = journal();
        let names: Vec<String> = (0..250).map(|i| format!("photo-{i:03}.jpg")).collect();
        // 150 in June (one a day from June 15 back... and forth), 100 in May.
        let rows: Vec<(&str, &str, i64)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let ms = if i < 100 {
                    JUNE - 40 * DAY + i as i64 * 60_000
                } else {
                    JUNE + i as i64 * 60_000
                };
                (n.as_str(), "media-root/shoot", ms)
            })
            .collect();
        add(&j, &rows);
        let first = j
            .history_page(&HistoryQuery {
                limit: Some(100),
                months: Some(true),
                ..Default::default()
            })
            .unwrap();
        assert_eq!((first.total, first.all, first.offset), (250, 250, 0));
        assert_eq!(first.entries.len(), 100);
        assert_eq!(first.entries[0].file_name, "photo-249.jpg");
        let months = first.months.unwrap();
        assert_eq!(months.len(), 2, "{months:?}");
        assert_eq!((months[0].count, months[0].offset), (150, 0));
        assert_eq!((months[1].count, months[1].offset), (100, 150));
        assert!(months[0].month.starts_with("2026-0"), "{months:?}");
        // The month's offset lands on its newest entry.
        let may = j
            .history_page(&HistoryQuery {
                limit: Some(1),
                offset: Some(150),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(may.entries[0].file_name, "photo-099.jpg");
        // The last page is short and ends with the oldest; past the end is empty, not an error.
        let last = j
            .history_page(&HistoryQuery {
                limit: Some(100),
                offset: Some(200),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(last.entries.len(), 50);
        assert_eq!(last.entries.last().unwrap().file_name, "photo-000.jpg");
        let past = j
            .history_page(&HistoryQuery {
                offset: Some(10_000),
                ..Default::default()
            })
            .unwrap();
        assert!(past.entries.is_empty() && past.total == 250);
        // Searching counts and pages within the matches.
        let p = j
            .history_page(&HistoryQuery {
                search: Some("PHOTO-1".into()),
                limit: Some(30),
                offset: Some(90),
                months: Some(true),
                ..Default::default()
            })
            .unwrap();
        assert_eq!((p.total, p.all, p.entries.len()), (100, 250, 10));
        assert_eq!(p.entries[0].file_name, "photo-109.jpg");
        assert_eq!(p.months.unwrap().iter().map(|m| m.count).sum::<u64>(), 100);
    }

    #[test]
    fn twenty_thousand_entries_page_and_search_quickly() {
        let (_d, j) = journal();
        let names: Vec<String> = (0..20_000)
            .map(|i| {
                if i % 10 == 0 {
                    format!("Été summer {i}.jpg")
                } else {
                    format!("IMG_{i:05}.jpg")
                }
            })
            .collect();
        let rows: Vec<(&str, &str, i64)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), "media-root/Migration", JUNE + i as i64 * 1000))
            .collect();
        add(&j, &rows);
        // A plain page does not wait for folding; the background fold does all 20,000 once.
        let t = std::time::Instant::now();
        assert_eq!(j.history_page(&q("")).unwrap().total, 20_000);
        let plain = t.elapsed();
        let t = std::time::Instant::now();
        assert_eq!(j.fold_pending().unwrap(), 20_000);
        let backfill = t.elapsed();
        assert_eq!(j.fold_pending().unwrap(), 0);
        let t = std::time::Instant::now();
        let p = j.history_page(&q("ETE SUMMER")).unwrap();
        let search = t.elapsed();
        assert_eq!((p.total, p.all, p.entries.len()), (2_000, 20_000, 200));
        let t = std::time::Instant::now();
        let oldest = j
            .history_page(&HistoryQuery {
                limit: Some(100),
                offset: Some(19_900),
                months: Some(true),
                ..Default::default()
            })
            .unwrap();
        let jump = t.elapsed();
        assert_eq!(oldest.entries.last().unwrap().file_name, "Été summer 0.jpg");
        eprintln!("20,000 entries: first plain page {plain:?}, backfill {backfill:?}, search {search:?}, oldest page {jump:?}");
        // Loose ceilings (debug build, shared 2-core CI): a scan per query, not a fold per row.
        assert!(search.as_millis() < 500, "search took {search:?}");
        assert!(jump.as_millis() < 500, "oldest page took {jump:?}");
    }

    #[test]
    fn a_journal_from_before_search_text_migrates_and_is_searchable() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("wixdrop.sqlite3");
        {
            // The history table as schema 2 wrote it, with a row in it.
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "CREATE TABLE history (
                    id INTEGER PRIMARY KEY, job_id INTEGER, path TEXT NOT NULL, file_name TEXT NOT NULL,
                    size INTEGER NOT NULL, sha256 TEXT NOT NULL, profile TEXT NOT NULL, site_id TEXT NOT NULL,
                    folder_key TEXT NOT NULL, folder_label TEXT NOT NULL, wix_file_id TEXT NOT NULL,
                    url TEXT, mime_type TEXT, media_type TEXT, uploaded_at INTEGER NOT NULL);
                 INSERT INTO history VALUES (1, 7, '/p/Crème brûlée.png', 'Crème brûlée.png', 5, 'ab',
                    'p', 'site-a', 'media-root', 'media-root', 'f1', NULL, NULL, NULL, 1781524800000);
                 PRAGMA user_version = 2;",
            )
            .unwrap();
        }
        let j = Journal::open(&path).unwrap();
        assert!(j.warning.is_none(), "{:?}", j.warning);
        let p = j.journal.history_page(&q("creme BRULEE")).unwrap();
        assert_eq!(p.total, 1);
        assert_eq!(p.entries[0].job_id, Some(JobId(7)));
        assert_eq!(p.entries[0].url, None);
        // Reopening an already migrated journal is a no-op.
        drop(j);
        let j = Journal::open(&path).unwrap().journal;
        assert_eq!(j.history(&q("crème")).unwrap().len(), 1);
    }
}
