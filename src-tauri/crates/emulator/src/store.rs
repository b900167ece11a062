//! The emulator's whole world in one place: accounts, sites, keys, folders, files, upload
//! tickets. Plain data behind one `std::sync::Mutex` that is never held across an `.await`;
//! file bytes live on disk (see `body.rs`), never here.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, RngCore};
use time::OffsetDateTime;

/// The system folder every site has (wix-api.md §7).
pub const MEDIA_ROOT: &str = "media-root";
/// The top level of the trash (wix-media-library.md §9).
pub const TRASH_ROOT: &str = "trash-root";

#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub display_name: String,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
    pub published: bool,
    pub premium: bool,
    /// `WIX` for ordinary sites, `HEADLESS` for headless projects (wix-api.md §3); Query
    /// Sites hides the headless ones unless its filter asks for them.
    pub namespace: String,
    /// The `<hex6>` every file id of this site starts with.
    pub file_prefix: String,
}

/// The three permissions the emulator knows (wix-api.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Permissions {
    pub manage_media: bool,
    pub read_media: bool,
    pub read_sites: bool,
}

impl Permissions {
    pub const ALL: Permissions = Permissions {
        manage_media: true,
        read_media: true,
        read_sites: true,
    };
}

#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub key_id: String,
    pub account_id: String,
    pub permissions: Permissions,
    /// `None`: all sites of the account; `Some`: only these.
    pub site_access: Option<Vec<String>>,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub struct Folder {
    pub id: String,
    pub site_id: String,
    pub display_name: String,
    pub parent_folder_id: String,
    pub created: OffsetDateTime,
    /// Set by a rename or move.
    pub updated: Option<OffsetDateTime>,
    /// While in the trash: the folder it came from (restore puts it back there).
    pub trashed_from: Option<String>,
}

#[derive(Debug, Clone)]
pub struct FileRecord {
    pub id: String,
    pub site_id: String,
    pub display_name: String,
    pub parent_folder_id: String,
    pub mime_type: String,
    pub media_type: &'static str,
    pub size: u64,
    pub sha256: String,
    pub private: bool,
    pub labels: Vec<String>,
    pub created: OffsetDateTime,
    /// When a PENDING video/audio turns READY; `None` means READY at once.
    pub ready_at: Option<OffsetDateTime>,
    /// Set through the control API (`FAILED`, `READY`, `PENDING`).
    pub forced_status: Option<String>,
    pub path: PathBuf,
    /// Set by a rename, move or relabel (Update File Descriptor).
    pub updated: Option<OffsetDateTime>,
    /// While in the trash: the folder it came from (restore puts it back there).
    pub trashed_from: Option<String>,
    /// The URL an import fetched (`sourceUrl`).
    pub source_url: Option<String>,
}

