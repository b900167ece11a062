//! Names instead of IDs: what the journal knows about the names of sites and Media Manager
//! folders, so History and the queue say "Demo Blog · Site Files / Summer 2026" rather than a
//! site ID and `f9246239754e564b93f5f3dde9e85827` (issue 15).
//!
//! A job names its destination by the folder ID the user picked (`base_folder_id`) plus the
//! folder names below it; Wix's folder ID is what uploads need, but a person knows the folder
//! by its path. The window knows that path when the user picks a folder (it walked there), and
//! the profiles know their sites' names, so both are told to the journal ([`Journal::remember_folder`],
//! [`Journal::remember_sites`]) and kept in two small tables. Each history entry then stores
//! its site name and folder path (`history.site_name`, `history.folder_path`) when it is
//! written; entries written before (older Wixdrops, the CLI, before a name was known) get them
//! as soon as the name is told, and their search text is refolded so searching "Summer"
//! finds them.
//!
//! `folder_path` is the path below Site Files, names joined by `/` (`""` = Site Files itself);
//! NULL when the base folder's name is not known (the row then shows its folder as it came).

use rusqlite::{params, Connection, OptionalExtension};

use super::{Journal, JournalError};
use crate::upload::types::JobView;
use crate::wix::media::MEDIA_ROOT;

