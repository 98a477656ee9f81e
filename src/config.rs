//! Configuration: one environment variable per setting (see the contract),
//! read and validated once at start. An invalid value stops start-up with one
//! clear line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use rand::RngCore;

#[derive(Clone, Debug)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub bind: SocketAddr,
    /// Without a trailing slash.
    pub base_url: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// At least 64 bytes; sessions and signed links derive their keys from it.
    pub secret_key: Vec<u8>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub uploads: UploadSettings,
    pub auth: AuthSettings,
    /// `GRAPEVINE_MAIL_BATCH_SECONDS`: notification mails about one thread
    /// wait this long and leave as one; zero sends each at once.
    pub mail_batch: std::time::Duration,
}

/// How people sign in besides API tokens: passwords, an OpenID Connect
/// provider, a trusted reverse proxy's header.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// `GRAPEVINE_PASSWORD_LOGIN`: off leaves single sign-on only.
    pub password_login: bool,
    pub oidc: Option<OidcSettings>,
    pub header: Option<HeaderAuth>,
    /// `GRAPEVINE_SESSION_DAYS`: how long a session lasts unused (it slides
    /// with each day of use); 0 ends it when the browser closes.
    pub session_days: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            password_login: true,
            oidc: None,
            header: None,
            session_days: 30,
        }
    }
}

#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// Exactly as the provider writes it in `iss`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// What the sign-in button says after "Sign in with".
    pub display_name: String,
    /// Asked for besides `openid email profile` (e.g. `groups` at Okta).
    pub extra_scopes: Vec<String>,
    pub role_claim: String,
    /// Group → role; empty: single sign-on never sets a role.
    pub role_map: Vec<(String, crate::domain::Role)>,
}

/// `GRAPEVINE_AUTH_HEADER` (and `GRAPEVINE_AUTH_NAME_HEADER`), lower case.
#[derive(Clone, Debug)]
pub struct HeaderAuth {
    pub email: actix_web::http::header::HeaderName,
    pub name: Option<actix_web::http::header::HeaderName>,
}

fn parse_auth(trusted_proxies: &[ipnet::IpNet]) -> anyhow::Result<AuthSettings> {
    let password_login = match var("GRAPEVINE_PASSWORD_LOGIN").as_deref().map(str::trim) {
        None | Some("on") => true,
        Some("off") => false,
        Some(other) => anyhow::bail!("GRAPEVINE_PASSWORD_LOGIN: expected on or off, got {other:?}"),
    };
    let oidc = match var("GRAPEVINE_OIDC_ISSUER") {
        None => None,
        Some(issuer) => {
            let issuer = issuer.trim().to_string();
            if url::Url::parse(&issuer).map_or(true, |u| !matches!(u.scheme(), "http" | "https")) {
                anyhow::bail!(
                    "GRAPEVINE_OIDC_ISSUER: {issuer:?} is not a URL like https://login.example.com"
                );
            }
            let client_id = var("GRAPEVINE_OIDC_CLIENT_ID").ok_or_else(|| {
                anyhow::anyhow!("GRAPEVINE_OIDC_CLIENT_ID: required with GRAPEVINE_OIDC_ISSUER")
            })?;
            let display_name = var("GRAPEVINE_OIDC_NAME").unwrap_or_else(|| {
                url::Url::parse(&issuer)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_else(|| issuer.clone())
            });
            Some(OidcSettings {
                client_secret: var("GRAPEVINE_OIDC_CLIENT_SECRET"),
                display_name,
                extra_scopes: var("GRAPEVINE_OIDC_SCOPES")
                    .unwrap_or_default()
                    .split([' ', ','])
                    .filter(|s| !s.is_empty() && !matches!(*s, "openid" | "email" | "profile"))
                    .map(str::to_string)
                    .collect(),
                role_claim: var("GRAPEVINE_OIDC_ROLE_CLAIM").unwrap_or_else(|| "groups".into()),
                role_map: parse_role_map(&var("GRAPEVINE_OIDC_ROLE_MAP").unwrap_or_default())?,
                issuer,
                client_id: client_id.trim().to_string(),
            })
        }
    };
    let header = match var("GRAPEVINE_AUTH_HEADER") {
        None => None,
        Some(name) => {
            if trusted_proxies.is_empty() {
                anyhow::bail!(
                    "GRAPEVINE_AUTH_HEADER: set GRAPEVINE_TRUSTED_PROXIES to the proxies that may send it"
                );
            }
            let parse = |var_name: &str, v: &str| {
                actix_web::http::header::HeaderName::from_bytes(v.trim().to_lowercase().as_bytes())
                    .map_err(|_| anyhow::anyhow!("{var_name}: {v:?} is not a header name"))
            };
            Some(HeaderAuth {
                email: parse("GRAPEVINE_AUTH_HEADER", &name)?,
                name: var("GRAPEVINE_AUTH_NAME_HEADER")
                    .map(|n| parse("GRAPEVINE_AUTH_NAME_HEADER", &n))
                    .transpose()?,
            })
        }
    };
    if !password_login && oidc.is_none() && header.is_none() {
        anyhow::bail!(
            "GRAPEVINE_PASSWORD_LOGIN=off: set GRAPEVINE_OIDC_ISSUER or GRAPEVINE_AUTH_HEADER, or nobody can sign in"
        );
    }
    let session_days = match var("GRAPEVINE_SESSION_DAYS") {
        None => 30,
        Some(d) => match d.trim().parse::<u32>() {
            Ok(n) if n <= 400 => n,
            _ => anyhow::bail!(
                "GRAPEVINE_SESSION_DAYS: expected a whole number of days from 0 to 400, got {d:?}"
            ),
        },
    };
    Ok(AuthSettings {
        password_login,
        oidc,
        header,
        session_days,
    })
}

