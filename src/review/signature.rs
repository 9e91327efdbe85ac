//! Real signatures: Ed25519 over a canonical serialisation of the review.
//!
//! A finalized review carries a [`Seal`]: the signer's public key and an
//! Ed25519 signature over the SHA-256 of everything the letter and the record
//! rest on (see [`canonical_bytes`]). Changing any of it, or re-hashing it
//! under another name, breaks the signature, because only the holder of the
//! private key can make a new one.
//!
//! The private key lives in the settings folder ([`super::env::settings_dir`]),
//! encrypted with a key derived from the reviewer's passphrase (Argon2id) by
//! XChaCha20-Poly1305, in a file only its owner can read. [`KeyStore`] also
//! keeps the trusted-keys file: the reviewer's own key is trusted by default,
//! and an organisation can add its reviewers' keys.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ReviewState, Status};

/// The scheme name stored in every seal, so a later scheme can be told apart.
pub const SCHEME: &str = "ed25519-sha256-v1";
/// The encrypted private key, in the settings folder.
pub const KEY_FILE: &str = "signing-key.json";
/// Trusted reviewers' public keys, one per line: `HEX  label`; `#` comments.
pub const TRUSTED_FILE: &str = "trusted-keys.txt";
/// Shortest passphrase accepted when a key is created.
pub const MIN_PASSPHRASE_CHARS: usize = 8;
/// Domain separation: the signed message is this prefix and the content hash.
const DOMAIN: &[u8] = b"imrdesk review signature v1\n";
/// Files larger than this in the settings folder are not key files.
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Why a key could not be created, unlocked or used. Every variant that
/// concerns a file names it.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    #[error("the passphrase is wrong (the signing key in {} could not be decrypted)", path.display())]
    WrongPassphrase { path: PathBuf },
    #[error("the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters")]
    PassphraseTooShort,
    #[error("{}: there is no signing key yet; create one first", path.display())]
    NoKey { path: PathBuf },
    #[error("{}: a signing key already exists; it is never replaced silently", path.display())]
    KeyExists { path: PathBuf },
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a valid key file: {reason}", path.display())]
    Malformed { path: PathBuf, reason: String },
    #[error("{}: line {line}: not a public key (64 hex digits expected)", path.display())]
    BadTrustedKey { path: PathBuf, line: usize },
    #[error("no settings folder: neither IMRDESK_CONFIG_DIR, XDG_CONFIG_HOME nor HOME is set")]
    NoSettingsDir,
    #[error("the system random number generator failed: {0}")]
    Random(String),
    #[error("key derivation failed: {0}")]
    Kdf(String),
}

/// An unlocked private key, able to sign. Cheap to clone (the key is shared);
/// its `Debug` shows only the fingerprint, never the secret.
#[derive(Clone)]
pub struct Signer {
    key: Arc<SigningKey>,
}

impl Signer {
    /// A fresh key that lives only in memory: for tests and for one-off
    /// signing where no key file is wanted. Its reviews verify as intact but
    /// untrusted unless the key is added to a trusted list.
    pub fn generate() -> Result<Signer, SignatureError> {
        let mut seed = [0u8; 32];
        random(&mut seed)?;
        Ok(Signer::from_seed(seed))
    }

    fn from_seed(seed: [u8; 32]) -> Signer {
        Signer {
            key: Arc::new(SigningKey::from_bytes(&seed)),
        }
    }

    /// The public key, hex (64 digits): what trusted-keys files list.
    pub fn public_key_hex(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    /// The public key's fingerprint, as Settings and `imrdesk verify` show it.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(self.key.verifying_key().as_bytes())
    }

    /// Seals `content_hash` (hex SHA-256 of [`ReviewState::canonical_bytes`]).
    /// `Command::Finalize` calls it; public so an auditor's tools (and the
    /// tests' forgeries) can seal content with a key of their own.
    pub fn seal(&self, content_hash: &str) -> Seal {
        let sig = self.key.sign(&message(content_hash));
        Seal {
            scheme: SCHEME.to_string(),
            public_key: self.public_key_hex(),
            signature: hex(&sig.to_bytes()),
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer({})", self.fingerprint())
    }
}

impl PartialEq for Signer {
    fn eq(&self, other: &Self) -> bool {
        self.key.verifying_key() == other.key.verifying_key()
    }
}

/// The cryptographic part of a signature: who (public key) and the Ed25519
/// signature itself, both hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    pub scheme: String,
    pub public_key: String,
    pub signature: String,
}

