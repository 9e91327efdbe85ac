//! Signatures end to end: a finalized review changed on disk by a single
//! character is refused with "signature does not match" by every opener (the
//! review layer, `imrdesk analyze`, `imrdesk export` in every format, and the
//! workstation's loader), and no export of it is written, final or otherwise.
//! The untouched file is the control: it opens and exports as final.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use chrono::{TimeZone, Utc};
use imrdesk::export::{ExportError, Format, export_file};
use imrdesk::guideline::Library;
use imrdesk::review::file::{self, ReviewFileError};
use imrdesk::review::{
    Command, FixedClock, KeyStore, RealFs, ReviewState, SignatureError, Signer, Status,
    Verification,
};

const BIN: &str = env!("CARGO_BIN_EXE_imrdesk");

/// One signing key for the whole test binary, so files saved by different
/// helpers are signed by the same reviewer.
fn signer() -> Signer {
    static KEY: std::sync::OnceLock<Signer> = std::sync::OnceLock::new();
    KEY.get_or_init(|| Signer::generate().unwrap_or_else(|e| panic!("signer: {e}")))
        .clone()
}

fn clock() -> FixedClock {
    FixedClock::new(
        Utc.with_ymd_and_hms(2026, 2, 3, 14, 30, 0)
            .single()
            .unwrap_or_default(),
    )
}

/// The demo case, decided as the engine suggests, and signed.
fn finalized() -> ReviewState {
    let library = Library::builtin().unwrap_or_else(|e| panic!("built-in library: {e}"));
    let case = imrdesk::ingest::demo_case();
    let analysis = imrdesk::engine::analyze(&case.without_reference(), &library);
    sign(ReviewState::new(case, analysis))
}

/// `state` with every item decided as the engine suggests, then signed.
fn sign(mut state: ReviewState) -> ReviewState {
    let clock = clock();
    let ids: Vec<_> = state.items.iter().map(|i| i.item).collect();
    assert!(!ids.is_empty(), "the demo case has disputed items");
    for id in ids {
        let decision = state.current_suggestion(id).map(|s| s.decision);
        assert!(
            decision.is_some(),
            "the engine suggests a decision for {id}"
        );
        state
            .apply(Command::Decide { item: id, decision }, &clock)
            .unwrap_or_else(|e| panic!("decide {id}: {e:?}"));
    }
    state
        .apply(
            Command::Finalize {
                reviewer_name: "Dr. Ines Placeholder".into(),
                credentials: "MD, Board Certified in Physical Medicine".into(),
                signer: signer(),
            },
            &clock,
        )
        .unwrap_or_else(|e| panic!("finalize: {e:?}"));
    assert_eq!(state.status, Status::Finalized);
    assert!(state.signature_valid());
    state
}

/// Changes exactly one character inside the first rationale of the RON text.
fn tamper_rationale(text: &str) -> String {
    let key = "rationale: \"";
    let start = text.find(key).map(|i| i + key.len());
    let Some(start) = start else {
        panic!("the review file has a rationale field");
    };
    let rest = text.get(start..).unwrap_or_default();
    let offset = rest
        .char_indices()
        .take_while(|(_, c)| *c != '"')
        .find(|(_, c)| c.is_ascii_lowercase())
        .map(|(i, _)| i);
    let Some(offset) = offset else {
        panic!("the first rationale has a lowercase letter to change");
    };
    let at = start + offset;
    let old = text.as_bytes().get(at).copied().unwrap_or(b'a');
    let new = if old == b'x' { 'y' } else { 'x' };
    let mut out = String::with_capacity(text.len());
    out.push_str(text.get(..at).unwrap_or_default());
    out.push(new);
    out.push_str(text.get(at + 1..).unwrap_or_default());
    assert_eq!(out.len(), text.len());
    assert_ne!(out, text);
    out
}

/// A signed review saved as `good.imrreview`, and the same file with one
/// rationale character changed as `changed.imrreview`.
fn review_files(dir: &Path) -> (PathBuf, PathBuf) {
    let good = dir.join(format!("good.{}", file::REVIEW_EXTENSION));
    let changed = dir.join(format!("changed.{}", file::REVIEW_EXTENSION));
    file::save(&RealFs, &finalized(), &good).unwrap_or_else(|e| panic!("save: {e}"));
    let text = std::fs::read_to_string(&good).unwrap_or_else(|e| panic!("read back: {e}"));
    std::fs::write(&changed, tamper_rationale(&text)).unwrap_or_else(|e| panic!("write: {e}"));
    (good, changed)
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Process::new(BIN)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap_or_else(|e| panic!("the imrdesk binary runs: {e}"))
}