/// `GRAPEVINE_MAIL_BATCH_SECONDS`: 0 to 3600, 120 by default.
fn parse_mail_batch() -> anyhow::Result<std::time::Duration> {
    match var("GRAPEVINE_MAIL_BATCH_SECONDS") {
        None => Ok(std::time::Duration::from_secs(120)),
        Some(t) => match t.trim().parse::<u64>() {
            Ok(n) if n <= 3600 => Ok(std::time::Duration::from_secs(n)),
            _ => anyhow::bail!(
                "GRAPEVINE_MAIL_BATCH_SECONDS: expected a whole number of seconds from 0 to 3600, got {t:?}"
            ),
        },
    }
}

/// `GRAPEVINE_OIDC_ROLE_MAP`: `GROUP=ROLE,…`.
pub fn parse_role_map(text: &str) -> anyhow::Result<Vec<(String, crate::domain::Role)>> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|pair| {
            let (group, role) = pair.rsplit_once('=').ok_or_else(|| {
                anyhow::anyhow!("GRAPEVINE_OIDC_ROLE_MAP: {pair:?} is not GROUP=ROLE")
            })?;
            let role = crate::domain::Role::parse(role.trim()).map_err(|_| {
                anyhow::anyhow!(
                    "GRAPEVINE_OIDC_ROLE_MAP: {:?} is not a role (rep, marketer, admin)",
                    role.trim()
                )
            })?;
            Ok((group.trim().to_string(), role))
        })
        .collect()
}

/// Where uploaded files live (`GRAPEVINE_STORAGE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StorageKind {
    /// Files under `$GRAPEVINE_DATA_DIR/files`.
    #[default]
    Fs,
    /// Inside the database (`blobs`), shared by every instance.
    Database,
}

#[derive(Clone, Debug)]
pub struct UploadSettings {
    /// The largest file accepted (`GRAPEVINE_MAX_UPLOAD_MB`), in bytes.
    pub max_bytes: u64,
    pub storage: StorageKind,
}

impl Default for UploadSettings {
    fn default() -> Self {
        UploadSettings {
            max_bytes: 20 * 1024 * 1024,
            storage: StorageKind::Fs,
        }
    }
}

impl UploadSettings {
    pub fn max_mb(&self) -> u64 {
        self.max_bytes / (1024 * 1024)
    }
}