/// What a review's signature says, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Not finalized: nothing to verify (a draft or a reopened review).
    Unsigned,
    /// Finalized by an older imrdesk with a keyless hash that matches: it
    /// cannot prove who signed, so it opens read-only and exports marked
    /// "signature not verified".
    Legacy { signer: String },
    /// The Ed25519 signature matches the content.
    Intact {
        signer: String,
        fingerprint: String,
        trusted: bool,
    },
    /// The content, the seal or the status no longer match: refused.
    Altered { reason: String },
}

impl Verification {
    /// Whether the review may be exported as a final letter without a mark.
    pub fn is_verified(&self) -> bool {
        matches!(self, Verification::Intact { trusted: true, .. })
    }

    /// Whether the review may be opened and exported at all.
    pub fn is_acceptable(&self) -> bool {
        !matches!(self, Verification::Altered { .. })
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verification::Unsigned => f.write_str("not signed (not finalized)"),
            Verification::Legacy { signer } => write!(
                f,
                "legacy keyless signature by {signer}: content hash matches, signer not verified"
            ),
            Verification::Intact {
                signer,
                fingerprint,
                trusted,
            } => write!(
                f,
                "signed by {signer}, key {fingerprint}, {}, intact",
                if *trusted { "trusted" } else { "NOT trusted" }
            ),
            Verification::Altered { reason } => write!(f, "ALTERED: {reason}"),
        }
    }
}

/// The integrity of a review's signature, without trust: whether the seal
/// matches the content. `Intact` here has `trusted: false`; [`KeyStore::verify`]
/// fills in trust.
pub fn check(state: &ReviewState) -> Verification {
    let (Status::Finalized, Some(sig)) = (state.status, &state.signature) else {
        return match state.status {
            Status::Finalized => Verification::Altered {
                reason: "finalized but carries no signature".into(),
            },
            _ => Verification::Unsigned,
        };
    };
    let Some(seal) = &state.seal else {
        if state.format_version >= super::SEALED_FORMAT_VERSION {
            return Verification::Altered {
                reason: "the Ed25519 seal was removed from a review that had one".into(),
            };
        }
        let legacy = state.legacy_content_hash(&sig.reviewer_name, &sig.credentials, sig.signed_at);
        return if legacy == sig.content_hash {
            Verification::Legacy {
                signer: sig.reviewer_name.clone(),
            }
        } else {
            Verification::Altered {
                reason: "the content no longer matches its hash".into(),
            }
        };
    };
    let hash = state.content_hash(&sig.reviewer_name, &sig.credentials, sig.signed_at);
    if hash != sig.content_hash {
        return Verification::Altered {
            reason: "the content no longer matches what was signed".into(),
        };
    }
    match verify_seal(seal, &hash) {
        Ok(fingerprint) => Verification::Intact {
            signer: sig.reviewer_name.clone(),
            fingerprint,
            trusted: false,
        },
        Err(reason) => Verification::Altered { reason },
    }
}

/// Checks one seal against a content hash; the fingerprint of its key on success.
fn verify_seal(seal: &Seal, content_hash: &str) -> Result<String, String> {
    if seal.scheme != SCHEME {
        return Err(format!("unknown signature scheme \"{}\"", seal.scheme));
    }
    let key = parse_public_key(&seal.public_key).ok_or("the public key is not valid")?;
    let sig_bytes: [u8; 64] = unhex(&seal.signature)
        .and_then(|b| b.try_into().ok())
        .ok_or("the signature is not 64 bytes of hex")?;
    let sig = ed25519_dalek::Signature::from_bytes(&sig_bytes);
    key.verify(&message(content_hash), &sig)
        .map_err(|_| "the Ed25519 signature does not match the content".to_string())?;
    Ok(fingerprint_of(key.as_bytes()))
}

/// The message an Ed25519 signature covers.
fn message(content_hash: &str) -> Vec<u8> {
    let mut m = DOMAIN.to_vec();
    m.extend_from_slice(content_hash.as_bytes());
    m
}