/// `imrdesk export INPUT --format pdf -o OUT`.
fn export_pdf(input: &Path, out: &Path) -> Output {
    run(&[
        "export".as_ref(),
        input.as_os_str(),
        "--format".as_ref(),
        "pdf".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ])
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn review_layer_refuses_a_changed_finalized_review() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (good, changed) = review_files(dir.path());

    let loaded = file::load(&RealFs, &good).unwrap_or_else(|e| panic!("control opens: {e}"));
    assert_eq!(loaded.status, Status::Finalized);
    assert!(loaded.signature_valid());

    match file::load(&RealFs, &changed) {
        Err(e @ ReviewFileError::SignatureMismatch { .. }) => {
            let message = e.to_string();
            assert!(message.contains("signature does not match"), "{message}");
            assert!(message.contains("changed.imrreview"), "{message}");
        }
        other => panic!("expected a signature mismatch, got {other:?}"),
    }
}

#[test]
fn the_autosave_of_a_changed_review_is_refused_too() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (good, _) = review_files(dir.path());
    let auto =
        file::autosave(&RealFs, &finalized(), &good).unwrap_or_else(|e| panic!("autosave: {e}"));
    let text = std::fs::read_to_string(&auto).unwrap_or_else(|e| panic!("read: {e}"));
    std::fs::write(&auto, tamper_rationale(&text)).unwrap_or_else(|e| panic!("write: {e}"));
    assert!(matches!(
        file::load(&RealFs, &auto),
        Err(ReviewFileError::SignatureMismatch { .. })
    ));
}

#[test]
fn library_export_refuses_a_changed_review_in_every_format() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (good, changed) = review_files(dir.path());
    let library = Library::builtin().unwrap_or_else(|e| panic!("library: {e}"));
    for format in Format::ALL {
        let name = format.name();
        let out = dir
            .path()
            .join(format!("changed-export.{}", format.extension()));
        match export_file(&changed, name, &out, &library) {
            Err(ExportError::Review(e)) => {
                assert!(
                    matches!(*e, ReviewFileError::SignatureMismatch { .. }),
                    "{format:?}: {e}"
                );
            }
            other => panic!("{format:?}: expected a refusal, got {other:?}"),
        }
        assert!(!out.exists(), "{format:?}: nothing is written when refused");

        let out = dir
            .path()
            .join(format!("good-export.{}", format.extension()));
        let outcome = export_file(&good, name, &out, &library)
            .unwrap_or_else(|e| panic!("{format:?}: the control exports: {e}"));
        assert!(
            !outcome.draft,
            "{format:?}: the signed control exports as final"
        );
        assert!(out.exists());
    }
}

#[test]
fn cli_export_of_a_changed_review_fails_naming_file_and_cause() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (good, changed) = review_files(dir.path());

    let out = dir.path().join("changed.pdf");
    let result = export_pdf(&changed, &out);
    let err = stderr(&result);
    assert!(!result.status.success(), "refused: {err}");
    assert!(err.contains(&changed.display().to_string()), "{err}");
    assert!(err.contains("signature does not match"), "{err}");
    assert!(!out.exists(), "no PDF is written");

    // The same file saved as `.ron` (the older review extension) is refused too.
    let ron = dir.path().join("changed-review.ron");
    std::fs::copy(&changed, &ron).unwrap_or_else(|e| panic!("copy: {e}"));
    let result = export_pdf(&ron, &out);
    let err = stderr(&result);
    assert!(!result.status.success(), "refused: {err}");
    assert!(err.contains("signature does not match"), "{err}");
    assert!(!out.exists(), "no PDF is written");

    // Control: the untouched file exports as a final PDF.
    let result = export_pdf(&good, &out);
    let err = stderr(&result);
    assert!(result.status.success(), "{err}");
    assert!(err.contains("final PDF"), "{err}");
    let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("read pdf: {e}"));
    assert!(bytes.starts_with(b"%PDF"));
}

