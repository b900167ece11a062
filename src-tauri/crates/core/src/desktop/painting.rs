//! Where the window's web view paints: on the GPU when there is one, on the CPU when there is
//! none (Linux, WebKitGTK 2.46 and later).
//!
//! WebKitGTK paints page content with Skia, on the GPU by default. On a machine without a GPU
//! (a virtual machine, a remote desktop, a container, Xvfb) the "GPU" is Mesa's llvmpipe, which
//! emulates one on the CPU and compiles every shader with LLVM: painting then costs more CPU and
//! memory than Skia's own CPU painting, and a machine's first launch waits while llvmpipe compiles
//! shaders. Measured on a 2-core machine under Xvfb (`tests/bench/app_bench.sh`): Wixdrop's idle
//! memory 359 → 311 MB and its first launch 3.3–3.6 s → 0.8–1.2 s. So when no GPU can be
//! reached, Wixdrop asks WebKit to paint on the CPU (`WEBKIT_SKIA_ENABLE_CPU_RENDERING=1`, read
//! by the web process, which inherits the app's environment). Compositing stays on (turning it off,
//! `WEBKIT_DISABLE_COMPOSITING_MODE`, leaves a focused text field unrepainted on this WebKitGTK).
//!
//! "No GPU" is: no DRM render node (`/dev/dri/renderD*`), the only way a Linux process reaches
//! a GPU for rendering, or Mesa told to render in software (`LIBGL_ALWAYS_SOFTWARE`, or
//! `GALLIUM_DRIVER` naming llvmpipe or softpipe). A value the user set for the variable is
//! never overridden. Source: WebKitGTK's Skia port (Igalia, "Graphics improvements in WebKitGTK
//! and WPEWebKit 2.46": GPU painting is the default, CPU painting with threads the alternative).

use std::path::Path;

/// The environment variable WebKitGTK's web process reads: set (to anything but `0`), Skia
/// paints on the CPU.
pub const CPU_RENDERING_VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Where the web view paints, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Painting {
    /// WebKit's default: Skia on the GPU (a render node is there).
    Gpu,
    /// Skia on the CPU, chosen by Wixdrop; the reason in plain words.
    Cpu { reason: &'static str },
    /// The user set [`CPU_RENDERING_VAR`] themselves (its value); left as it is.
    SetByUser(String),
}

impl Painting {
    /// True if Wixdrop should set [`CPU_RENDERING_VAR`] to `1` before the web view starts.
    pub fn sets_cpu_rendering(&self) -> bool {
        matches!(self, Painting::Cpu { .. })
    }

    /// One line for diagnostics and the log: "on the CPU (no GPU: …)".
    pub fn describe(&self) -> String {
        match self {
            Painting::Gpu => "on the GPU (WebKit's default)".into(),
            Painting::Cpu { reason } => format!("on the CPU ({reason})"),
            Painting::SetByUser(v) => format!("as set by {CPU_RENDERING_VAR}={v}"),
        }
    }
}

/// Decide where to paint from the environment (`var` looks a variable up) and whether a DRM
/// render node exists. Pure: see [`detect`] for the real machine.
pub fn choose(var: impl Fn(&str) -> Option<String>, render_node: bool) -> Painting {
    if let Some(v) = var(CPU_RENDERING_VAR) {
        return Painting::SetByUser(v);
    }
    let software_forced = var("LIBGL_ALWAYS_SOFTWARE").is_some_and(|v| !v.is_empty() && v != "0")
        || var("GALLIUM_DRIVER").is_some_and(|d| {
            let d = d.to_ascii_lowercase();
            d == "llvmpipe" || d == "softpipe"
        });
    if software_forced {
        Painting::Cpu {
            reason: "Mesa is told to render in software",
        }
    } else if !render_node {
        Painting::Cpu {
            reason: "no GPU: no render node in /dev/dri",
        }
    } else {
        Painting::Gpu
    }
}

/// True if `dir` (normally `/dev/dri`) holds a DRM render node (`renderD128`…).
pub fn has_render_node(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// The choice for this machine and process environment. Linux only; elsewhere the web view is
/// not WebKitGTK and this is always [`Painting::Gpu`] (the platform's default).
pub fn detect() -> Painting {
    if cfg!(target_os = "linux") {
        choose(
            |k| std::env::var(k).ok(),
            has_render_node(Path::new("/dev/dri")),
        )
    } else {
        Painting::Gpu
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn a_machine_with_a_render_node_keeps_gpu_painting() {
        assert_eq!(choose(env(&[]), true), Painting::Gpu);
        assert!(!Painting::Gpu.sets_cpu_rendering());
    }

    #[test]
    fn no_render_node_means_cpu_painting() {
        let p = choose(env(&[]), false);
        assert!(p.sets_cpu_rendering());
        assert_eq!(
            p.describe(),
            "on the CPU (no GPU: no render node in /dev/dri)"
        );
    }

    #[test]
    fn software_gl_forced_means_cpu_painting_even_with_a_gpu() {
        for pairs in [
            &[("LIBGL_ALWAYS_SOFTWARE", "1")][..],
            &[("LIBGL_ALWAYS_SOFTWARE", "true")][..],
            &[("GALLIUM_DRIVER", "llvmpipe")][..],
            &[("GALLIUM_DRIVER", "softpipe")][..],
        ] {
            let p = choose(env(pairs), true);
            assert!(p.sets_cpu_rendering(), "{pairs:?}");
        }
        assert_eq!(
            choose(env(&[("LIBGL_ALWAYS_SOFTWARE", "0")]), true),
            Painting::Gpu
        );
        assert_eq!(
            choose(env(&[("LIBGL_ALWAYS_SOFTWARE", "")]), true),
            Painting::Gpu
        );
        assert_eq!(
            choose(env(&[("GALLIUM_DRIVER", "iris")]), true),
            Painting::Gpu
        );
    }

    #[test]
    fn the_users_own_setting_is_never_overridden() {
        for v in ["0", "1", ""] {
            let p = choose(env(&[(CPU_RENDERING_VAR, v)]), false);
            assert_eq!(p, Painting::SetByUser(v.into()));
            assert!(!p.sets_cpu_rendering());
        }
        assert_eq!(
            choose(env(&[(CPU_RENDERING_VAR, "0")]), false).describe(),
            "as set by WEBKIT_SKIA_ENABLE_CPU_RENDERING=0"
        );
    }

    #[test]
    fn render_nodes_are_found_in_a_real_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(
            !has_render_node(dir.path()),
            "a card node alone is not a render node"
        );
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
    }
}
