//! imrdesk: the engine and review state behind the IMR reviewer workstation.
//!
//! Layers, one direction: `case`/`fact`/`request` (data) ← `ingest` and
//! `extract` (records in, facts out) ← `guideline` and `engine` (criteria,
//! answers, suggestions) ← `review` (the reviewer's work) ← `export` and, with
//! the `gui` feature, `app` (the window). Nothing outside `app` depends on egui.

#[cfg(feature = "gui")]
pub mod app;
pub mod assessment;
pub mod case;
pub mod cli;
pub mod drug;
pub mod engine;
pub mod eval;
pub mod export;
pub mod extract;
pub mod fact;
pub mod guideline;
pub mod ingest;
pub mod request;
pub mod review;
pub mod text;
pub mod timeline;
