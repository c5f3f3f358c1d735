//! Where a PostgreSQL desk lives and how to reach it: the URL (`postgres://USER@HOST:PORT/DB
//! ?sslmode=…`, a Unix socket directory as `host=/path` or a percent-encoded host), the
//! password (from the URL, `PGPASSWORD` or `~/.pgpass`; never printed) and TLS (rustls;
//! `sslmode` as libpq reads it: `disable`, `prefer` and `require` encrypt without checking
//! the certificate, `verify-ca` and `verify-full` check it against the system's roots or
//! `sslrootcert=FILE`).

use std::str::FromStr as _;
use std::sync::Arc;

use postgres::config::Host;
use postgres::{Client, Config, NoTls};

use super::error::connect_error;
use crate::store::{Result, StoreError};

/// True for the locations the PostgreSQL backend opens.
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

#[derive(Clone)]
pub struct PgLocation {
    config: Config,
    ssl: SslMode,
    root_cert: Option<String>,
    redacted: String,
}

impl std::fmt::Debug for PgLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted)
    }
}

/// The URL with its password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((creds, host)) => match creds.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    // A password given as a query parameter is hidden too.
    let tail = tail
        .split('&')
        .map(|part| {
            let (prefix, kv) = match part.split_once('?') {
                Some((p, kv)) => (format!("{p}?"), kv),
                None => (String::new(), part),
            };
            if kv.starts_with("password=") {
                format!("{prefix}password=***")
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{scheme}://{authority}{tail}")
}

impl PgLocation {
    pub fn parse(url: &str) -> Result<PgLocation> {
        let redacted = redact(url);
        let bad = |why: String| {
            StoreError::Other(format!(
                "{redacted} is not a usable PostgreSQL URL: {why} (expected postgres://USER@HOST:PORT/DBNAME?sslmode=require)"
            ))
        };
        // sslmode and sslrootcert are ours (the client library knows fewer modes).
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, q),
            None => (url, ""),
        };
        let mut ssl = SslMode::Prefer;
        let mut root_cert = None;
        let mut kept: Vec<&str> = Vec::new();
        for part in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            match k {
                "sslmode" => {
                    ssl = match v {
                        "disable" => SslMode::Disable,
                        "allow" | "prefer" => SslMode::Prefer,
                        "require" => SslMode::Require,
                        "verify-ca" => SslMode::VerifyCa,
                        "verify-full" => SslMode::VerifyFull,
                        other => {
                            return Err(bad(format!(
                                "unknown sslmode {other:?} (disable, prefer, require, verify-ca, verify-full)"
                            )));
                        }
                    }
                }
                "sslrootcert" => {
                    root_cert = Some(
                        percent_decode(v).map_err(|_| bad("sslrootcert is not UTF-8".into()))?,
                    )
                }
                _ => kept.push(part),
            }
        }
        let client_mode = match ssl {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            _ => "require",
        };
        kept.push(match client_mode {
            "disable" => "sslmode=disable",
            "prefer" => "sslmode=prefer",
            _ => "sslmode=require",
        });
        let normalized = format!("{base}?{}", kept.join("&"));
        let mut config = Config::from_str(&normalized).map_err(|e| bad(e.to_string()))?;
        if config.get_dbname().is_none() {
            return Err(bad("no database name".into()));
        }
        if config.get_user().is_none() {
            let user = whoami::username().unwrap_or_else(|_| "postgres".into());
            config.user(&user);
        }
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        if config.get_password().is_none()
            && let Some(pw) = password_from_environment(&config)
        {
            config.password(pw);
        }
        config.application_name("tuidesk");
        config.connect_timeout(std::time::Duration::from_secs(10));
        Ok(PgLocation {
            config,
            ssl,
            root_cert,
            redacted,
        })
    }

    /// The URL for another PostgreSQL client (pg_dump), its password left out.
    pub fn url_without_password(&self) -> String {
        let no_secret = self.redacted.replacen(":***@", "@", 1);
        match no_secret.split_once('?') {
            Some((base, query)) => {
                let kept: Vec<&str> = query
                    .split('&')
                    .filter(|p| !p.starts_with("password="))
                    .collect();
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
            None => no_secret,
        }
    }

    /// Every session opened from here on is read-only on the server
    /// (`default_transaction_read_only`): a write fails there, whatever the role may do.
    pub fn make_read_only(&mut self) {
        let options = match self.config.get_options() {
            Some(o) if !o.is_empty() => format!("{o} -c default_transaction_read_only=on"),
            _ => "-c default_transaction_read_only=on".to_string(),
        };
        self.config.options(&options);
    }

    pub fn password(&self) -> Option<String> {
        self.config
            .get_password()
            .map(|p| String::from_utf8_lossy(p).into_owned())
    }

    pub fn redacted(&self) -> String {
        self.redacted.clone()
    }

    /// The database name (for messages).
    pub fn dbname(&self) -> &str {
        self.config.get_dbname().unwrap_or("")
    }

    pub fn connect(&self) -> Result<Client> {
        let result = match self.ssl {
            SslMode::Disable => self.config.connect(NoTls),
            _ => {
                let tls = self.tls()?;
                self.config.connect(tls)
            }
        };
        result.map_err(|e| connect_error(&self.redacted, self.dbname(), &e))
    }

    /// Sends a cancel request for the statement a session of this location runs, over the
    /// same kind of connection (TLS or not) as the session.
    pub fn cancel(&self, token: &postgres::CancelToken) -> Result<()> {
        let result = match self.ssl {
            SslMode::Disable => token.cancel_query(NoTls),
            _ => token.cancel_query(self.tls()?),
        };
        result.map_err(|e| connect_error(&self.redacted, self.dbname(), &e))
    }

    fn tls(&self) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| StoreError::Other(format!("setting up TLS: {e}")))?;
        let config = match self.ssl {
            SslMode::VerifyCa | SslMode::VerifyFull => {
                let mut roots = rustls::RootCertStore::empty();
                match &self.root_cert {
                    Some(path) => {
                        let pem = std::fs::read(path).map_err(|e| {
                            StoreError::Other(format!("reading sslrootcert {path}: {e}"))
                        })?;
                        let certs = rustls_pemfile_certs(&pem).map_err(|e| {
                            StoreError::Other(format!("reading sslrootcert {path}: {e}"))
                        })?;
                        roots.add_parsable_certificates(certs);
                    }
                    None => {
                        roots.add_parsable_certificates(
                            rustls_native_certs::load_native_certs().certs,
                        );
                    }
                }
                if roots.is_empty() {
                    return Err(StoreError::Other(
                        "sslmode=verify-full: no trusted root certificates found (install ca-certificates or pass sslrootcert=FILE)".into(),
                    ));
                }
                if self.ssl == SslMode::VerifyCa {
                    let inner = rustls::client::WebPkiServerVerifier::builder_with_provider(
                        Arc::new(roots),
                        provider.clone(),
                    )
                    .build()
                    .map_err(|e| StoreError::Other(format!("setting up TLS: {e}")))?;
                    builder
                        .dangerous()
                        .with_custom_certificate_verifier(Arc::new(AnyName { inner }))
                        .with_no_client_auth()
                } else {
                    builder.with_root_certificates(roots).with_no_client_auth()
                }
            }
            _ => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unchecked { provider }))
                .with_no_client_auth(),
        };
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
    }
}

