//! Pictures of the main views, rendered by wgpu on Mesa's software
//! rasterizer (lavapipe) and compared with the baselines in
//! `tests/snapshots/`: a change that moves, cuts or recolours what a
//! reviewer sees fails here even when every accessibility query still
//! passes. Each view is drawn at the two sizes the window must fit,
//! 1280×800 (a laptop) and 1600×1000.
//!
//! After an intended change of the look, `UPDATE_SNAPSHOTS=1 cargo test
//! --test ui_snapshots` rewrites the baselines; look at every changed PNG
//! before committing it. A failing comparison leaves `NAME.new.png` and
//! `NAME.diff.png` beside the baseline.
#![cfg(feature = "gui")]

mod ui_support;

use egui_kittest::{Harness, SnapshotOptions, SnapshotResults};
use imrdesk::app::{Settings, Workstation, real_backend, screenshot};

/// The views a reviewer and a trainer work in, by the names the
/// screenshot script uses.
const VIEWS: [&str; 8] = [
    "checklist",
    "documents",
    "timeline",
    "decision",
    "letter",
    "training",
    "presentation",
    "dark",
];

const SIZES: [(f32, f32); 2] = [(1280.0, 800.0), (1600.0, 1000.0)];

/// The comparison: egui's default per-pixel colour tolerance, and a few
/// hundred differing pixels (a fraction of a word) for the software
/// rasterizer's rounding across Mesa builds. Anything that moves a line of
/// text or a panel edge changes thousands.
fn options() -> SnapshotOptions {
    SnapshotOptions::new().threshold(0.6).max_failed_pixels(300)
}

fn view(name: &str, size: (f32, f32)) -> Harness<'static, Workstation> {
    let mut ws = ui_support::in_memory(real_backend(), Settings::default());
    ws.open_demo();
    screenshot::set_up(&mut ws, name);
    let mut h = Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .wgpu()
        .build_ui_state(|ui, ws: &mut Workstation| ws.ui(ui), ws);
    h.run();
    h
}

#[test]
fn the_main_views_look_as_their_baselines_at_both_sizes() {
    let mut results = SnapshotResults::new();
    for (w, h) in SIZES {
        for name in VIEWS {
            let mut harness = view(name, (w, h));
            results.add(harness.try_snapshot_options(format!("{name}_{w}x{h}"), &options()));
        }
    }
    results.unwrap();
}