/// The fingerprint of a public key: the first 16 hex digits of its SHA-256,
/// in groups of four ("1a2b 3c4d 5e6f 7081"), short enough to read aloud.
pub fn fingerprint_of(public_key: &[u8]) -> String {
    let digest = hex(&Sha256::digest(public_key));
    digest
        .as_bytes()
        .chunks(4)
        .take(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fingerprint of a public key given in hex; "(invalid key)" when it is not hex.
pub fn unhex_fingerprint(public_key: &str) -> String {
    unhex(public_key)
        .map(|k| fingerprint_of(&k))
        .unwrap_or_else(|| "(invalid key)".to_string())
}

/// The key file on disk: the public key in clear, the private seed encrypted.
#[derive(Debug, Serialize, Deserialize)]
struct KeyFile {
    scheme: String,
    public_key: String,
    kdf: KdfParams,
    salt: String,
    nonce: String,
    ciphertext: String,
}

/// Argon2id parameters, stored so they can be raised for new keys without
/// breaking old ones.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct KdfParams {
    memory_kib: u32,
    iterations: u32,
    lanes: u32,
}

impl KdfParams {
    /// OWASP's second Argon2id recommendation (19 MiB, 2 passes, 1 lane).
    const DEFAULT: KdfParams = KdfParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        lanes: 1,
    };

    fn derive(&self, passphrase: &str, salt: &[u8]) -> Result<[u8; 32], SignatureError> {
        let params = argon2::Params::new(self.memory_kib, self.iterations, self.lanes, Some(32))
            .map_err(|e| SignatureError::Kdf(e.to_string()))?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = [0u8; 32];
        argon
            .hash_password_into(passphrase.as_bytes(), salt, &mut out)
            .map_err(|e| SignatureError::Kdf(e.to_string()))?;
        Ok(out)
    }
}

/// One trusted public key and who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    pub public_key: String,
    pub label: String,
}

/// The signing key and the trusted keys in one settings folder.
#[derive(Debug, Clone)]
pub struct KeyStore {
    dir: PathBuf,
    own: Option<String>,
    trusted: Vec<TrustedKey>,
}

impl KeyStore {
    /// Opens the key store in `dir` (created on first write). A missing key
    /// or trusted-keys file is normal; a damaged one is an error naming it.
    pub fn open(dir: &Path) -> Result<KeyStore, SignatureError> {
        let mut store = KeyStore {
            dir: dir.to_path_buf(),
            own: None,
            trusted: Vec::new(),
        };
        if let Some(file) = store.read_key_file()? {
            store.own = Some(file.public_key);
        }
        store.trusted = read_trusted(&store.trusted_path())?;
        Ok(store)
    }

    /// Opens the key store of the settings folder.
    pub fn open_default() -> Result<KeyStore, SignatureError> {
        let dir = super::env::settings_dir().ok_or(SignatureError::NoSettingsDir)?;
        KeyStore::open(&dir)
    }

