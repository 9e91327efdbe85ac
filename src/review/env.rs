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

/// The real filesystem. Atomic writes go through a temporary file in the
/// same directory (so the rename never crosses filesystems), are flushed to
/// disk, then renamed over the target.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealFs;

impl FileSystem for RealFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    fn modified(&self, path: &Path) -> Option<SystemTime> {
        std::fs::metadata(path).and_then(|m| m.modified()).ok()
    }

    fn remove(&self, path: &Path) -> std::io::Result<()> {
        std::fs::remove_file(path)
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