fn percent_decode(s: &str) -> std::result::Result<String, ()> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).map_err(|_| ())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| ())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

/// The certificates of a PEM file.
fn rustls_pemfile_certs(
    pem: &[u8],
) -> std::result::Result<Vec<rustls::pki_types::CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject as _;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

/// `~/.pgpass` (or `PGPASSFILE`) lines are `host:port:database:user:password`, `*` matching
/// anything; `PGPASSWORD` wins over the file, as in libpq.
fn password_from_environment(config: &Config) -> Option<String> {
    if let Ok(pw) = std::env::var("PGPASSWORD")
        && !pw.is_empty()
    {
        return Some(pw);
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass")))?;
    let text = std::fs::read_to_string(file).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(_)) | None => "localhost".to_string(),
        #[cfg(not(unix))]
        None => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let db = config.get_dbname().unwrap_or("");
    let user = config.get_user().unwrap_or("");
    pgpass_lookup(&text, [&host, &port, db, user])
}

fn pgpass_lookup(text: &str, wanted: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        // Split on unescaped colons; `\:` and `\\` are literal.
        let mut fields: Vec<String> = vec![String::new()];
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(n) = chars.next()
                        && let Some(f) = fields.last_mut()
                    {
                        f.push(n);
                    }
                }
                ':' if fields.len() < 5 => fields.push(String::new()),
                c => {
                    if let Some(f) = fields.last_mut() {
                        f.push(c);
                    }
                }
            }
        }
        if fields.len() != 5 {
            continue;
        }
        if fields[..4]
            .iter()
            .zip(wanted)
            .all(|(f, w)| f == "*" || f == w)
        {
            return fields.pop();
        }
    }
    None
}

/// `sslmode=require`/`prefer`: encrypted, the certificate not checked (libpq's meaning).
#[derive(Debug)]
struct Unchecked {
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// `sslmode=verify-ca`: the chain must lead to a trusted root; the host name is not checked.
#[derive(Debug)]
struct AnyName {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
}

impl rustls::client::danger::ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName))
            | Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(rustls::client::danger::ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://desk:s3cret@db.example:5432/desk?sslmode=require"),
            "postgres://desk:***@db.example:5432/desk?sslmode=require"
        );
        assert_eq!(
            redact("postgresql://db/desk?password=x&sslmode=require"),
            "postgresql://db/desk?password=***&sslmode=require"
        );
        assert_eq!(
            redact("postgres://u@/d?host=/tmp"),
            "postgres://u@/d?host=/tmp"
        );
    }

    #[test]
    fn pgpass_matches_with_wildcards_and_escapes() {
        let text = "# comment\nother:5432:*:*:no\n*:5432:desk:eng:pa\\:ss\n";
        assert_eq!(
            pgpass_lookup(text, ["db", "5432", "desk", "eng"]),
            Some("pa:ss".into())
        );
        assert_eq!(pgpass_lookup(text, ["db", "5433", "desk", "eng"]), None);
    }

    #[test]
    fn urls_parse_with_our_ssl_modes() {
        let l = PgLocation::parse("postgres://u:pw@h:6543/d?sslmode=verify-full").unwrap();
        assert_eq!(l.ssl, SslMode::VerifyFull);
        assert_eq!(l.dbname(), "d");
        assert!(!format!("{l:?}").contains("pw"));
        assert!(PgLocation::parse("postgres://u@h/d?sslmode=bogus").is_err());
        assert!(PgLocation::parse("postgres://u@h").is_err());
        let l = PgLocation::parse("postgres://u@%2Ftmp%2Fsock/d").unwrap();
        assert_eq!(l.dbname(), "d");
    }
}
