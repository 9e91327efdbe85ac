//! The command line: the same binary as the workstation, for batch work and tests.
//!
//! `imrdesk [FILE]` opens the window; `imrdesk analyze|eval|export …` work
//! without one. Every failure prints one line naming the file and the cause and
//! exits non-zero, so scripts can rely on the status.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::assessment::Analysis;
use crate::case::Case;
use crate::guideline::Library;

/// imrdesk: the Independent Medical Review workstation.
#[derive(Debug, Parser)]
#[command(name = "imrdesk", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A letter (txt/pdf), a folder of records or a review file to open in the
    /// window; the built-in demo case when omitted.
    pub file: Option<PathBuf>,
    /// Load guidelines from this folder instead of the built-in library.
    #[arg(long, global = true, value_name = "DIR")]
    pub guidelines: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse a case and print it (facts, timeline, items and the engine's suggestions).
    Analyze {
        /// A letter (txt/pdf), a folder of records, a review file, or several record files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
        format: OutputFormat,
    },
    /// Compare the engine with the experts on a folder of published letters.
    Eval {
        dir: PathBuf,
        /// Also write the summary as JSON to this file.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// Export the determination letter or the structured review.
    Export {
        /// A letter, a records folder or a review file.
        file: PathBuf,
        #[arg(long, value_name = "FORMAT")]
        format: String,
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
    },
    /// Check the signature of review files: signed or not, by whom, key
    /// fingerprint, trusted or not, intact or altered. Exits non-zero when
    /// any file is not intact or not signed by a trusted key.
    Verify {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Ron,
}

/// Parses the process arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("imrdesk: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a parsed command line; the error is the one line to print.
pub fn run(cli: Cli) -> Result<(), String> {
    if let Some(Command::Verify { files }) = &cli.command {
        return verify(files);
    }
    let library = load_library(cli.guidelines.as_deref())?;
    match cli.command {
        Some(Command::Verify { .. }) => Ok(()),
        Some(Command::Analyze { paths, format }) => analyze(&paths, format, &library),
        Some(Command::Eval { dir, json }) => eval(&dir, json.as_deref(), &library),
        Some(Command::Export {
            file,
            format,
            output,
        }) => export(&file, &format, &output, &library),
        None => open_window(cli.file, library),
    }
}

fn load_library(dir: Option<&Path>) -> Result<Library, String> {
    match dir {
        Some(dir) => Library::load_dir(dir).map_err(|e| e.to_string()),
        None => Library::builtin().map_err(|e| e.to_string()),
    }
}

#[cfg(feature = "gui")]
fn open_window(file: Option<PathBuf>, library: Library) -> Result<(), String> {
    crate::app::run(file, library)
}

#[cfg(not(feature = "gui"))]
fn open_window(_file: Option<PathBuf>, _library: Library) -> Result<(), String> {
    Err(
        "this build has no window (built without the `gui` feature); use a subcommand, see --help"
            .into(),
    )
}

/// Loads one case from the paths given on the command line.
fn load_case(paths: &[PathBuf]) -> Result<(Case, Vec<String>), String> {
    let imported = match paths {
        [one] => crate::ingest::load(one),
        many => crate::ingest::load_many(many),
    }
    .map_err(|e| e.to_string())?;
    Ok((imported.case, imported.warnings))
}

fn analyze(paths: &[PathBuf], format: OutputFormat, library: &Library) -> Result<(), String> {
    let (case, warnings) = match paths {
        [one] => match open_any(one)? {
            Opened::Review(state) => (state.case.clone(), Vec::new()),
            Opened::Case(case, warnings) => (*case, warnings),
        },
        many => load_case(many)?,
    };
    print_warnings(paths, &warnings);
    let analysis = crate::engine::analyze(&case, library);
    let report = AnalyzeReport::new(&case, &analysis);
    let text = match format {
        OutputFormat::Json => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
        OutputFormat::Ron => ron::ser::to_string_pretty(&report, ron::ser::PrettyConfig::default())
            .map_err(|e| e.to_string())?,
    };
    write_stdout(&text)
}

/// Prints import warnings, each naming the file it concerns.
fn print_warnings(paths: &[PathBuf], warnings: &[String]) {
    let single = match paths {
        [one] => Some(one.display().to_string()),
        _ => None,
    };
    for w in warnings {
        match &single {
            Some(path) if !w.contains(path.as_str()) => eprintln!("imrdesk: warning: {path}: {w}"),
            _ => eprintln!("imrdesk: warning: {w}"),
        }
    }
}

fn write_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| format!("cannot write to standard output: {e}"))
}

