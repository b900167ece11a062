//! The vault against a real Secret Service (scripts/test.sh runs a throwaway gnome-keyring in a
//! private D-Bus session). Each test uses its own keychain service name.

use std::path::Path;

use wixdrop_core::config::Paths;
use wixdrop_core::credential::synth;
use wixdrop_core::secret::ApiKey;
use wixdrop_core::vault::{Vault, VaultError};

fn vault(home: &Path, test: &str) -> Vault {
    Vault::with_service(
        &Paths::under(home),
        format!("Wixdrop test {test} {}", std::process::id()),
    )
}

fn key(account: &str, n: u64) -> String {
    synth::api_key(
        account,
        &synth::guid(100 + n),
        &synth::guid(200 + n),
        1_700_000_000 + n as i64,
    )
}

/// Every byte of every file under `dir`.
fn all_files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

#[test]
fn add_use_rename_replace_delete() {
    let home = tempfile::tempdir().unwrap();
    let v = vault(home.path(), "lifecycle");
    let account = synth::guid(1);
    let k1 = key(&account, 1);

    // Pasted with noise: cleaned before storing; account read from the key.
    let p = v.add("Studio", &format!("  Bearer {k1}\n"), None).unwrap();
    assert_eq!(p.account_id, account);
    assert!(p.fingerprint.starts_with("IST…"), "{}", p.fingerprint);
    assert_eq!(v.key("Studio").unwrap().expose(), &k1);
    assert!(matches!(
        v.add("studio", &k1, None),
        Err(VaultError::NameTaken(_))
    ));

    let p = v.rename("Studio", "Client A").unwrap();
    assert_eq!(p.name, "Client A");
    assert_eq!(
        v.key("Client A").unwrap().expose(),
        &k1,
        "renaming keeps the secret"
    );
    assert!(matches!(v.key("Studio"), Err(VaultError::NotFound(_))));

    let site = wixdrop_core::wix::sites::Site {
        id: synth::guid(9),
        display_name: "Shop".into(),
        url: None,
        namespace: None,
    };
    let old_fingerprint = v.get("Client A").unwrap().fingerprint;
    v.update("Client A", |p| {
        p.sites = vec![site.clone()];
        p.default_site = Some(site.id.clone());
    })
    .unwrap();
    let k2 = key(&account, 2);
    let p = v.replace_key("Client A", &ApiKey::new(k2.clone())).unwrap();
    assert_eq!(v.key("Client A").unwrap().expose(), &k2);
    assert_eq!(p.sites, vec![site], "rotation keeps the sites");
    assert_ne!(
        p.fingerprint, old_fingerprint,
        "a new key has a new fingerprint"
    );

    v.delete("Client A").unwrap();
    assert!(v.list().is_empty());
    // The keychain entry is gone too: a new vault with the same service finds nothing.
    assert!(matches!(v.key("Client A"), Err(VaultError::NotFound(_))));
}

#[test]
fn no_key_ever_lands_in_a_file() {
    let home = tempfile::tempdir().unwrap();
    let v = vault(home.path(), "noleak");
    let account = synth::guid(3);
    let k = key(&account, 3);
    v.add("Main", &k, None).unwrap();
    v.rename("Main", "Renamed").unwrap();
    v.replace_key("Renamed", &ApiKey::new(key(&account, 4)))
        .unwrap();
    let payload = k.split('.').nth(2).unwrap().to_string();
    let files = all_files(home.path());
    assert!(!files.is_empty());
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(&k) && !text.contains(&payload),
            "key material in {}",
            path.display()
        );
        assert!(!text.contains("IST.eyJ"), "{}", path.display());
    }
    v.delete("Renamed").unwrap();
}

#[test]
fn non_keys_are_refused_with_the_badge_message() {
    let home = tempfile::tempdir().unwrap();
    let v = vault(home.path(), "refuse");
    let token = synth::oauth_access_token(&synth::guid(5), 1_700_000_000);
    match v.add("X", &token, None) {
        Err(VaultError::NotAnApiKey {
            message,
            guide_anchor,
            ..
        }) => {
            assert!(
                message.to_lowercase().contains("not an api key") || message.contains("temporary"),
                "{message}"
            );
            assert!(guide_anchor.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        v.add("X", &synth::guid(6), None),
        Err(VaultError::NotAnApiKey { .. })
    ));
    assert!(matches!(
        v.add("X", &key(&synth::guid(7), 7), Some("not-a-guid")),
        Err(VaultError::InvalidAccountId(_))
    ));
    assert!(v.list().is_empty());
}

#[test]
fn a_damaged_profiles_file_is_moved_aside() {
    let home = tempfile::tempdir().unwrap();
    let paths = Paths::under(home.path());
    std::fs::create_dir_all(&paths.config_dir).unwrap();
    std::fs::write(paths.profiles_file(), b"{\"profiles\": [ trunc").unwrap();
    let v = vault(home.path(), "damaged");
    let w = v.take_warning().expect("warned");
    assert!(w.contains("damaged"), "{w}");
    assert!(v.take_warning().is_none(), "said once");
    assert!(v.list().is_empty());
    assert!(std::fs::read_dir(&paths.config_dir)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains("damaged-")));
}

#[test]
fn without_a_secret_service_the_error_names_the_fix_and_nothing_is_written() {
    // Point this process's D-Bus at nothing; keyring must fail, not fall back to plaintext.
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "no_secret_service_child",
            "--nocapture",
            "--include-ignored",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("WIXDROP_TEST_HOME", home.path())
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("CHILD-OK"), "{text}");
    for (p, bytes) in all_files(home.path()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("IST."),
            "{}",
            p.display()
        );
    }
}

#[test]
#[ignore = "run by without_a_secret_service_… in a child process with no D-Bus"]
fn no_secret_service_child() {
    let home = std::env::var("WIXDROP_TEST_HOME").unwrap();
    let v = vault(Path::new(&home), "nobus");
    match v.add("X", &key(&synth::guid(8), 8), None) {
        Err(VaultError::Keychain(m)) => {
            assert!(
                m.contains("Secret Service") && m.contains("WIX_API_KEY"),
                "{m}"
            );
            println!("CHILD-OK");
        }
        other => panic!("expected a keychain error, got {other:?}"),
    }
    assert!(v.list().is_empty());
}
