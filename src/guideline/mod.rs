//! The guideline library: treatment guidelines as data.
//!
//! Each guideline is one RON file under `assets/guidelines/`. The built-in
//! library embeds those files so the binary works anywhere; a clinical lead
//! can also point the program at a folder to add or correct a guideline
//! without a rebuild ([`Library::load_dir`]). Every file is validated when it
//! is loaded, and errors name the file and the line, because a silently
//! ignored criterion would change decisions without anyone noticing.

mod builtin;
mod schema;
mod validate;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use thiserror::Error;

pub use schema::{
    Applies, Branch, CitationSource, Cite, Criterion, DecisionRule, Definition, Definitions,
    Expect, Guideline, Node, Operation, Rank, RegionScope, RequestField, Rule,
};
pub use validate::{known_concepts, statement_clauses, unmatchable};

/// Why a guideline file could not be loaded. Every variant names the file and,
/// where it applies, the line, so the author can go straight to the mistake.
#[derive(Debug, Error)]
pub enum GuidelineError {
    #[error("{file}: cannot read the guideline file: {cause}")]
    Unreadable { file: PathBuf, cause: String },
    #[error("{file}:{line}:{column}: malformed RON: {cause}")]
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        cause: String,
    },
    #[error("{file}:{line}: {cause}")]
    Invalid {
        file: PathBuf,
        line: usize,
        cause: String,
    },
    #[error("{dir}: no guideline files (*.ron) in the folder")]
    EmptyFolder { dir: PathBuf },
}

impl GuidelineError {
    /// The file the error is about.
    pub fn file(&self) -> &Path {
        match self {
            GuidelineError::Unreadable { file, .. }
            | GuidelineError::Syntax { file, .. }
            | GuidelineError::Invalid { file, .. } => file,
            GuidelineError::EmptyFolder { dir } => dir,
        }
    }

    /// The 1-based line of the mistake, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            GuidelineError::Syntax { line, .. } | GuidelineError::Invalid { line, .. } => {
                Some(*line)
            }
            _ => None,
        }
    }
}

/// A validated set of guidelines.
#[derive(Debug, Clone, Default)]
pub struct Library {
    guidelines: Vec<Guideline>,
    /// Where the library came from ("built-in" or the folder).
    name: String,
    /// SHA-256 (hex) over every file's name and text, in name order: what a
    /// signed review records, so its letter is never recomputed from another
    /// library.
    content_hash: String,
}

impl Library {
    /// The library compiled into the binary. The embedded files are checked by
    /// the test suite, so a failure here is a build defect; it still returns
    /// an error rather than panicking.
    pub fn builtin() -> Result<Library, GuidelineError> {
        let sources: Vec<(PathBuf, &str)> = builtin::FILES
            .iter()
            .map(|(name, text)| (PathBuf::from("assets/guidelines").join(name), *text))
            .collect();
        let mut library = Library::from_sources(sources.iter().map(|(p, t)| (p.as_path(), *t)))?;
        library.name = "built-in".to_string();
        Ok(library)
    }