fn eval(dir: &Path, json: Option<&Path>, library: &Library) -> Result<(), String> {
    let report = crate::eval::evaluate_dir(dir, library).map_err(|e| e.to_string())?;
    write_stdout(&crate::eval::render_table(&report))?;
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        crate::export::file::write_guarded(path, text.as_bytes(), &[dir])
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// `imrdesk verify`: one line per file; an error when any file is not a
/// review, not intact, unsigned, or signed by a key not trusted here.
fn verify(files: &[PathBuf]) -> Result<(), String> {
    use crate::review::Verification;
    let store = crate::review::KeyStore::open_default().map_err(|e| e.to_string())?;
    let mut failed = 0;
    for path in files {
        let line = match read_review_for_verify(path) {
            Ok(state) => {
                let v = store.verify(&state);
                if !v.is_verified() {
                    failed += 1;
                }
                match &v {
                    Verification::Intact { .. } => format!("{}: {v}", path.display()),
                    Verification::Unsigned => {
                        format!("{}: not signed (status {})", path.display(), state.status)
                    }
                    _ => format!("{}: {v}", path.display()),
                }
            }
            Err(e) => {
                failed += 1;
                e
            }
        };
        write_stdout(&line)?;
    }
    match failed {
        0 => Ok(()),
        n => Err(format!(
            "{n} of {} file(s) not intact or not signed by a trusted key",
            files.len()
        )),
    }
}

/// Opens a review for `verify`: like the loader, but an altered signature is
/// a result to print rather than the end of the run.
fn read_review_for_verify(path: &Path) -> Result<crate::review::ReviewState, String> {
    use crate::review::file::ReviewFileError;
    match crate::review::file::load(&crate::review::env::RealFs, path) {
        Ok(state) => Ok(state),
        Err(ReviewFileError::SignatureMismatch { reason, .. }) => {
            Err(format!("{}: ALTERED: {reason}", path.display()))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// What a path on the command line turned out to be.
enum Opened {
    /// A saved review (the reviewer's work on a case).
    Review(Box<crate::review::ReviewState>),
    /// A case read from a letter, records or a case file, with import warnings.
    Case(Box<Case>, Vec<String>),
}

/// Opens a review file when the path is one, otherwise imports the case.
fn open_any(path: &Path) -> Result<Opened, String> {
    if crate::review::file::is_review_path(path) {
        return crate::review::file::load(&crate::review::env::RealFs, path)
            .map(|state| Opened::Review(Box::new(state)))
            .map_err(|e| e.to_string());
    }
    let is_ron = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ron"));
    if is_ron {
        match crate::review::file::load(&crate::review::env::RealFs, path) {
            Ok(state) => return Ok(Opened::Review(Box::new(state))),
            Err(review_error) => {
                // Not a review: it may be a bare case file. Report the review
                // error when it is neither, as that is the richer format.
                return match crate::ingest::load(path) {
                    Ok(imported) => Ok(Opened::Case(Box::new(imported.case), imported.warnings)),
                    Err(_) => Err(review_error.to_string()),
                };
            }
        }
    }
    let (case, warnings) = load_case(&[path.to_path_buf()])?;
    Ok(Opened::Case(Box::new(case), warnings))
}

fn export(file: &Path, format: &str, output: &Path, library: &Library) -> Result<(), String> {
    let outcome = crate::export::file::export_file(file, format, output, library)
        .map_err(|e| e.to_string())?;
    for issue in &outcome.issues {
        eprintln!("imrdesk: {}: {}", file.display(), issue.message);
    }
    for warning in &outcome.warnings {
        eprintln!("imrdesk: warning: {}: {warning}", outcome.output.display());
    }
    let kind = if outcome.draft { "draft" } else { "final" };
    eprintln!(
        "imrdesk: wrote {} ({kind} {}, {} bytes)",
        outcome.output.display(),
        outcome.format.label(),
        outcome.bytes
    );
    Ok(())
}

/// The stable JSON interface of `imrdesk analyze` (documented in the README).
#[derive(Debug, Serialize)]
pub struct AnalyzeReport<'a> {
    pub case_number: Option<&'a str>,
    pub meta: &'a crate::case::CaseMeta,
    pub patient: &'a crate::case::Patient,
    pub reviewer: &'a crate::case::ReviewerCredentials,
    pub documents: Vec<DocumentSummary<'a>>,
    pub disputed_items: Vec<ItemSummary<'a>>,
    pub facts: Vec<FactSummary<'a>>,
    pub timeline: Vec<EventSummary<'a>>,
    pub warnings: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct DocumentSummary<'a> {
    pub id: String,
    pub kind: crate::case::DocumentKind,
    pub title: &'a str,
    pub date: Option<chrono::NaiveDate>,
    /// The file the document came from; a non-UTF-8 name is shown lossily
    /// (JSON strings are Unicode), the file itself is read by its exact path.
    pub origin: Option<String>,
    pub chars: usize,
}

#[derive(Debug, Serialize)]
pub struct ItemSummary<'a> {
    pub id: String,
    pub text: &'a str,
    pub partial: Option<&'a crate::case::PartialCertification>,
    pub depends_on: Option<String>,
    pub request: Option<&'a crate::request::Request>,
    pub guideline: Option<&'a crate::assessment::GuidelineChoice>,
    pub criteria: Option<&'a [crate::assessment::CriterionResult]>,
    pub suggestion: Option<&'a crate::assessment::Suggestion>,
}

#[derive(Debug, Serialize)]
pub struct FactSummary<'a> {
    pub kind: crate::fact::FactKind,
    pub concept: &'a str,
    pub document: String,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub certainty: crate::fact::Certainty,
    pub subject: crate::fact::Subject,
    pub date: Option<String>,
    pub region: Option<crate::fact::BodyRegion>,
    pub side: Option<crate::fact::Side>,
    pub value: Option<f64>,
    pub detail: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct EventSummary<'a> {
    pub date: String,
    pub lane: crate::timeline::Lane,
    pub label: &'a str,
    pub document: Option<String>,
    pub start: Option<usize>,
    pub end: Option<usize>,
}

impl<'a> AnalyzeReport<'a> {
    pub fn new(case: &'a Case, analysis: &'a Analysis) -> Self {
        let documents = case
            .documents
            .iter()
            .map(|d| DocumentSummary {
                id: d.id.to_string(),
                kind: d.kind,
                title: &d.title,
                date: d.date,
                origin: d
                    .origin
                    .as_deref()
                    .map(|p| p.to_string_lossy().into_owned()),
                chars: d.text.chars().count(),
            })
            .collect();
        let disputed_items = case
            .items
            .iter()
            .map(|item| {
                let assessed = analysis.items.iter().find(|a| a.item == item.id);
                ItemSummary {
                    id: item.id.to_string(),
                    text: &item.text,
                    partial: item.partial.as_ref(),
                    depends_on: item.depends_on.map(|d| d.to_string()),
                    request: assessed.map(|a| &a.request),
                    guideline: assessed.and_then(|a| a.guideline.as_ref()),
                    criteria: assessed.map(|a| a.criteria.as_slice()),
                    suggestion: assessed.map(|a| &a.suggestion),
                }
            })
            .collect();
        let facts = analysis
            .facts
            .iter()
            .map(|f| FactSummary {
                kind: f.kind,
                concept: &f.concept,
                document: f.doc.to_string(),
                start: f.span.start,
                end: f.span.end,
                text: case
                    .document(f.doc)
                    .map(|d| f.span.slice(&d.text))
                    .unwrap_or(""),
                certainty: f.certainty,
                subject: f.subject,
                date: f.date.map(|d| d.date.to_string()),
                region: f.region,
                side: f.side,
                value: f.value,
                detail: f.detail.as_deref(),
            })
            .collect();
        let timeline = analysis
            .timeline
            .events
            .iter()
            .map(|e| EventSummary {
                date: e.date.date.to_string(),
                lane: e.lane,
                label: &e.label,
                document: e.doc.map(|d| d.to_string()),
                start: e.span.map(|s| s.start),
                end: e.span.map(|s| s.end),
            })
            .collect();
        AnalyzeReport {
            case_number: case.meta.case_number.as_deref(),
            meta: &case.meta,
            patient: &case.patient,
            reviewer: &case.reviewer,
            documents,
            disputed_items,
            facts,
            timeline,
            warnings: &analysis.warnings,
        }
    }
}