#[test]
fn cli_analyze_of_a_changed_review_fails() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (good, changed) = review_files(dir.path());
    let result = run(&["analyze".as_ref(), changed.as_os_str()]);
    let err = stderr(&result);
    assert!(!result.status.success(), "refused: {err}");
    assert!(err.contains("changed.imrreview"), "{err}");
    assert!(err.contains("signature does not match"), "{err}");

    let result = run(&["analyze".as_ref(), good.as_os_str()]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(!result.stdout.is_empty());
}

/// Marking a signed review as a draft by hand (status changed, signature
/// left) does not get it out as final: it exports only with the DRAFT mark.
#[test]
fn a_review_demoted_to_draft_by_hand_exports_only_as_draft() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (good, _) = review_files(dir.path());
    let text = std::fs::read_to_string(&good).unwrap_or_else(|e| panic!("read: {e}"));
    assert!(
        text.contains("status: Finalized"),
        "the saved status is readable"
    );
    let demoted = dir
        .path()
        .join(format!("demoted.{}", file::REVIEW_EXTENSION));
    std::fs::write(
        &demoted,
        text.replacen("status: Finalized", "status: Draft", 1),
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let out = dir.path().join("demoted.md");
    let library = Library::builtin().unwrap_or_else(|e| panic!("library: {e}"));
    let outcome =
        export_file(&demoted, "md", &out, &library).unwrap_or_else(|e| panic!("export: {e}"));
    assert!(outcome.draft);
    let written = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("read: {e}"));
    assert!(written.contains("DRAFT"), "{written}");
}

/// The workstation's loader (what File > Open runs) shows the mismatch as an
/// error message and opens nothing.
#[cfg(feature = "gui")]
#[test]
fn workstation_shows_signature_does_not_match() {
    use imrdesk::app::{Settings, Workstation, real_env};

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (good, changed) = review_files(dir.path());

    let library = Library::builtin().unwrap_or_else(|e| panic!("library: {e}"));
    let mut ws = Workstation::new(
        real_env(None, std::sync::Arc::new(library)),
        Settings::default(),
        None,
    );
    ws.open_path_blocking(&changed, false);
    let message = ws.last_message().map(|m| (m.error, m.text.clone()));
    match message {
        Some((true, text)) => {
            assert!(text.contains("signature does not match"), "{text}");
            assert!(text.contains("changed.imrreview"), "{text}");
        }
        other => panic!("expected an error message, got {other:?}"),
    }
    assert!(ws.open.is_none(), "the changed review is not opened");

    ws.open_path_blocking(&good, false);
    let open = ws.open.as_ref().map(|o| o.review.status);
    assert_eq!(open, Some(Status::Finalized), "the control opens");
}

// ---- Ed25519: forgery, tampering, trust, legacy, amendment, passphrase ----

/// Saves `state` as `name` in `dir` without any check (what an attacker's
/// editor does) and returns the path.
fn write_raw(dir: &Path, name: &str, state: &ReviewState) -> PathBuf {
    let path = dir.join(name);
    let text = file::to_ron(state, &path).unwrap_or_else(|e| panic!("to_ron: {e}"));
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {name}: {e}"));
    path
}

/// Recomputes the content hash after an edit, as the old keyless scheme let
/// anyone do, keeping the original seal.
fn rehash(state: &mut ReviewState) {
    if let Some(sig) = state.signature.clone() {
        let hash = state.content_hash(&sig.reviewer_name, &sig.credentials, sig.signed_at);
        if let Some(s) = state.signature.as_mut() {
            s.content_hash = hash;
        }
    }
}

fn expect_altered(path: &Path) -> String {
    match file::load(&RealFs, path) {
        Err(e @ ReviewFileError::SignatureMismatch { .. }) => e.to_string(),
        other => panic!(
            "{}: expected a signature mismatch, got {other:?}",
            path.display()
        ),
    }
}

#[test]
fn re_hashing_an_edited_review_no_longer_forges_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let mut rationale = finalized();
    if let Some(item) = rationale.items.first_mut() {
        item.rationale.push_str(" Added after signing.");
    }
    rehash(&mut rationale);
    let message = expect_altered(&write_raw(dir.path(), "rationale.imrreview", &rationale));
    assert!(message.contains("Ed25519"), "{message}");

    let mut name = finalized();
    if let Some(sig) = name.signature.as_mut() {
        sig.reviewer_name = "Dr. Somebody Else".into();
    }
    rehash(&mut name);
    expect_altered(&write_raw(dir.path(), "name.imrreview", &name));

    // The control: untouched, it verifies intact under its own key.
    assert!(matches!(
        imrdesk::review::signature::check(&finalized()),
        Verification::Intact { .. }
    ));
}

