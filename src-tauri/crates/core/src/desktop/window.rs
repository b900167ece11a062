//! The main window's first size: the size `tauri.conf.json` asks for, made to fit the screen.
//!
//! A desktop window manager keeps a new window on screen; without one (a kiosk, a bare X
//! server, some remote desktops) a 1180×780 window on a 1024×600 screen is cut off, its buttons
//! out of reach. So the window is made to fit the monitor's work area (the screen without
//! panels and docks) first, never below its minimum size. Sizes are logical pixels.

/// Room kept for the window's frame around its inner size (title bar, borders): the work area
/// holds the whole window, the configured size is the inner one.
pub const FRAME: (f64, f64) = (16.0, 48.0);

/// The inner size to create the window with: `want` (width, height), shrunk to fit `area` (the
/// monitor's work area, frame included) but never below `min`. Sizes that are not finite or
/// not positive (an unknown monitor) leave `want` as it is.
pub fn fit_inner_size(want: (f64, f64), min: (f64, f64), area: (f64, f64)) -> (f64, f64) {
    let fit = |want: f64, min: f64, area: f64, frame: f64| {
        if !(area.is_finite() && area > 0.0) {
            return want;
        }
        want.min(area - frame).max(min).floor()
    };
    (
        fit(want.0, min.0, area.0, FRAME.0),
        fit(want.1, min.1, area.1, FRAME.1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const WANT: (f64, f64) = (1180.0, 780.0);
    const MIN: (f64, f64) = (800.0, 600.0);

    #[test]
    fn a_large_screen_gets_the_configured_size() {
        assert_eq!(fit_inner_size(WANT, MIN, (1920.0, 1040.0)), WANT);
        assert_eq!(fit_inner_size(WANT, MIN, (1280.0, 800.0)), (1180.0, 752.0));
    }

    #[test]
    fn a_small_screen_gets_a_window_inside_its_work_area() {
        // A 1366×768 laptop with a 32 px panel.
        assert_eq!(fit_inner_size(WANT, MIN, (1366.0, 736.0)), (1180.0, 688.0));
        assert_eq!(fit_inner_size(WANT, MIN, (1024.0, 700.0)), (1008.0, 652.0));
    }

    #[test]
    fn never_below_the_minimum_even_on_a_tinier_screen() {
        assert_eq!(fit_inner_size(WANT, MIN, (800.0, 600.0)), MIN);
        assert_eq!(fit_inner_size(WANT, MIN, (640.0, 480.0)), MIN);
    }

    #[test]
    fn an_unknown_work_area_changes_nothing() {
        assert_eq!(fit_inner_size(WANT, MIN, (0.0, 0.0)), WANT);
        assert_eq!(fit_inner_size(WANT, MIN, (f64::NAN, f64::INFINITY)), WANT);
    }

    #[test]
    fn fractional_sizes_from_a_scaled_monitor_round_down() {
        // A 2560×1440 work area at 1.75× is 1462.86×822.86 logical pixels.
        assert_eq!(
            fit_inner_size(WANT, MIN, (1462.86, 822.86)),
            (1180.0, 774.0)
        );
        assert_eq!(
            fit_inner_size(WANT, MIN, (1097.14, 617.14)),
            (1081.0, 600.0)
        );
    }
}