pub(super) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS site_names (
    site_id  TEXT PRIMARY KEY,
    name     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS folder_names (
    site_id    TEXT NOT NULL,
    folder_id  TEXT NOT NULL,
    path       TEXT NOT NULL,                      -- names below Site Files, joined by '/'
    PRIMARY KEY (site_id, folder_id)
);
"#;

/// The path below Site Files of `label` (`<base id>/<name>/<name>`), when the base is the top
/// level or a folder whose path is known; else None.
pub(super) fn path_of(c: &Connection, site_id: &str, label: &str) -> Option<String> {
    let mut parts = label.split('/').filter(|p| !p.is_empty());
    let base = parts.next().unwrap_or(MEDIA_ROOT);
    let below: Vec<&str> = parts.collect();
    let base_path = if base == MEDIA_ROOT {
        String::new()
    } else {
        c.query_row(
            "SELECT path FROM folder_names WHERE site_id = ?1 AND folder_id = ?2",
            params![site_id, base],
            |r| r.get::<_, String>(0),
        )
        .optional()
        .ok()
        .flatten()?
    };
    Some(
        std::iter::once(base_path.as_str())
            .chain(below)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

pub(super) fn site_name(c: &Connection, site_id: &str) -> Option<String> {
    c.query_row(
        "SELECT name FROM site_names WHERE site_id = ?1",
        [site_id],
        |r| r.get(0),
    )
    .optional()
    .ok()
    .flatten()
}

impl Journal {
    /// Remember the sites' names (`(site id, display name)`, from the profiles), and name the
    /// history entries of those sites that had none. Errors: [`JournalError::Sql`].
    pub fn remember_sites<'a>(
        &self,
        sites: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), JournalError> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO site_names (site_id, name) VALUES (?1, ?2)
                 ON CONFLICT(site_id) DO UPDATE SET name = excluded.name",
            )?;
            let mut fill = tx.prepare_cached(
                "UPDATE history SET site_name = ?2, search_text = NULL
                 WHERE site_id = ?1 AND site_name IS NULL",
            )?;
            for (id, name) in sites {
                if !id.is_empty() && !name.trim().is_empty() {
                    st.execute(params![id, name.trim()])?;
                    fill.execute(params![id, name.trim()])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Remember that `folder_id` on `site_id` is the folder `path` below Site Files (names
    /// joined by `/`), as the user walked to it, and give the history entries in it (and below
    /// it) their folder path. Blank ids, the top level and blank paths are ignored.
    /// Errors: [`JournalError::Sql`].
    pub fn remember_folder(
        &self,
        site_id: &str,
        folder_id: &str,
        path: &str,
    ) -> Result<(), JournalError> {
        let path = path
            .split('/')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        let folder_id = folder_id.trim();
        if folder_id.is_empty() || folder_id == MEDIA_ROOT || path.is_empty() {
            return Ok(());
        }
        let mut c = self.conn();
        let tx = c.transaction()?;
        tx.execute(
            "INSERT INTO folder_names (site_id, folder_id, path) VALUES (?1, ?2, ?3)
             ON CONFLICT(site_id, folder_id) DO UPDATE SET path = excluded.path",
            params![site_id, folder_id, path],
        )?;
        let rows: Vec<(i64, String)> = {
            let mut st = tx.prepare_cached(
                "SELECT id, folder_label FROM history
                 WHERE site_id = ?1 AND folder_path IS NULL
                   AND (folder_label = ?2 OR substr(folder_label, 1, length(?2) + 1) = ?2 || '/')",
            )?;
            let rows = st.query_map(params![site_id, folder_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        {
            let mut up = tx.prepare_cached(
                "UPDATE history SET folder_path = ?2, search_text = NULL WHERE id = ?1",
            )?;
            for (id, label) in rows {
                if let Some(p) = path_of(&tx, site_id, &label) {
                    up.execute(params![id, p])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Rewrite the queue rows' folders by name: `<folder id>/day1` becomes
    /// `media-root/Summer 2026/day1` when the folder's path is known (the window shows
    /// `media-root/…` as "Site Files / …"). Rows whose folder is not known stay as they are.
    pub fn name_folders(&self, rows: &mut [JobView]) {
        // Most rows are below the top level: the journal is not even locked for them.
        if rows
            .iter()
            .all(|r| r.folder.split('/').next() == Some(MEDIA_ROOT))
        {
            return;
        }
        let c = self.conn();
        for r in rows {
            if r.folder.split('/').next() == Some(MEDIA_ROOT) {
                continue;
            }
            if let Some(p) = path_of(&c, &r.site_id, &r.folder) {
                r.folder = if p.is_empty() {
                    MEDIA_ROOT.to_owned()
                } else {
                    format!("{MEDIA_ROOT}/{p}")
                };
            }
        }
    }
}

/// Migration of entries written before the name columns: the top level's folder path is its
/// label (`media-root/a/b` → `a/b`), and every entry is refolded (lazily, see history.rs) so its
/// search text holds the names.
pub(super) const BACKFILL: &str = "
UPDATE history SET
    folder_path = CASE WHEN folder_label = 'media-root' THEN '' ELSE substr(folder_label, 12) END
    WHERE folder_path IS NULL AND (folder_label = 'media-root' OR substr(folder_label, 1, 11) = 'media-root/');
UPDATE history SET site_name = (SELECT name FROM site_names s WHERE s.site_id = history.site_id)
    WHERE site_name IS NULL;
UPDATE history SET search_text = NULL;
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::journal::HistoryQuery;

    const HEX: &str = "f9246239754e564b93f5f3dde9e85827";

    fn search(j: &Journal, q: &str) -> Vec<String> {
        j.history(&HistoryQuery {
            search: Some(q.into()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.file_name)
        .collect()
    }

    #[test]
    fn old_entries_get_names_once_known_and_are_found_by_them() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("wixdrop.sqlite3");
        {
            // A journal from before the name columns: one entry at the top level, one in a
            // folder the user picked (its label is the folder's ID), one in a subfolder of it.
            let c = Connection::open(&path).unwrap();
            c.execute_batch(&format!(
                "CREATE TABLE history (
                    id INTEGER PRIMARY KEY, job_id INTEGER, path TEXT NOT NULL, file_name TEXT NOT NULL,
                    size INTEGER NOT NULL, sha256 TEXT NOT NULL, profile TEXT NOT NULL, site_id TEXT NOT NULL,
                    folder_key TEXT NOT NULL, folder_label TEXT NOT NULL, wix_file_id TEXT NOT NULL,
                    url TEXT, mime_type TEXT, media_type TEXT, uploaded_at INTEGER NOT NULL, search_text TEXT);
                 INSERT INTO history VALUES (1, 1, '/p/top.png', 'top.png', 5, 'a', 'Old name', 'site-a', 'k', 'media-root/events', 'f1', NULL, NULL, NULL, 1781524800000, NULL);
                 INSERT INTO history VALUES (2, 2, '/p/Été.png', 'Été.png', 5, 'b', 'Old name', 'site-a', 'k', '{HEX}', 'f2', NULL, NULL, NULL, 1781524800001, NULL);
                 INSERT INTO history VALUES (3, 3, '/p/day.png', 'day.png', 5, 'c', 'Old name', 'site-a', 'k', '{HEX}/day1', 'f3', NULL, NULL, NULL, 1781524800002, NULL);
                 PRAGMA user_version = 2;"
            ))
            .unwrap();
        }
        let j = Journal::open(&path).unwrap().journal;
        let by_name = |j: &Journal| {
            let mut v: Vec<(String, Option<String>, Option<String>)> = j
                .history(&HistoryQuery::default())
                .unwrap()
                .into_iter()
                .map(|e| (e.file_name, e.site_name, e.folder_path))
                .collect();
            v.sort();
            v
        };
        // Migrated: the top-level entry has its path at once; the picked folder's are unknown.
        assert_eq!(
            by_name(&j),
            vec![
                ("day.png".into(), None, None),
                ("top.png".into(), None, Some("events".into())),
                ("Été.png".into(), None, None),
            ]
        );
        assert!(search(&j, "summer").is_empty());
        // The window tells the names: the site's (from the profile) and the folder's.
        j.remember_sites([("site-a", "Demo Blog"), ("site-z", "Other")])
            .unwrap();
        j.remember_folder("site-a", HEX, "Summer 2026").unwrap();
        assert_eq!(
            by_name(&j),
            vec![
                (
                    "day.png".into(),
                    Some("Demo Blog".into()),
                    Some("Summer 2026/day1".into())
                ),
                (
                    "top.png".into(),
                    Some("Demo Blog".into()),
                    Some("events".into())
                ),
                (
                    "Été.png".into(),
                    Some("Demo Blog".into()),
                    Some("Summer 2026".into())
                ),
            ]
        );
        // Searched by those names, case and accents ignored.
        let mut found = search(&j, "summer");
        found.sort();
        assert_eq!(found, vec!["day.png", "Été.png"]);
        assert_eq!(search(&j, "SUMMER 2026 day1"), vec!["day.png"]);
        assert_eq!(search(&j, "demo blog ete").len(), 1);
        // Queue rows are named the same way; unknown folders stay as they came.
        let row = |folder: &str| JobView {
            id: crate::upload::types::JobId(1),
            batch: 1,
            path: "/p/x.png".into(),
            file_name: "x.png".into(),
            profile: "p".into(),
            site_id: "site-a".into(),
            folder: folder.into(),
            size: 1,
            mime_type: None,
            media_type: None,
            stage: crate::upload::types::Stage::Queued,
            bytes_done: 0,
            rate: 0.0,
            eta_secs: None,
            file: None,
            duplicate_of: None,
            error: None,
            warning: None,
            prepared: None,
            private: false,
        };
        let mut rows = vec![
            row(&format!("{HEX}/day1")),
            row("media-root/x"),
            row("0123456789abcdef0123456789abcdef"),
        ];
        j.name_folders(&mut rows);
        let got: Vec<&str> = rows.iter().map(|r| r.folder.as_str()).collect();
        assert_eq!(
            got,
            vec![
                "media-root/Summer 2026/day1",
                "media-root/x",
                "0123456789abcdef0123456789abcdef"
            ]
        );
        // Blank and top-level names are ignored, not stored.
        j.remember_folder("site-a", "media-root", "x").unwrap();
        j.remember_folder("site-a", "abc", " / ").unwrap();
        assert_eq!(path_of(&j.conn(), "site-a", "abc/q"), None);
    }
}