    /// The folder the key files live in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn key_path(&self) -> PathBuf {
        self.dir.join(KEY_FILE)
    }

    pub fn trusted_path(&self) -> PathBuf {
        self.dir.join(TRUSTED_FILE)
    }

    /// Whether a signing key exists (then `unlock`, otherwise `create`).
    pub fn has_key(&self) -> bool {
        self.own.is_some()
    }

    /// The fingerprint of the reviewer's own key, for Settings.
    pub fn fingerprint(&self) -> Option<String> {
        self.own
            .as_deref()
            .and_then(unhex)
            .map(|k| fingerprint_of(&k))
    }

    /// Creates the signing key, encrypted under `passphrase`, and returns it
    /// unlocked. Refuses to replace an existing key.
    pub fn create(&mut self, passphrase: &str) -> Result<Signer, SignatureError> {
        self.create_with(passphrase, KdfParams::DEFAULT)
    }

    fn create_with(&mut self, passphrase: &str, kdf: KdfParams) -> Result<Signer, SignatureError> {
        let path = self.key_path();
        if self.has_key() || path.exists() {
            return Err(SignatureError::KeyExists { path });
        }
        if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(SignatureError::PassphraseTooShort);
        }
        let mut seed = [0u8; 32];
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        random(&mut seed)?;
        random(&mut salt)?;
        random(&mut nonce)?;
        let signer = Signer::from_seed(seed);
        let wrap = kdf.derive(passphrase, &salt)?;
        let public_key = signer.public_key_hex();
        let cipher = XChaCha20Poly1305::new((&wrap).into());
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &seed,
                    aad: public_key.as_bytes(),
                },
            )
            .map_err(|_| SignatureError::Kdf("encryption failed".into()))?;
        let file = KeyFile {
            scheme: SCHEME.to_string(),
            public_key: public_key.clone(),
            kdf,
            salt: hex(&salt),
            nonce: hex(&nonce),
            ciphertext: hex(&ciphertext),
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| SignatureError::Malformed {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        write_private(&path, text.as_bytes())?;
        self.own = Some(public_key);
        Ok(signer)
    }

    /// Decrypts the signing key. A wrong passphrase is
    /// [`SignatureError::WrongPassphrase`], never a garbled key.
    pub fn unlock(&self, passphrase: &str) -> Result<Signer, SignatureError> {
        let path = self.key_path();
        let file = self
            .read_key_file()?
            .ok_or_else(|| SignatureError::NoKey { path: path.clone() })?;
        let bad = |reason: &str| SignatureError::Malformed {
            path: path.clone(),
            reason: reason.to_string(),
        };
        let salt = unhex(&file.salt).ok_or_else(|| bad("salt is not hex"))?;
        let nonce: [u8; 24] = unhex(&file.nonce)
            .and_then(|n| n.try_into().ok())
            .ok_or_else(|| bad("nonce is not 24 bytes of hex"))?;
        let ciphertext = unhex(&file.ciphertext).ok_or_else(|| bad("ciphertext is not hex"))?;
        let wrap = file.kdf.derive(passphrase, &salt)?;
        let cipher = XChaCha20Poly1305::new((&wrap).into());
        let seed = cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: file.public_key.as_bytes(),
                },
            )
            .map_err(|_| SignatureError::WrongPassphrase { path: path.clone() })?;
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| bad("the decrypted key is not 32 bytes"))?;
        let signer = Signer::from_seed(seed);
        if signer.public_key_hex() != file.public_key {
            return Err(bad(
                "the private key does not belong to the stored public key",
            ));
        }
        Ok(signer)
    }

    /// The trusted keys: the reviewer's own first, then the trusted-keys file.
    pub fn trusted(&self) -> Vec<TrustedKey> {
        let mut all = Vec::new();
        if let Some(own) = &self.own {
            all.push(TrustedKey {
                public_key: own.clone(),
                label: "this reviewer's own key".into(),
            });
        }
        all.extend(self.trusted.iter().cloned());
        all
    }

    /// Whether a public key (hex) is trusted.
    pub fn is_trusted(&self, public_key: &str) -> bool {
        let key = public_key.to_ascii_lowercase();
        self.own.as_deref() == Some(key.as_str())
            || self.trusted.iter().any(|t| t.public_key == key)
    }

    /// Adds a key to the trusted-keys file (an organisation's reviewer).
    pub fn trust(&mut self, public_key: &str, label: &str) -> Result<(), SignatureError> {
        let path = self.trusted_path();
        let key = public_key.trim().to_ascii_lowercase();
        if parse_public_key(&key).is_none() {
            return Err(SignatureError::BadTrustedKey { path, line: 0 });
        }
        if self.is_trusted(&key) {
            return Ok(());
        }
        self.trusted.push(TrustedKey {
            public_key: key,
            label: label.trim().replace('\n', " "),
        });
        let mut text =
            String::from("# Trusted imrdesk reviewers: public key (hex), then a label.\n");
        for t in &self.trusted {
            text.push_str(&format!("{}  {}\n", t.public_key, t.label));
        }
        write_private(&path, text.as_bytes())
    }

    /// Checks a review's signature and whether its key is trusted here.
    pub fn verify(&self, state: &ReviewState) -> Verification {
        match check(state) {
            Verification::Intact {
                signer,
                fingerprint,
                ..
            } => {
                let trusted = state
                    .seal
                    .as_ref()
                    .is_some_and(|s| self.is_trusted(&s.public_key));
                Verification::Intact {
                    signer,
                    fingerprint,
                    trusted,
                }
            }
            other => other,
        }
    }

    fn read_key_file(&self) -> Result<Option<KeyFile>, SignatureError> {
        let path = self.key_path();
        let Some(bytes) = read_small(&path)? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| SignatureError::Malformed {
                path,
                reason: e.to_string(),
            })
    }
}