#[test]
fn the_audit_log_and_the_mode_are_covered() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let mut emptied = finalized();
    emptied.audit.clear();
    rehash(&mut emptied);
    expect_altered(&write_raw(dir.path(), "emptied.imrreview", &emptied));

    let mut edited = finalized();
    if let Some(entry) = edited.audit.first_mut() {
        entry.action = "Item 1: decided Medically necessary".into();
    }
    expect_altered(&write_raw(dir.path(), "edited.imrreview", &edited));

    let mut fake = finalized();
    fake.audit.insert(
        0,
        imrdesk::review::AuditEntry {
            at: Utc::now(),
            action: "Reopened for amendment: fake".into(),
        },
    );
    expect_altered(&write_raw(dir.path(), "fake.imrreview", &fake));

    let mut mode = finalized();
    mode.mode = imrdesk::review::Mode::Training;
    rehash(&mut mode);
    expect_altered(&write_raw(dir.path(), "mode.imrreview", &mode));

    let mut stripped = finalized();
    stripped.seal = None;
    let message = expect_altered(&write_raw(dir.path(), "stripped.imrreview", &stripped));
    assert!(message.contains("seal was removed"), "{message}");
}

#[test]
fn a_finalized_review_is_rechecked_for_completeness_on_load() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let mut state = finalized();
    if let Some(item) = state.items.first_mut() {
        item.decision = None;
    }
    // Re-signed by whoever edited it, so only the finalize checks catch it.
    rehash(&mut state);
    let hash = state
        .signature
        .as_ref()
        .map(|s| s.content_hash.clone())
        .unwrap_or_default();
    state.seal = Some(signer().seal(&hash));
    let path = write_raw(dir.path(), "incomplete.imrreview", &state);
    match file::load(&RealFs, &path) {
        Err(e @ ReviewFileError::Incomplete { .. }) => {
            let m = e.to_string();
            assert!(
                m.contains("no decision") && m.contains("incomplete.imrreview"),
                "{m}"
            );
        }
        other => panic!("expected an incomplete review, got {other:?}"),
    }
}

/// A review in the format-1 shape: keyless hash, no seal.
fn legacy() -> ReviewState {
    let mut state = finalized();
    state.format_version = 1;
    state.seal = None;
    if let Some(sig) = state.signature.clone() {
        let hash = state.legacy_content_hash(&sig.reviewer_name, &sig.credentials, sig.signed_at);
        if let Some(s) = state.signature.as_mut() {
            s.content_hash = hash;
        }
    }
    state
}

#[test]
fn a_legacy_review_opens_read_only_and_exports_marked_not_verified() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let path = write_raw(dir.path(), "legacy.imrreview", &legacy());
    let loaded = file::load(&RealFs, &path).unwrap_or_else(|e| panic!("legacy opens: {e}"));
    assert!(loaded.is_read_only());
    assert!(matches!(
        imrdesk::review::signature::check(&loaded),
        Verification::Legacy { .. }
    ));
    let out = dir.path().join("legacy.txt");
    let library = Library::builtin().unwrap_or_else(|e| panic!("library: {e}"));
    export_file(&path, "txt", &out, &library).unwrap_or_else(|e| panic!("export: {e}"));
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(text.contains("Signature not verified"), "{text}");

    // A legacy review edited after signing is still refused.
    let mut edited = legacy();
    if let Some(item) = edited.items.first_mut() {
        item.rationale.push('!');
    }
    expect_altered(&write_raw(dir.path(), "legacy-edited.imrreview", &edited));
}