    /// Loads every `*.ron` file of a folder (sorted by name) as one library.
    pub fn load_dir(dir: &Path) -> Result<Library, GuidelineError> {
        let entries = std::fs::read_dir(dir).map_err(|e| GuidelineError::Unreadable {
            file: dir.to_path_buf(),
            cause: e.to_string(),
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(GuidelineError::EmptyFolder {
                dir: dir.to_path_buf(),
            });
        }
        let mut texts = Vec::with_capacity(paths.len());
        for p in &paths {
            // Regular files only, size-checked before and during the read: a
            // FIFO named `x.ron` would otherwise hang every command.
            let bytes = crate::review::env::read_regular(p, crate::ingest::MAX_FILE_BYTES)
                .map_err(|e| GuidelineError::Unreadable {
                    file: p.clone(),
                    cause: e.to_string(),
                })?;
            let text = String::from_utf8(bytes).map_err(|_| GuidelineError::Unreadable {
                file: p.clone(),
                cause: "not UTF-8 text".into(),
            })?;
            let text = text
                .strip_prefix('\u{FEFF}')
                .map(str::to_string)
                .unwrap_or(text);
            texts.push((p.clone(), text));
        }
        let mut library =
            Library::from_sources(texts.iter().map(|(p, t)| (p.as_path(), t.as_str())))?;
        library.name = dir.display().to_string();
        Ok(library)
    }

    /// Parses and validates guideline sources given as (file name, text).
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a Path, &'a str)>,
    ) -> Result<Library, GuidelineError> {
        let mut parsed: Vec<(PathBuf, &str, Guideline)> = Vec::new();
        let mut hashed: Vec<(String, &str)> = Vec::new();
        let mut definitions: Option<(PathBuf, &str, Definitions)> = None;
        for (path, text) in sources {
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            hashed.push((file.clone(), text));
            if file == DEFINITIONS_FILE {
                let d = parse_as::<Definitions>(path, text)?;
                validate::check_definitions(path, text, &d)?;
                definitions = Some((path.to_path_buf(), text, d));
                continue;
            }
            let g = parse_one(path, text)?;
            validate::check_guideline(path, text, &g)?;
            parsed.push((path.to_path_buf(), text, g));
        }
        validate::resolve_definitions(&mut parsed, definitions.as_ref())?;
        validate::check_library(&parsed)?;
        hashed.sort();
        let mut digest = Sha256::new();
        for (file, text) in &hashed {
            digest.update(file.as_bytes());
            digest.update([0u8]);
            digest.update(text.as_bytes());
            digest.update([0u8]);
        }
        let content_hash = digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let library = Library {
            guidelines: parsed.into_iter().map(|(_, _, g)| g).collect(),
            name: "sources".to_string(),
            content_hash,
        };
        library.compile();
        Ok(library)
    }

    /// All guidelines, in load order.
    /// Builds every phrase matcher now, at load, so the first case
    /// analysed pays nothing for it.
    fn compile(&self) {
        fn walk(rule: &Rule) {
            match rule {
                Rule::Phrase {
                    terms,
                    near,
                    compiled,
                    ..
                } => {
                    compiled.get(terms, near);
                }
                Rule::AnyOf(rules) => rules.iter().for_each(walk),
                _ => {}
            }
        }
        for g in &self.guidelines {
            for c in &g.criteria {
                walk(&c.rule);
            }
        }
    }

    /// Where the library came from: "built-in" or the folder it was read from.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// SHA-256 (hex) of the library's files (names and texts).
    pub fn content_hash(&self) -> &str {
        &self.content_hash
    }

    pub fn guidelines(&self) -> &[Guideline] {
        &self.guidelines
    }

    /// The guideline with this id.
    pub fn get(&self, id: &str) -> Option<&Guideline> {
        self.guidelines.iter().find(|g| g.id == id)
    }

    pub fn len(&self) -> usize {
        self.guidelines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.guidelines.is_empty()
    }
}

/// The file of a guideline folder that holds the named definitions (value
/// sets) rather than a guideline.
pub const DEFINITIONS_FILE: &str = "definitions.ron";

/// Parses one guideline file.
fn parse_one(path: &Path, text: &str) -> Result<Guideline, GuidelineError> {
    parse_as::<Guideline>(path, text)
}

/// Parses one file, turning RON's position into a file:line:column error.
fn parse_as<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, GuidelineError> {
    ron::from_str::<T>(text).map_err(|e| GuidelineError::Syntax {
        file: path.to_path_buf(),
        line: e.span.start.line,
        column: e.span.start.col,
        cause: e.code.to_string(),
    })
}

/// The names of the guideline files embedded in the binary (for checks that
/// the folder and the built-in list agree).
pub fn builtin_file_names() -> &'static [&'static str] {
    builtin::NAMES
}
