//! Effects the review layer needs — the clock and the filesystem — behind
//! small traits, so tests can fix the time and keep files in memory.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use chrono::{DateTime, Utc};

/// Where "now" comes from. Signatures and the audit log carry times, and tests
/// need them to be fixed.
pub trait Clock {
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that returns a set time, advanced by hand (tests, screenshots).
#[derive(Debug)]
pub struct FixedClock(pub Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(at))
    }

    /// Moves the clock forward, e.g. to make an autosave newer than a save.
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(t) => *t,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// The prefix of every temporary file imrdesk writes beside a target (saves,
/// autosaves, exports, key files). A crash can leave one behind; the next
/// start removes those older than [`STALE_TEMP_AGE`] ([`clean_stale_temps`]).
pub const TEMP_PREFIX: &str = ".imrdesk-tmp-";

/// How old a temporary file of ours must be before it counts as stale: far
/// longer than any write takes, so a write in progress in another window is
/// never removed under it.
pub const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// The settings folder, where the signing key and the trusted-keys file
/// live: `$IMRDESK_CONFIG_DIR` when set (tests, portable installs), else
/// `$XDG_CONFIG_HOME/imrdesk`, else `$HOME/.config/imrdesk`.
pub fn settings_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("IMRDESK_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = var("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(dir).join("imrdesk"));
    }
    var("HOME").map(|home| PathBuf::from(home).join(".config").join("imrdesk"))
}

/// Removes temporary files of ours ([`TEMP_PREFIX`]) older than
/// [`STALE_TEMP_AGE`] from `dir`, left by a write that was killed. Returns
/// how many were removed; unreadable folders are skipped (nothing to clean).
pub fn clean_stale_temps(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(TEMP_PREFIX))
        .filter(|e| {
            e.metadata().is_ok_and(|m| {
                m.is_file()
                    && m.modified()
                        .ok()
                        .and_then(|t| now.duration_since(t).ok())
                        .is_some_and(|age| age >= STALE_TEMP_AGE)
            })
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// Replaces `path` with `bytes` atomically: a temp file of ours in the same
/// folder, flushed, then renamed over the target. The target must be a
/// regular file or absent (a symlink is followed and its target replaced; a
/// FIFO, device or socket is refused); an existing file keeps its
/// permissions and, where the writer may keep them, its owner and group.
/// The temp file is removed on every error path (it is deleted when
/// dropped), and a full disk fails before the rename, so the old file stays
/// intact.
pub fn write_atomic_real(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = resolve_target(path)?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let existing = std::fs::metadata(&target).ok();
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(&dir)?;
    if let Some(meta) = &existing {
        // Owner first: a change of owner may clear mode bits.
        keep_owner(tmp.as_file(), meta);
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Gives the replacement the replaced file's owner and group, so saving
/// over a colleague's file (as root, or as a member of its group) does not
/// quietly hand it to whoever saved last. Best effort by design: an ordinary
/// user may not give a file away, and then the file is theirs, as with any
/// editor that saves by rename; the group is still kept when it can be.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, meta: &std::fs::Metadata) {
    use std::os::unix::fs::{MetadataExt, fchown};
    if fchown(file, Some(meta.uid()), Some(meta.gid())).is_err() {
        let _ = fchown(file, None, Some(meta.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_file: &std::fs::File, _meta: &std::fs::Metadata) {}

/// Where a write to `path` really goes: `path` itself, or the final target
/// of a symlink (so the link stays a link). Refuses non-regular targets.
fn resolve_target(path: &Path) -> std::io::Result<PathBuf> {
    let link = std::fs::symlink_metadata(path);
    let target = match &link {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).or_else(|_| {
            // A dangling link: write where it points, relative to its folder.
            let to = std::fs::read_link(path)?;
            Ok::<_, std::io::Error>(path.parent().map(|p| p.join(&to)).unwrap_or(to))
        })?,
        _ => path.to_path_buf(),
    };
    match std::fs::metadata(&target) {
        Ok(m) if !m.is_file() => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} is {}, not a regular file; refusing to replace it",
                path.display(),
                crate::ingest::special_kind(m.file_type()).unwrap_or("a folder")
            ),
        )),
        _ => Ok(target),
    }
}

/// The few filesystem operations saving and restoring need. Writes are
/// atomic: a reader sees the old file or the new one, never half of one.
pub trait FileSystem {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;
    /// Replaces `path` with `bytes` atomically.
    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()>;
    /// Last modification time, `None` when the file does not exist.
    fn modified(&self, path: &Path) -> Option<SystemTime>;
    fn remove(&self, path: &Path) -> std::io::Result<()>;
}

/// The real filesystem. Atomic writes go through [`write_atomic_real`]: a
/// temporary file in the same directory (so the rename never crosses
/// filesystems), flushed to disk, then renamed over the target.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealFs;

impl FileSystem for RealFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        read_regular(path, super::file::MAX_REVIEW_BYTES as u64)
    }

    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        write_atomic_real(path, bytes)
    }

    fn modified(&self, path: &Path) -> Option<SystemTime> {
        std::fs::metadata(path).and_then(|m| m.modified()).ok()
    }

    fn remove(&self, path: &Path) -> std::io::Result<()> {
        std::fs::remove_file(path)
    }
}

