//! Startup to the first painted frame of the release binary, on the demo
//! case, under a virtual X server. Target: a median under 1 s.
//!
//!   cargo bench --bench startup            (IMRDESK_STARTUP_RUNS=N, default 9)
//!
//! Each run starts `imrdesk` with `IMRDESK_EXIT_AFTER_FIRST_FRAME=1` and a
//! fresh `XDG_DATA_HOME` (no saved layout, no autosave), so the app prints
//! the time from entering the window code to its first painted frame and
//! closes. The bench prints that figure and the wall time from spawning the
//! process to the printed line (which also counts the dynamic loader and
//! the command line). Without `DISPLAY` it starts `Xvfb` itself; without
//! either it says so and stops.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// A virtual X server for the runs when none is given.
struct Xvfb(Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn display() -> Option<(String, Option<Xvfb>)> {
    if let Ok(d) = std::env::var("DISPLAY")
        && !d.is_empty()
    {
        return Some((d, None));
    }
    let display = format!(":{}", 90 + std::process::id() % 100);
    let child = Command::new("Xvfb")
        .args([
            display.as_str(),
            "-screen",
            "0",
            "1440x900x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    std::thread::sleep(Duration::from_millis(700));
    Some((display, Some(Xvfb(child))))
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is ignored.
    let runs: usize = std::env::var("IMRDESK_STARTUP_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(9)
        .max(1);
    let Some((display, _xvfb)) = display() else {
        eprintln!("startup bench: no DISPLAY and no Xvfb to start; skipped");
        return;
    };
    let bin = env!("CARGO_BIN_EXE_imrdesk");
    let mut inside = Vec::new();
    let mut wall = Vec::new();
    for run in 0..runs {
        let Ok(data) = tempfile::tempdir() else {
            eprintln!("startup bench: cannot create a temporary folder");
            return;
        };
        let spawned = Instant::now();
        let child = Command::new(bin)
            .env("DISPLAY", &display)
            .env("XDG_DATA_HOME", data.path())
            .env("IMRDESK_EXIT_AFTER_FIRST_FRAME", "1")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                eprintln!("startup bench: cannot start {bin}: {e}");
                return;
            }
        };
        let mut printed = None;
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(ms) = line
                    .strip_prefix("first frame painted after ")
                    .and_then(|r| r.strip_suffix(" ms"))
                    .and_then(|n| n.parse::<f64>().ok())
                {
                    printed = Some((ms, spawned.elapsed().as_secs_f64() * 1000.0));
                }
            }
        }
        let _ = child.wait();
        match printed {
            Some((ms, total)) => {
                println!(
                    "run {}: first frame {ms:.1} ms in the app, {total:.1} ms from spawn",
                    run + 1
                );
                inside.push(ms);
                wall.push(total);
            }
            None => eprintln!("run {}: the app printed no first-frame time", run + 1),
        }
    }
    if wall.is_empty() {
        eprintln!("startup bench: no run reached a first frame");
        std::process::exit(1);
    }
    println!(
        "startup to first frame over {} runs: median {:.1} ms in the app, {:.1} ms from spawn (target < 1000 ms)",
        wall.len(),
        median(&mut inside),
        median(&mut wall)
    );
}
