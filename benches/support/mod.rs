//! What the window benchmarks share: a deterministic generator, a
//! workstation over a fixed case with fakes for the clock, the disk and the
//! dialogs, and one measured frame (layout, every visible panel,
//! tessellation), so `frame` and `limits` time the same thing.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use imrdesk::app::{Backend, Env, ScriptedDialogs, Settings, Workstation};
use imrdesk::assessment::Analysis;
use imrdesk::case::Case;
use imrdesk::review::{FixedClock, MemoryFs};

/// A small deterministic generator, so every run builds the same case.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    pub fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options
            .get(self.next() % options.len().max(1))
            .copied()
            .unwrap_or("")
    }
}

/// A workstation showing the case `demo_case` builds, analysed by
/// `analyze`; nothing touches the real disk or clock.
pub fn workstation(
    demo_case: fn(chrono::NaiveDate) -> Case,
    analyze: fn(&Case, &imrdesk::guideline::Library) -> Analysis,
) -> Workstation {
    let env = Env {
        clock: Box::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
                .single()
                .unwrap_or_default(),
        )),
        fs: Box::new(MemoryFs::new()),
        dialogs: Box::new(ScriptedDialogs::default()),
        backend: Backend {
            demo_case,
            import: |p| Err(format!("{}: not in the benchmark", p.display())),
            analyze,
        },
        autosave_dir: None::<PathBuf>,
        library: std::sync::Arc::new(
            imrdesk::guideline::Library::builtin()
                .unwrap_or_else(|e| panic!("built-in library: {e}")),
        ),
    };
    let mut ws = Workstation::new(env, Settings::default(), None);
    ws.open_demo();
    ws
}

/// One whole frame of a 1440×900 window.
pub fn frame(ctx: &egui::Context, ws: &mut Workstation) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1440.0, 900.0),
        )),
        ..Default::default()
    };
    let mut out = ctx.run_ui(input, |ui| ws.ui(ui));
    let shapes = std::mem::take(&mut out.shapes);
    std::hint::black_box(ctx.tessellate(shapes, out.pixels_per_point));
    // No renderer uploads the font atlas here; dropping undelivered texture
    // updates trips egui's debug check when the bench runs as a test.
    out.textures_delta.clear();
}

/// The median of `n` frames in milliseconds, after three to settle layout.
pub fn median_frame_ms(ctx: &egui::Context, ws: &mut Workstation, n: usize) -> f64 {
    for _ in 0..3 {
        frame(ctx, ws);
    }
    let mut times: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            frame(ctx, ws);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times.get(n / 2).copied().unwrap_or(f64::NAN)
}