fn parse_uploads() -> anyhow::Result<UploadSettings> {
    let mut out = UploadSettings::default();
    if let Some(mb) = var("GRAPEVINE_MAX_UPLOAD_MB") {
        match mb.trim().parse::<u64>() {
            Ok(n) if (1..=1024).contains(&n) => out.max_bytes = n * 1024 * 1024,
            _ => anyhow::bail!("GRAPEVINE_MAX_UPLOAD_MB: expected a whole number of MiB from 1 to 1024, got {mb:?}"),
        }
    }
    if let Some(kind) = var("GRAPEVINE_STORAGE") {
        out.storage = match kind.trim() {
            "fs" => StorageKind::Fs,
            "database" => StorageKind::Database,
            _ => anyhow::bail!("GRAPEVINE_STORAGE: expected fs or database, got {kind:?}"),
        };
    }
    Ok(out)
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Settings {
    /// Reads the environment, creates the data dir and the secret key file.
    pub fn from_env() -> anyhow::Result<Settings> {
        let data_dir = PathBuf::from(var("GRAPEVINE_DATA_DIR").unwrap_or_else(|| "./data".into()));
        ensure_data_dir(&data_dir)?;
        let database_url = var("GRAPEVINE_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("grapevine.db").display()));
        if crate::db::Backend::of_url(&database_url).is_none() {
            anyhow::bail!(
                "GRAPEVINE_DATABASE_URL: unsupported URL {:?}; use sqlite://PATH or postgres://USER@HOST/DB",
                crate::db::redact(&database_url)
            );
        }
        let bind_text = var("GRAPEVINE_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind: SocketAddr = bind_text.parse().map_err(|_| {
            anyhow::anyhow!("GRAPEVINE_BIND: {bind_text:?} is not an address like 127.0.0.1:8080")
        })?;
        let base_url = match var("GRAPEVINE_BASE_URL") {
            Some(u) => parse_base_url(&u)?,
            None => format!("http://{bind}"),
        };
        let smtp_url = var("GRAPEVINE_SMTP_URL");
        if let Some(u) = &smtp_url {
            if !(u.starts_with("smtp://") || u.starts_with("smtps://")) {
                anyhow::bail!(
                    "GRAPEVINE_SMTP_URL: expected smtp://host:port or smtps://…, got {u:?}"
                );
            }
        }
        let mail_from = var("GRAPEVINE_MAIL_FROM").unwrap_or_else(|| "grapevine@localhost".into());
        if !mail_from.contains('@') {
            anyhow::bail!("GRAPEVINE_MAIL_FROM: {mail_from:?} is not an email address");
        }
        let secret_key = match var("GRAPEVINE_SECRET_KEY") {
            Some(k) if k.len() < 32 => {
                anyhow::bail!("GRAPEVINE_SECRET_KEY: use at least 32 characters")
            }
            Some(k) => stretch(k.as_bytes()),
            None => load_or_create_secret(&data_dir)?,
        };
        let trusted_proxies =
            parse_trusted_proxies(&var("GRAPEVINE_TRUSTED_PROXIES").unwrap_or_default())?;
        Ok(Settings {
            data_dir,
            database_url,
            bind,
            base_url,
            smtp_url,
            mail_from,
            secret_key,
            auth: parse_auth(&trusted_proxies)?,
            trusted_proxies,
            uploads: parse_uploads()?,
            mail_batch: parse_mail_batch()?,
        })
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// `GRAPEVINE_TRUSTED_PROXIES`: comma-separated CIDRs or addresses. A
/// range that holds every address would let anyone claim any address.
pub fn parse_trusted_proxies(text: &str) -> anyhow::Result<Vec<ipnet::IpNet>> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            let net = t
                .parse::<ipnet::IpNet>()
                .or_else(|_| t.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    anyhow::anyhow!(
                        "GRAPEVINE_TRUSTED_PROXIES: {t:?} is not an address or CIDR like 10.0.0.0/8"
                    )
                })?;
            if net.prefix_len() == 0 {
                anyhow::bail!(
                    "GRAPEVINE_TRUSTED_PROXIES: {t:?} would trust every address; name your proxies"
                );
            }
            Ok(net)
        })
        .collect()
}

pub fn parse_base_url(u: &str) -> anyhow::Result<String> {
    let trimmed = u.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(trimmed.to_string())
        }
        _ => anyhow::bail!("GRAPEVINE_BASE_URL: {u:?} is not an http:// or https:// URL"),
    }
}

fn ensure_data_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("GRAPEVINE_DATA_DIR: cannot create {}: {e}", dir.display()))?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok").map_err(|e| {
        anyhow::anyhow!("GRAPEVINE_DATA_DIR: {} is not writable: {e}", dir.display())
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// The key derived from a GRAPEVINE_SECRET_KEY text: hashed up to the 64
/// bytes the cookie key needs.
pub fn stretch(k: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha512};
    Sha512::digest(k).to_vec()
}

fn load_or_create_secret(dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = dir.join("secret.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let bytes = hex::decode(text.trim()).map_err(|_| {
            anyhow::anyhow!("{} is corrupt: delete it to make a new key", path.display())
        })?;
        if bytes.len() >= 64 {
            return Ok(bytes);
        }
        anyhow::bail!(
            "{} is too short: delete it to make a new key",
            path.display()
        );
    }
    let mut key = vec![0u8; 64];
    rand::thread_rng().fill_bytes(&mut key);
    write_private(&path, hex::encode(&key).as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?;
        f.write_all(bytes)
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_proxies_are_cidrs_but_never_everything() {
        let nets = parse_trusted_proxies("10.0.0.0/8, 127.0.0.1,::1").unwrap();
        assert_eq!(nets.len(), 3);
        assert!(parse_trusted_proxies("").unwrap().is_empty());
        for bad in ["0.0.0.0/0", "::/0", "10.0.0.0/33", "proxy.local"] {
            assert!(parse_trusted_proxies(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base_url_must_be_http() {
        assert_eq!(
            parse_base_url("https://gv.example.com/").unwrap(),
            "https://gv.example.com"
        );
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("http://").is_err());
    }

    #[test]
    fn secret_is_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create_secret(dir.path()).unwrap();
        let b = load_or_create_secret(dir.path()).unwrap();
        assert_eq!(a.len(), 64);
        assert_eq!(a, b);
    }
}