/// Reads a small regular file; `None` when it does not exist.
fn read_small(path: &Path) -> Result<Option<Vec<u8>>, SignatureError> {
    let read_err = |source| SignatureError::Read {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(read_err(e)),
        Ok(m) if !m.is_file() => {
            return Err(SignatureError::Malformed {
                path: path.to_path_buf(),
                reason: "not a regular file".into(),
            });
        }
        Ok(m) if m.len() > MAX_KEY_FILE_BYTES => {
            return Err(SignatureError::Malformed {
                path: path.to_path_buf(),
                reason: format!("too large ({} bytes)", m.len()),
            });
        }
        Ok(_) => {}
    }
    let bytes = crate::ingest::read_bounded(path, MAX_KEY_FILE_BYTES).map_err(read_err)?;
    Ok(Some(bytes))
}

fn read_trusted(path: &Path) -> Result<Vec<TrustedKey>, SignatureError> {
    let Some(bytes) = read_small(path)? else {
        return Ok(Vec::new());
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, label) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let key = key.to_ascii_lowercase();
        if parse_public_key(&key).is_none() {
            return Err(SignatureError::BadTrustedKey {
                path: path.to_path_buf(),
                line: n + 1,
            });
        }
        keys.push(TrustedKey {
            public_key: key,
            label: label.trim().to_string(),
        });
    }
    Ok(keys)
}

/// Writes a file only its owner can read, atomically, creating the folder.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), SignatureError> {
    let write_err = |source| SignatureError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(super::env::TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(write_err)?;
    // tempfile creates the file 0600 on Unix; say so explicitly all the same.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(write_err)?;
    }
    tmp.write_all(bytes).map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}

fn random(buf: &mut [u8]) -> Result<(), SignatureError> {
    getrandom::fill(buf).map_err(|e| SignatureError::Random(e.to_string()))
}

fn parse_public_key(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = unhex(text)?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheap parameters so unit tests do not spend seconds in Argon2.
    const FAST: KdfParams = KdfParams {
        memory_kib: 64,
        iterations: 1,
        lanes: 1,
    };

    #[test]
    fn create_then_unlock_round_trips_and_a_wrong_passphrase_is_named() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let mut store = KeyStore::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
        assert!(!store.has_key());
        let made = store
            .create_with("correct horse", FAST)
            .unwrap_or_else(|e| panic!("create: {e}"));
        let reopened = KeyStore::open(dir.path()).unwrap_or_else(|e| panic!("reopen: {e}"));
        assert!(reopened.has_key());
        assert_eq!(reopened.fingerprint(), Some(made.fingerprint()));
        let unlocked = reopened
            .unlock("correct horse")
            .unwrap_or_else(|e| panic!("unlock: {e}"));
        assert_eq!(unlocked, made);
        let wrong = reopened.unlock("incorrect horse");
        assert!(
            matches!(wrong, Err(SignatureError::WrongPassphrase { .. })),
            "{wrong:?}"
        );
        assert!(matches!(
            store.create_with("another one", FAST),
            Err(SignatureError::KeyExists { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_owner_only_and_holds_no_clear_seed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let mut store = KeyStore::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
        let signer = store
            .create_with("passphrase!", FAST)
            .unwrap_or_else(|e| panic!("create: {e}"));
        let meta = std::fs::metadata(store.key_path()).unwrap_or_else(|e| panic!("stat: {e}"));
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let text = std::fs::read_to_string(store.key_path()).unwrap_or_default();
        assert!(!text.contains(&hex(&signer.key.to_bytes())));
    }

    #[test]
    fn short_passphrases_and_bad_trusted_lines_are_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let mut store = KeyStore::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
        assert!(matches!(
            store.create_with("short", FAST),
            Err(SignatureError::PassphraseTooShort)
        ));
        std::fs::write(store.trusted_path(), "# org list\nnot-a-key  Dr. X\n")
            .unwrap_or_else(|e| panic!("write: {e}"));
        match KeyStore::open(dir.path()) {
            Err(SignatureError::BadTrustedKey { line, .. }) => assert_eq!(line, 2),
            other => panic!("expected a bad trusted key on line 2, got {other:?}"),
        }
    }

    #[test]
    fn fingerprints_are_four_groups_of_four_hex_digits() {
        let fp = fingerprint_of(&[7u8; 32]);
        assert_eq!(fp.len(), 19);
        assert!(fp.split(' ').all(|g| g.len() == 4));
    }
}
