//! A bare Tauri 2 window with one static page: what any Tauri app costs on this machine.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the bare window could not start");
}