impl FileRecord {
    /// The status now, and the time it last changed.
    pub fn status(&self, now: OffsetDateTime) -> (&str, OffsetDateTime) {
        let touched = |t: OffsetDateTime| self.updated.map_or(t, |u| u.max(t));
        if let Some(forced) = &self.forced_status {
            return (forced, touched(self.created));
        }
        match self.ready_at {
            Some(at) if now < at => ("PENDING", touched(self.created)),
            Some(at) => ("READY", touched(at)),
            None => ("READY", touched(self.created)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketKind {
    Plain,
    Resumable,
}

/// What a generate-(resumable-)upload-url call promised; redeemed once by the upload.
#[derive(Debug, Clone)]
pub struct UploadTicket {
    pub kind: TicketKind,
    pub site_id: String,
    pub file_name: Option<String>,
    pub mime_type: String,
    pub parent_folder_id: String,
    pub private: bool,
    pub labels: Vec<String>,
    pub used: bool,
    /// The most recent tus upload created with this token.
    pub tus_upload: Option<String>,
}

pub struct Store {
    pub rng: StdRng,
    pub accounts: HashMap<String, Account>,
    pub sites: Vec<Site>,
    /// Keyed by the full key string: a key is valid only if minted here.
    pub keys: HashMap<String, KeyRecord>,
    pub folders: HashMap<String, Folder>,
    pub files: HashMap<String, FileRecord>,
    pub tickets: HashMap<String, UploadTicket>,
    pub processing_delay: Duration,
    /// Declared `mimeType`s that generate calls refuse (400); the same file sent as
    /// `application/octet-stream` is typed from its extension and accepted. `text/html` is
    /// refused however it is declared.
    pub refused_mime_types: Vec<String>,
    pub clock_base: OffsetDateTime,
    /// When set (`PUT /__emulator/config {"serve_static": true}`), descriptors' `url` and
    /// `thumbnailUrl` point at the emulator's own static host (`<base>/_static/`) instead of
    /// `https://static.wixstatic.com/`, so clients can fetch bytes, thumbnails and imports
    /// (only `thumbnailUrl` with [`StaticHost::thumbnails_only`]).
    pub static_base: Option<StaticHost>,
    /// Download links (Generate File Download URL): token → (file id, expiry).
    pub downloads: HashMap<String, (String, OffsetDateTime)>,
    /// How long a list/search cursor stays valid; `None` = for ever.
    pub cursor_ttl: Option<Duration>,
    /// Overrides every download link's lifetime (tests of expiry).
    pub download_ttl: Option<Duration>,
}

impl Store {
    pub fn new(rng: StdRng, processing_delay: Duration) -> Self {
        Store {
            rng,
            accounts: HashMap::new(),
            sites: Vec::new(),
            keys: HashMap::new(),
            folders: HashMap::new(),
            files: HashMap::new(),
            tickets: HashMap::new(),
            processing_delay,
            refused_mime_types: vec!["text/html".into()],
            clock_base: OffsetDateTime::now_utc(),
            static_base: None,
            downloads: HashMap::new(),
            cursor_ttl: None,
            download_ttl: None,
        }
    }

    pub fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        self.rng.fill_bytes(&mut bytes);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }

    pub fn hex(&mut self, n_bytes: usize) -> String {
        let mut bytes = vec![0u8; n_bytes];
        self.rng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    pub fn random_bytes(&mut self, n: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; n];
        self.rng.fill_bytes(&mut bytes);
        bytes
    }

    pub fn add_account(&mut self, id: Option<String>) -> Account {
        let id = id.unwrap_or_else(|| self.uuid());
        let account = Account { id: id.clone() };
        self.accounts.insert(id, account.clone());
        account
    }

    pub fn add_site(&mut self, account_id: &str, display_name: &str) -> Site {
        self.add_site_in(account_id, display_name, "WIX")
    }

    /// A site in a given `namespace` (`WIX`, `HEADLESS`, or anything Wix may add).
    pub fn add_site_in(&mut self, account_id: &str, display_name: &str, namespace: &str) -> Site {
        let n = self.sites.len() as i64;
        // Spread creation dates so sorting by date is observable.
        let created = self.clock_base - time::Duration::days(30 - n.min(29));
        let slug: String = display_name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let site = Site {
            id: self.uuid(),
            account_id: account_id.to_owned(),
            name: slug,
            display_name: display_name.to_owned(),
            created,
            updated: created + time::Duration::hours(1),
            published: self.rng.random_bool(0.5),
            premium: false,
            namespace: namespace.to_owned(),
            file_prefix: self.hex(3),
        };
        self.sites.push(site.clone());
        site
    }

    pub fn site(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
    }

    pub fn folder_exists(&self, site_id: &str, folder_id: &str) -> bool {
        folder_id == MEDIA_ROOT
            || self
                .folders
                .get(folder_id)
                .is_some_and(|f| f.site_id == site_id)
    }

    pub fn add_folder(&mut self, site_id: &str, display_name: &str, parent: &str) -> Folder {
        let folder = Folder {
            id: self.hex(16),
            site_id: site_id.to_owned(),
            display_name: display_name.to_owned(),
            parent_folder_id: parent.to_owned(),
            created: OffsetDateTime::now_utc(),
            updated: None,
            trashed_from: None,
        };
        self.folders.insert(folder.id.clone(), folder.clone());
        folder
    }

    /// Walks `file_path` (`/videos/2024/december`) below `parent`, creating missing folders;
    /// returns the id of the deepest one.
    pub fn ensure_path(&mut self, site_id: &str, parent: &str, file_path: &str) -> String {
        let mut current = parent.to_owned();
        for part in file_path.split('/').filter(|p| !p.is_empty()) {
            let existing = self
                .folders
                .values()
                .filter(|f| f.site_id == site_id && f.parent_folder_id == current)
                .filter(|f| f.trashed_from.is_none())
                .find(|f| f.display_name == part)
                .map(|f| f.id.clone());
            current = match existing {
                Some(id) => id,
                None => self.add_folder(site_id, part, &current).id,
            };
        }
        current
    }
}

impl Store {
    /// The root a folder id lies under: `media-root`, `trash-root` (the folder or one of its
    /// ancestors is in the trash), or another system root (`visitor-uploads`…).
    pub fn root_of(&self, folder_id: &str) -> String {
        let mut current = folder_id.to_owned();
        for _ in 0..1000 {
            match self.folders.get(&current) {
                Some(f) => current = f.parent_folder_id.clone(),
                None => return current,
            }
        }
        current
    }
}

/// The emulator's own static host (`<base>/_static/`) as descriptors name it.
#[derive(Debug, Clone)]
pub struct StaticHost {
    /// `http://127.0.0.1:<port>/_static/`.
    pub base: String,
    /// Only `thumbnailUrl` points here; `url` stays the live `https://static.wixstatic.com/…`
    /// (the demo: real thumbnails, the URLs a real upload would have).
    pub thumbnails_only: bool,
}