#[test]
fn amending_chains_the_new_signature_to_the_previous_one() {
    let clock = clock();
    let mut state = finalized();
    let first = state.seal.clone();
    state
        .apply(
            Command::Amend {
                reason: "typo in the rationale".into(),
            },
            &clock,
        )
        .unwrap_or_else(|e| panic!("amend: {e}"));
    let second_key = Signer::generate().unwrap_or_else(|e| panic!("signer: {e}"));
    state
        .apply(
            Command::Finalize {
                reviewer_name: "Dr. Ines Placeholder".into(),
                credentials: "MD".into(),
                signer: second_key.clone(),
            },
            &clock,
        )
        .unwrap_or_else(|e| panic!("re-finalize: {e}"));
    assert_eq!(state.prior_signatures.len(), 1);
    assert_eq!(
        state.prior_signatures.first().and_then(|p| p.seal.clone()),
        first
    );
    let log: Vec<&str> = state.audit.iter().map(|a| a.action.as_str()).collect();
    let signed = log
        .iter()
        .filter(|a| a.starts_with("Finalized and signed"))
        .count();
    assert_eq!(signed, 2, "{log:?}");
    assert!(
        log.iter().any(|a| a.contains("replaces the signature by")),
        "{log:?}"
    );
    assert!(
        log.iter().any(|a| a.contains("amends the signature")),
        "{log:?}"
    );
    assert!(matches!(
        imrdesk::review::signature::check(&state),
        Verification::Intact { fingerprint, .. } if fingerprint == second_key.fingerprint()
    ));
    // The previous signature is part of what the new one covers.
    let mut broken = state.clone();
    if let Some(p) = broken.prior_signatures.first_mut() {
        p.reason = "something else".into();
    }
    assert!(matches!(
        imrdesk::review::signature::check(&broken),
        Verification::Altered { .. }
    ));
}

#[test]
fn a_wrong_passphrase_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let mut store = KeyStore::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let made = store
        .create("a long passphrase")
        .unwrap_or_else(|e| panic!("create: {e}"));
    let store = KeyStore::open(dir.path()).unwrap_or_else(|e| panic!("reopen: {e}"));
    assert_eq!(store.fingerprint(), Some(made.fingerprint()));
    match store.unlock("a wrong passphrase") {
        Err(e @ SignatureError::WrongPassphrase { .. }) => {
            assert!(e.to_string().contains("passphrase is wrong"), "{e}");
        }
        other => panic!("expected a wrong passphrase, got {other:?}"),
    }
    let unlocked = store
        .unlock("a long passphrase")
        .unwrap_or_else(|e| panic!("unlock: {e}"));
    assert_eq!(unlocked, made);
    // The reviewer's own key is trusted by default.
    assert!(store.is_trusted(&made.public_key_hex()));
}

/// The binary with `args` and the settings folder `config` (its keys and
/// trusted list).
fn run_with_config(config: &Path, args: &[&std::ffi::OsStr]) -> Output {
    Process::new(BIN)
        .args(args)
        .env("IMRDESK_CONFIG_DIR", config)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap_or_else(|e| panic!("the imrdesk binary runs: {e}"))
}

fn verify(config: &Path, files: &[&Path]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["verify".as_ref()];
    args.extend(files.iter().map(|f| f.as_os_str()));
    run_with_config(config, &args)
}

#[test]
fn imrdesk_verify_reports_each_file_and_exits_non_zero_unless_all_are_trusted_and_intact() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let config = dir.path().join("config");
    let (good, changed) = review_files(dir.path());
    let legacy = write_raw(dir.path(), "legacy.imrreview", &legacy());

    // Nobody trusted yet: intact but not trusted, exit non-zero.
    let out = verify(&config, &[&good]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("NOT trusted") && text.contains(&signer().fingerprint()),
        "{text}"
    );
    assert!(
        text.contains("Dr. Ines Placeholder") && text.contains("intact"),
        "{text}"
    );

    let mut store = KeyStore::open(&config).unwrap_or_else(|e| panic!("store: {e}"));
    store
        .trust(&signer().public_key_hex(), "Dr. Ines Placeholder")
        .unwrap_or_else(|e| panic!("trust: {e}"));
    let out = verify(&config, &[&good]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(text.contains(", trusted, intact"), "{text}");

    let out = verify(&config, &[&good, &changed, &legacy]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("changed.imrreview: ALTERED"), "{text}");
    assert!(text.contains("legacy keyless signature"), "{text}");
    assert!(stderr(&out).contains("2 of 3"), "{}", stderr(&out));
}

/// `imrdesk export` with the settings folder `config`.
fn export_with_config(config: &Path, input: &Path, format: &str, out: &Path) -> Output {
    run_with_config(
        config,
        &[
            "export".as_ref(),
            input.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ],
    )
}

