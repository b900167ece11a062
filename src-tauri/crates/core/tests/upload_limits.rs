//! Uploads meet Wix's live shapes and limits (wix-api.md §8), over real HTTP to the emulator:
//! a relative descriptor URL is reported and kept absolute; a 250-character name goes out
//! within `fileName`'s 200 characters (extension kept, full name kept locally); a 6-level tree
//! of long folder names mirrors folder by folder, with and without Read Media Manager.

mod upload_support;

use reqwest::Method;
use serde_json::{json, Value};
use upload_support::*;
use wixdrop_core::secret::ApiKey;
use wixdrop_core::upload::{Destination, HistoryQuery, Stage, UploadRequest};
use wixdrop_core::wix::limits::{fit_folder_name, wix_len, FILE_NAME_MAX};
use wixdrop_core::wix::media::list_folders;

/// What the emulator itself answers for a file (raw Wix JSON, not Wixdrop's reading of it).
async fn raw_descriptor(env: &Env, file_id: &str) -> Value {
    let resp = env
        .http
        .get(format!(
            "{}/site-media/v1/files/get-file-by-id?fileId={file_id}",
            env.emu.base_url()
        ))
        .header("Authorization", &env.emu.seed().api_key)
        .header("wix-site-id", env.site())
        .send()
        .await
        .unwrap();
    resp.json::<Value>().await.unwrap()["file"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relative_descriptor_url_is_reported_and_stored_absolute() {
    let env = start().await;
    let engine = env.engine(settings());
    let font = env.file("brand.woff2", &[7u8; 3000]);
    let doc = env.file("terms.pdf", b"%PDF-1.4\n% not much of a pdf\n");
    let ids = engine.enqueue(vec![env.root(&font), env.root(&doc)]);
    idle(&engine, 30).await;
    for (id, kind) in ids.iter().zip(["ufonts/", "ugd/"]) {
        let v = view(&engine, *id);
        assert_eq!(v.stage, Stage::Done, "{v:?}");
        let file = v.file.unwrap();
        // The emulator answered with a relative URL, as live Wix does for these kinds…
        let raw = raw_descriptor(&env, &file.file_id).await;
        let relative = raw["url"].as_str().unwrap();
        assert!(relative.starts_with(kind), "{raw}");
        // …and Wixdrop reports, and keeps in the history, the absolute one.
        let want = format!("https://static.wixstatic.com/{relative}");
        assert_eq!(file.url.as_deref(), Some(want.as_str()));
        let h = env
            .journal()
            .history(&HistoryQuery::default())
            .unwrap()
            .into_iter()
            .find(|h| h.file_id == file.file_id)
            .unwrap();
        assert_eq!(h.url.as_deref(), Some(want.as_str()));
    }
}

/// 250 characters, 255 bytes (Linux's limit for one name): two multi-byte letters and an emoji.
fn long_name(tag: char, ext: &str) -> String {
    let stem_len = 250 - 3 - 1 - ext.len() - 1;
    let name = format!("Éü📷{tag}{}.{ext}", "x".repeat(stem_len));
    assert_eq!(name.chars().count(), 250);
    assert!(name.len() <= 255);
    name
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_250_character_name_is_sent_short_and_kept_whole() {
    let env = start().await;
    let engine = env.engine(settings());
    // One plain upload, one over tus (above the 1 MB threshold); they share all but one letter.
    let small = env.file(&long_name('A', "jpg"), &jpeg(4000, 1));
    let big = env.generated(&long_name('B', "jpg"), 2 * MIB, 2);
    let ids = engine.enqueue(vec![env.root(&small), env.root(&big)]);
    idle(&engine, 60).await;
    let stored = env.stored().await;
    assert_eq!(stored.len(), 2);
    let mut names: Vec<String> = Vec::new();
    for (id, path) in ids.iter().zip([&small, &big]) {
        let v = view(&engine, *id);
        assert_eq!(v.stage, Stage::Done, "{v:?}");
        let local = path.file_name().unwrap().to_str().unwrap().to_string();
        assert_eq!(v.file_name, local, "the queue shows the full local name");
        let file_id = v.file.unwrap().file_id;
        let sent = stored.iter().find(|f| f["id"] == file_id.as_str()).unwrap()["displayName"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(wix_len(&sent) <= FILE_NAME_MAX, "{sent}");
        assert!(sent.ends_with(".jpg"), "{sent}");
        assert!(sent.starts_with("Éü📷"), "{sent}");
        names.push(sent);
        let h = env
            .journal()
            .history(&HistoryQuery::default())
            .unwrap()
            .into_iter()
            .find(|h| h.file_id == file_id)
            .unwrap();
        assert_eq!(h.file_name, local, "the history keeps the full local name");
    }
    assert_ne!(
        names[0], names[1],
        "two long names sharing a start stay apart"
    );
}

/// Six levels, each name long; one over Create Folder's 200 characters. The path is far over
/// `filePath`'s 100.
fn tree(env: &Env) -> (std::path::PathBuf, Vec<String>) {
    let levels: Vec<String> = vec![
        "Client projects 2026 — final deliverables".into(),
        "Spring campaign photography (approved)".into(),
        format!("Location shoot {}", "very long folder name ".repeat(10)),
        "Selects for print and web, colour graded".into(),
        "High resolution exports for the website".into(),
        "Ünïcödé and emoji 📷 folder, level six".into(),
    ];
    let root = env.dir.path().join("files").join(&levels[0]);
    let mut dir = root.clone();
    for (i, name) in levels.iter().enumerate() {
        if i > 0 {
            dir = dir.join(name);
        }
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("level{}.jpg", i + 1)),
            jpeg(1000 + i, i as u8),
        )
        .unwrap();
    }
    (root, levels)
}

/// Walk the folder chain through the API (fitted names), one folder per level, and check that
/// each level's file landed in it.
async fn assert_mirrored(env: &Env, levels: &[String]) {
    let (c, k, s) = (env.client(), env.key(), env.site().to_string());
    let stored = env.stored().await;
    let mut parent = "media-root".to_string();
    for (i, name) in levels.iter().enumerate() {
        let want = fit_folder_name(name).into_owned();
        let matches: Vec<_> = list_folders(&c, &k, &s, &parent)
            .await
            .unwrap()
            .into_iter()
            .filter(|f| f.display_name == want)
            .collect();
        assert_eq!(matches.len(), 1, "exactly one folder {want:?} in {parent}");
        parent = matches[0].id.clone();
        let file = stored
            .iter()
            .find(|f| f["displayName"] == format!("level{}.jpg", i + 1).as_str())
            .unwrap();
        assert_eq!(file["parentFolderId"], parent.as_str(), "level {}", i + 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_six_level_tree_of_long_folder_names_mirrors() {
    let env = start().await;
    let engine = env.engine(settings());
    let (root, levels) = tree(&env);
    let ids = engine.enqueue(vec![env.root(&root)]);
    assert_eq!(ids.len(), 6);
    idle(&engine, 60).await;
    assert!(ids.iter().all(|id| view(&engine, *id).stage == Stage::Done));
    assert_mirrored(&env, &levels).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_read_permission_a_long_path_is_created_folder_by_folder() {
    let env = start().await;
    let minted = env
        .control(
            Method::POST,
            "/__emulator/keys",
            Some(json!({"account_id": env.emu.seed().account_id, "permissions": ["manage_media"]})),
        )
        .await;
    let manage_only = ApiKey::new(minted["api_key"].as_str().unwrap().to_string());
    let engine = env.engine(settings());
    let (root, levels) = tree(&env);
    // A short path too, which still goes as one `filePath`.
    let short = env.file("short/one.jpg", &jpeg(900, 9));
    let req = |path: &std::path::Path, folder: Destination| UploadRequest {
        key: manage_only.clone(),
        ..env.request(path, folder)
    };
    let ids = engine.enqueue(vec![
        req(&root, Destination::default()),
        req(&short, Destination::Path("/Short path".into())),
    ]);
    assert_eq!(ids.len(), 7);
    idle(&engine, 60).await;
    for id in &ids {
        let v = view(&engine, *id);
        assert_eq!(v.stage, Stage::Done, "{v:?}");
    }
    assert_mirrored(&env, &levels).await;
    // No generate call carried a path over 100 characters (the emulator would have said 400),
    // and the short one did use filePath.
    let log = env.log().await;
    assert!(log.iter().all(|r| r["status"] != 400), "{log:?}");
    let short_file = env
        .stored()
        .await
        .into_iter()
        .find(|f| f["displayName"] == "one.jpg")
        .unwrap();
    let folders = list_folders(&env.client(), &env.key(), env.site(), "media-root")
        .await
        .unwrap();
    let short_folder = folders
        .iter()
        .find(|f| f.display_name == "Short path")
        .unwrap();
    assert_eq!(short_file["parentFolderId"], short_folder.id.as_str());
}