/// Reads a regular file (symlinks followed) of at most `limit` bytes: the
/// size is checked from the metadata before reading and the read is bounded.
/// A FIFO, device, socket or dangling link is an error naming it.
pub fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let meta = crate::ingest::regular_file(path).map_err(|e| match e {
        crate::ingest::ImportError::NotFound { .. } => {
            std::io::Error::new(std::io::ErrorKind::NotFound, "file not found")
        }
        crate::ingest::ImportError::Unreadable { source, .. } => source,
        other => std::io::Error::new(std::io::ErrorKind::InvalidInput, strip_path(&other)),
    })?;
    if meta.len() > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("{} bytes, over the limit of {limit}", meta.len()),
        ));
    }
    crate::ingest::read_bounded(path, limit)
}

/// An import error's message without its leading "path: " (the caller names the file).
fn strip_path(e: &crate::ingest::ImportError) -> String {
    let text = e.to_string();
    match text.split_once(": ") {
        Some((_, rest)) => rest.to_string(),
        None => text,
    }
}

/// An in-memory filesystem with a settable modification time, for tests.
#[derive(Debug, Default)]
pub struct MemoryFs {
    files: Mutex<HashMap<PathBuf, (Vec<u8>, SystemTime)>>,
    /// The time stamped on the next write.
    pub now: Mutex<Option<SystemTime>>,
}

impl MemoryFs {
    pub fn new() -> Self {
        MemoryFs::default()
    }

    /// Sets the modification time the next writes receive.
    pub fn set_time(&self, t: SystemTime) {
        if let Ok(mut now) = self.now.lock() {
            *now = Some(t);
        }
    }

    /// Whether a file exists.
    pub fn exists(&self, path: &Path) -> bool {
        self.files
            .lock()
            .map(|f| f.contains_key(path))
            .unwrap_or(false)
    }
}

fn not_found(path: &Path) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("{} not found", path.display()),
    )
}

fn poisoned() -> std::io::Error {
    std::io::Error::other("in-memory filesystem lock poisoned")
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let files = self.files.lock().map_err(|_| poisoned())?;
        files
            .get(path)
            .map(|(b, _)| b.clone())
            .ok_or_else(|| not_found(path))
    }

    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let t = self
            .now
            .lock()
            .ok()
            .and_then(|n| *n)
            .unwrap_or_else(SystemTime::now);
        let mut files = self.files.lock().map_err(|_| poisoned())?;
        files.insert(path.to_path_buf(), (bytes.to_vec(), t));
        Ok(())
    }

    fn modified(&self, path: &Path) -> Option<SystemTime> {
        self.files.lock().ok()?.get(path).map(|(_, t)| *t)
    }

    fn remove(&self, path: &Path) -> std::io::Result<()> {
        let mut files = self.files.lock().map_err(|_| poisoned())?;
        files
            .remove(path)
            .map(|_| ())
            .ok_or_else(|| not_found(path))
    }
}

/// Serde for paths that may not be UTF-8. A path that is valid UTF-8 is
/// written as a plain string (so files stay readable and older files still
/// load); any other path as its raw bytes (Unix) or UTF-16 units (Windows),
/// so every path the OS hands over can be saved and read back exactly.
pub mod os_path {
    use std::path::{Path, PathBuf};

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// A path as stored: text, or the OS's own encoding when it is not text.
    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Text(String),
        Raw(Vec<u8>),
        Wide(Vec<u16>),
    }

    fn to_stored(path: &Path) -> Stored {
        if let Some(text) = path.to_str() {
            return Stored::Text(text.to_string());
        }
        raw(path)
    }

    #[cfg(unix)]
    fn raw(path: &Path) -> Stored {
        use std::os::unix::ffi::OsStrExt;
        Stored::Raw(path.as_os_str().as_bytes().to_vec())
    }

    #[cfg(windows)]
    fn raw(path: &Path) -> Stored {
        use std::os::windows::ffi::OsStrExt;
        Stored::Wide(path.as_os_str().encode_wide().collect())
    }

    #[cfg(not(any(unix, windows)))]
    fn raw(path: &Path) -> Stored {
        Stored::Text(path.to_string_lossy().into_owned())
    }

    fn from_stored(stored: Stored) -> PathBuf {
        match stored {
            Stored::Text(t) => PathBuf::from(t),
            Stored::Raw(bytes) => from_bytes(bytes),
            Stored::Wide(units) => from_wide(units),
        }
    }

    #[cfg(unix)]
    fn from_bytes(bytes: Vec<u8>) -> PathBuf {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }

    #[cfg(not(unix))]
    fn from_bytes(bytes: Vec<u8>) -> PathBuf {
        PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }

    #[cfg(windows)]
    fn from_wide(units: Vec<u16>) -> PathBuf {
        use std::os::windows::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_wide(&units))
    }

    #[cfg(not(windows))]
    fn from_wide(units: Vec<u16>) -> PathBuf {
        PathBuf::from(String::from_utf16_lossy(&units))
    }

    /// `#[serde(with = "os_path")]` on a `PathBuf`.
    pub fn serialize<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
        to_stored(path).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
        Stored::deserialize(d).map(from_stored)
    }

    /// `#[serde(with = "os_path::option")]` on an `Option<PathBuf>`.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(path: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
            path.as_deref().map(to_stored).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
            Option::<Stored>::deserialize(d).map(|o| o.map(from_stored))
        }
    }

    /// `#[serde(with = "os_path::list")]` on a `Vec<PathBuf>`.
    pub mod list {
        use super::*;

        pub fn serialize<S: Serializer>(paths: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
            let stored: Vec<Stored> = paths.iter().map(|p| to_stored(p)).collect();
            stored.serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PathBuf>, D::Error> {
            Vec::<Stored>::deserialize(d).map(|v| v.into_iter().map(from_stored).collect())
        }
    }
}
