//! The state every handler shares, and the few operations the control API and the seeding
//! both need (minting keys).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use time::OffsetDateTime;

use crate::faults::Faults;
use crate::reqlog::RequestLog;
use crate::store::{KeyRecord, Permissions, Store};
use crate::tus::TusUpload;

pub struct Shared {
    pub store: Mutex<Store>,
    pub storage: PathBuf,
    pub base_url: String,
    pub faults: Mutex<Faults>,
    pub log: RequestLog,
    pub tus: Mutex<HashMap<String, Arc<TusUpload>>>,
    /// With a seed, keys get a fixed `iat` so the whole seed output is reproducible.
    pub fixed_iat: Option<i64>,
    /// The demo account made at start-up (`GET /__emulator/seed`).
    pub seed: std::sync::OnceLock<crate::SeedInfo>,
}

pub type AppState = Arc<Shared>;

impl Shared {
    /// Locks the store; a poisoned lock (a panicked handler) is recovered, not propagated.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn tus_uploads(&self) -> MutexGuard<'_, HashMap<String, Arc<TusUpload>>> {
        self.tus.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Mints a key of the real shape for `account_id`; returns `(key_id, key)`.
    pub fn mint_key(
        &self,
        account_id: &str,
        permissions: Permissions,
        site_access: Option<Vec<String>>,
        revoked: bool,
    ) -> (String, String) {
        let iat = self
            .fixed_iat
            .unwrap_or_else(|| OffsetDateTime::now_utc().unix_timestamp());
        let mut store = self.store();
        let key_id = store.uuid();
        let identity = store.uuid();
        let signature = store.random_bytes(256);
        let key = crate::keys::make_api_key_parts(account_id, &key_id, &identity, iat, &signature);
        let record = KeyRecord {
            key_id: key_id.clone(),
            account_id: account_id.to_owned(),
            permissions,
            site_access,
            revoked,
        };
        store.keys.insert(key.clone(), record);
        (key_id, key)
    }
}
