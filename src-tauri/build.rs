//! tauri-build: embeds the config and declares our commands, so the capability file can allow
//! each one by name (`allow-app-info` …) instead of everything at once.

const COMMANDS: &[&str] = &["app_info", "save_settings", "inspect_credential"];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