#[test]
fn a_review_signed_by_an_untrusted_key_exports_marked_until_the_key_is_trusted() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let config = dir.path().join("config");
    let (good, _) = review_files(dir.path());
    let loaded = file::load(&RealFs, &good).unwrap_or_else(|e| panic!("opens: {e}"));
    assert!(loaded.is_read_only(), "a signed review opens read-only");

    // Nobody is trusted in this settings folder: the letter says so.
    let out = dir.path().join("untrusted.txt");
    let run = export_with_config(&config, &good, "txt", &out);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    // The letter wraps its lines; read it as running text.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Signature not verified"), "{text}");
    assert!(
        text.contains(&signer().fingerprint()) && text.contains("not in this installation"),
        "the mark names the key and why: {text}"
    );

    // Once the key is trusted, the same file exports without the mark.
    let mut store = KeyStore::open(&config).unwrap_or_else(|e| panic!("store: {e}"));
    store
        .trust(&signer().public_key_hex(), "Dr. Ines Placeholder")
        .unwrap_or_else(|e| panic!("trust: {e}"));
    let out = dir.path().join("trusted.txt");
    let run = export_with_config(&config, &good, "txt", &out);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(!text.contains("Signature not verified"), "{text}");
    assert!(!text.contains("DRAFT"), "a trusted signed review is final");
}

#[test]
fn no_export_writes_over_a_signed_review() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let config = dir.path().join("config");
    let (good, _) = review_files(dir.path());
    let before = std::fs::read(&good).unwrap_or_default();
    // Its own output, and under another name in every format.
    let copy = dir.path().join("signed-copy.ron");
    std::fs::copy(&good, &copy).unwrap_or_else(|e| panic!("copy: {e}"));
    let source = dir.path().join("letter.txt");
    let letter = imrdesk::export::export(
        &imrdesk::export::content::LetterContent::from_review(&finalized()),
        Format::Text,
    )
    .unwrap_or_else(|e| panic!("letter text: {e}"));
    std::fs::write(&source, letter).unwrap_or_else(|e| panic!("write: {e}"));
    for (input, dest) in [(&good, &good), (&source, &good), (&source, &copy)] {
        for format in ["ron", "txt", "pdf"] {
            let run = export_with_config(&config, input, format, dest);
            assert!(
                !run.status.success(),
                "{} -> {} as {format} must be refused",
                input.display(),
                dest.display()
            );
            assert!(
                stderr(&run).contains(&dest.display().to_string()),
                "the refusal names the file: {}",
                stderr(&run)
            );
        }
    }
    assert_eq!(std::fs::read(&good).unwrap_or_default(), before);
    assert!(
        file::load(&RealFs, &copy).is_ok_and(|s| s.signature_valid()),
        "the copy is still a valid signed review"
    );
}

#[test]
fn a_review_records_its_library_and_the_signature_covers_it() {
    let builtin =
        std::sync::Arc::new(Library::builtin().unwrap_or_else(|e| panic!("library: {e}")));
    let case = imrdesk::ingest::demo_case();
    let analysis = imrdesk::engine::analyze(&case.without_reference(), &builtin);
    let mut state = ReviewState::new(case, analysis);
    assert!(state.use_library(builtin.clone()));
    let stamp = state.library.clone().unwrap_or_else(|| panic!("a stamp"));
    assert_eq!(stamp.content_hash, builtin.content_hash());
    let state = sign(state);
    assert_eq!(
        state.library,
        Some(stamp),
        "the signed review keeps its stamp"
    );

    // The same guidelines read from a folder are another library: a signed
    // review does not take it.
    let folder = Library::load_dir(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/guidelines"
    )))
    .unwrap_or_else(|e| panic!("folder library: {e}"));
    let mut other = state.clone();
    assert!(!other.use_library(std::sync::Arc::new(folder)));
    assert!(
        other.rules().is_some_and(|l| l.name() == "built-in"),
        "it keeps the library it was signed against"
    );
    assert!(
        state.clone().use_library(builtin),
        "its own library is taken"
    );

    // Claiming another library after signing breaks the signature.
    let mut forged = state.clone();
    if let Some(s) = forged.library.as_mut() {
        s.content_hash = "0".repeat(64);
    }
    assert!(matches!(
        imrdesk::review::signature::check(&forged),
        Verification::Altered { .. }
    ));
}
