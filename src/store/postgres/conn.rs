//! Where a PostgreSQL desk lives and how to reach it: the URL (`postgres://USER@HOST:PORT/DB
//! ?sslmode=…`, a Unix socket directory as `host=/path` or a percent-encoded host), the
//! password (from the URL, `PGPASSWORD` or `~/.pgpass`; never printed) and TLS (rustls;
//! `sslmode` as libpq reads it: `disable`, `prefer` and `require` encrypt without checking
//! the certificate, `verify-ca` and `verify-full` check it against the system's roots or
//! `sslrootcert=FILE`).

use std::str::FromStr as _;
use std::sync::Arc;

use postgres::config::{Host, SslMode as ClientSslMode};
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
        PgLocation::parse_with(url, password_from_environment)
    }

    /// [`PgLocation::parse`] with the password source given (tests leave out the
    /// environment and `~/.pgpass`).
    fn parse_with(
        url: &str,
        environment_password: impl FnOnce(&Config) -> Option<String>,
    ) -> Result<PgLocation> {
        let redacted = redact(url);
        let (mut config, ssl, root_cert) = parse_url(url, &redacted)?;
        if config.get_password().is_none()
            && let Some(pw) = environment_password(&config)
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
        let sockets = socket_hosts(&self.config);
        let result = if self.ssl == SslMode::Disable || sockets.iter().all(|&s| s) {
            // libpq never uses TLS on a Unix socket (the server refuses it there), whatever
            // sslmode says; the client library would ask and fail on `require`.
            let mut config = self.config.clone();
            config.ssl_mode(ClientSslMode::Disable);
            config.connect(NoTls)
        } else if !sockets.contains(&true) {
            self.config.connect(self.tls()?)
        } else {
            return self.connect_each_host(&sockets);
        };
        result.map_err(|e| self.connect_error(&e))
    }

    /// Hosts of both kinds: tried one at a time in the URL's order (shuffled with
    /// `load_balance_hosts=random`), sockets without TLS, TCP hosts as sslmode says; the
    /// first that answers wins, else the last failure is reported (as libpq does).
    fn connect_each_host(&self, sockets: &[bool]) -> Result<Client> {
        let tls = self.tls()?;
        let mut order: Vec<usize> = (0..sockets.len()).collect();
        if self.config.get_load_balance_hosts() == postgres::config::LoadBalanceHosts::Random {
            fastrand::shuffle(&mut order);
        }
        let mut last = None;
        for i in order {
            let mut config = one_host(&self.config, i);
            let result = if sockets[i] {
                config.ssl_mode(ClientSslMode::Disable);
                config.connect(NoTls)
            } else {
                config.connect(tls.clone())
            };
            match result {
                Ok(client) => return Ok(client),
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            Some(e) => self.connect_error(&e),
            None => StoreError::Other(format!("{}: no host to connect to", self.redacted)),
        })
    }

    fn connect_error(&self, err: &postgres::Error) -> StoreError {
        connect_error(
            &self.redacted,
            self.dbname(),
            self.config.get_user().unwrap_or(""),
            err,
        )
    }

    /// Sends a cancel request for the statement a session of this location runs, over the
    /// same kind of connection (TLS or not) as the session: the token carries the sslmode the
    /// session was opened with (`disable` on a socket), so a TLS connector here only ever
    /// serves a TCP session.
    pub fn cancel(&self, token: &postgres::CancelToken) -> Result<()> {
        let all_sockets = socket_hosts(&self.config).iter().all(|&s| s);
        let result = if self.ssl == SslMode::Disable || all_sockets {
            token.cancel_query(NoTls)
        } else {
            token.cancel_query(self.tls()?)
        };
        result.map_err(|e| self.connect_error(&e))
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

/// The URL as the client library reads it, with our `sslmode` and `sslrootcert`; the user
/// defaults to the login name and the host to `localhost`. Touches no file or environment
/// variable (the password from those is added by [`PgLocation::parse`]).
fn parse_url(url: &str, redacted: &str) -> Result<(Config, SslMode, Option<String>)> {
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
    let mut kept: Vec<String> = Vec::new();
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
                root_cert =
                    Some(percent_decode(v).map_err(|_| bad("sslrootcert is not UTF-8".into()))?)
            }
            // libpq reads `host=a,b` as a list; the client library takes a `host` parameter
            // as one host (so `127.0.0.1,/dir` would be a bad name) but adds one per
            // parameter.
            "host" => kept.extend(v.split(',').map(|h| format!("host={h}"))),
            _ => kept.push(part.to_string()),
        }
    }
    kept.push(
        match ssl {
            SslMode::Disable => "sslmode=disable",
            SslMode::Prefer => "sslmode=prefer",
            _ => "sslmode=require",
        }
        .to_string(),
    );
    let normalized = format!("{base}?{}", kept.join("&"));
    let mut config = Config::from_str(&normalized).map_err(|e| bad(e.to_string()))?;
    if config.get_dbname().is_none() {
        return Err(bad("no database name".into()));
    }
    if config.get_user().is_none() {
        let user = whoami::username().unwrap_or_else(|_| "postgres".into());
        config.user(&user);
    }
    if config.get_hosts().is_empty() && config.get_hostaddrs().is_empty() {
        config.host("localhost");
    }
    Ok((config, ssl, root_cert))
}

/// The database a PostgreSQL URL names (its path, or `dbname=` in the query), for the TUI's
/// header; `None` for a URL that does not parse. Reads no password.
pub fn database_name(url: &str) -> Option<String> {
    let (config, ..) = parse_url(url, &redact(url)).ok()?;
    config.get_dbname().map(str::to_string)
}

/// For each host of the URL, in order, whether it is reached over a Unix socket (a
/// `hostaddr` given for it makes it TCP, as in libpq).
fn socket_hosts(config: &Config) -> Vec<bool> {
    let hosts = config.get_hosts();
    let addrs = config.get_hostaddrs();
    (0..hosts.len().max(addrs.len()))
        .map(|i| {
            addrs.get(i).is_none() && {
                #[cfg(unix)]
                {
                    matches!(hosts.get(i), Some(Host::Unix(_)))
                }
                #[cfg(not(unix))]
                {
                    false
                }
            }
        })
        .collect()
}

/// `config` narrowed to its host number `i` (with that host's port and `hostaddr`), every
/// other setting kept: a URL mixing socket and TCP hosts is tried one host at a time, each
/// with its own TLS choice.
fn one_host(config: &Config, i: usize) -> Config {
    let mut c = Config::new();
    if let Some(v) = config.get_user() {
        c.user(v);
    }
    if let Some(v) = config.get_password() {
        c.password(v);
    }
    if let Some(v) = config.get_dbname() {
        c.dbname(v);
    }
    if let Some(v) = config.get_options() {
        c.options(v);
    }
    if let Some(v) = config.get_application_name() {
        c.application_name(v);
    }
    c.ssl_mode(config.get_ssl_mode());
    c.ssl_negotiation(config.get_ssl_negotiation());
    match config.get_hosts().get(i) {
        Some(Host::Tcp(h)) => {
            c.host(h);
        }
        #[cfg(unix)]
        Some(Host::Unix(p)) => {
            c.host_path(p);
        }
        None => {}
    }
    if let Some(a) = config.get_hostaddrs().get(i) {
        c.hostaddr(*a);
    }
    // One port for all hosts, or one per host (the client library's rule).
    if let Some(p) = config
        .get_ports()
        .get(i)
        .or_else(|| config.get_ports().first())
    {
        c.port(*p);
    }
    if let Some(t) = config.get_connect_timeout() {
        c.connect_timeout(*t);
    }
    if let Some(t) = config.get_tcp_user_timeout() {
        c.tcp_user_timeout(*t);
    }
    c.keepalives(config.get_keepalives());
    c.keepalives_idle(config.get_keepalives_idle());
    if let Some(t) = config.get_keepalives_interval() {
        c.keepalives_interval(t);
    }
    if let Some(n) = config.get_keepalives_retries() {
        c.keepalives_retries(n);
    }
    c.target_session_attrs(config.get_target_session_attrs());
    c.channel_binding(config.get_channel_binding());
    c
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
/// anything; `PGPASSWORD` wins over the file, as in libpq. The line is looked up for the
/// URL's first host.
fn password_from_environment(config: &Config) -> Option<String> {
    if let Ok(pw) = std::env::var("PGPASSWORD")
        && !pw.is_empty()
    {
        return Some(pw);
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass")))?;
    let text = read_password_file(&file)?;
    let hosts = match (config.get_hosts().first(), config.get_hostaddrs().first()) {
        (Some(host), _) => pgpass_hosts(host),
        // Only a `hostaddr`: libpq matches the address itself.
        (None, Some(addr)) => vec![addr.to_string()],
        (None, None) => vec!["localhost".to_string()],
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let db = config.get_dbname().unwrap_or("");
    let user = config.get_user().unwrap_or("");
    pgpass_lookup(&text, &hosts, [&port, db, user])
}

/// The socket directories a libpq build may default to (upstream `/tmp`, Debian and
/// Red Hat `/var/run/postgresql`, which is `/run/postgresql` on current systems).
#[cfg(unix)]
const DEFAULT_SOCKET_DIRS: [&str; 3] = ["/tmp", "/var/run/postgresql", "/run/postgresql"];

/// The values a password file's host field may hold to match `host`: a TCP host's name; a
/// socket connection's directory (libpq compares the path as written) and, for a default
/// socket directory, `localhost`, which libpq also accepts there.
fn pgpass_hosts(host: &Host) -> Vec<String> {
    match host {
        Host::Tcp(h) => vec![h.clone()],
        #[cfg(unix)]
        Host::Unix(dir) => {
            let dir = dir.to_string_lossy().into_owned();
            let trimmed = match dir.trim_end_matches('/') {
                "" => "/",
                t => t,
            };
            let mut hosts = vec![dir.clone()];
            if DEFAULT_SOCKET_DIRS.contains(&trimmed) {
                hosts.push("localhost".to_string());
            }
            hosts
        }
    }
}

/// The password file's text, or `None` when there is none or it must be ignored: like libpq,
/// a file that is not a plain file, or that its group or others may read or write, is
/// skipped with a warning (its passwords may have leaked; it would be unsafe to rely on it).
fn read_password_file(path: &std::path::Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // No file is the common case and no reason to warn.
        let meta = std::fs::metadata(path).ok()?;
        if let Some(problem) = password_file_problem(meta.is_file(), meta.permissions().mode()) {
            eprintln!(
                "tuidesk: warning: password file {} is ignored: it {problem}",
                path.display()
            );
            return None;
        }
    }
    std::fs::read_to_string(path).ok()
}

/// Why libpq would not read a password file of this kind and mode, if it would not.
#[cfg(unix)]
fn password_file_problem(is_file: bool, mode: u32) -> Option<String> {
    if !is_file {
        return Some("is not a plain file".into());
    }
    if mode & 0o077 != 0 {
        return Some(format!(
            "has group or world access (mode {:04o}); chmod 600 it",
            mode & 0o7777
        ));
    }
    None
}

/// The password of the first line whose host field is one of `hosts` (or `*`) and whose
/// port, database and user fields are `rest` (or `*`).
fn pgpass_lookup(text: &str, hosts: &[String], rest: [&str; 3]) -> Option<String> {
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
        let host_matches = fields[0] == "*" || hosts.contains(&fields[0]);
        if host_matches
            && fields[1..4]
                .iter()
                .zip(rest)
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
        let db = ["db".to_string()];
        assert_eq!(
            pgpass_lookup(text, &db, ["5432", "desk", "eng"]),
            Some("pa:ss".into())
        );
        assert_eq!(pgpass_lookup(text, &db, ["5433", "desk", "eng"]), None);
    }

    /// The hosts a password file line may name for the URL's first host.
    fn pgpass_hosts_of(url: &str) -> Vec<String> {
        let (config, ..) = parse_url(url, url).unwrap();
        pgpass_hosts(&config.get_hosts()[0])
    }

    #[cfg(unix)]
    #[test]
    fn pgpass_lines_for_a_socket_name_its_directory() {
        let text = "db.example:5432:*:*:tcp\n/tmp/x/socket:5432:cf_x:user:PW\n";
        for url in [
            "postgres://user@/cf_x?host=/tmp/x/socket",
            "postgres://user@%2Ftmp%2Fx%2Fsocket/cf_x",
        ] {
            let hosts = pgpass_hosts_of(url);
            assert_eq!(
                pgpass_lookup(text, &hosts, ["5432", "cf_x", "user"]),
                Some("PW".into()),
                "{url}"
            );
        }
        // Another directory is another server.
        let hosts = pgpass_hosts_of("postgres://user@/cf_x?host=/tmp/y");
        assert_eq!(pgpass_lookup(text, &hosts, ["5432", "cf_x", "user"]), None);
        // `localhost` stands for the default socket directory, as in libpq.
        let text = "localhost:5432:*:*:LOCAL\n";
        let hosts = pgpass_hosts_of("postgres://user@/cf_x?host=/var/run/postgresql");
        assert_eq!(
            pgpass_lookup(text, &hosts, ["5432", "cf_x", "user"]),
            Some("LOCAL".into())
        );
        let hosts = pgpass_hosts_of("postgres://user@/cf_x?host=/tmp/x/socket");
        assert_eq!(pgpass_lookup(text, &hosts, ["5432", "cf_x", "user"]), None);
        // The first matching line wins, whichever spelling it uses.
        let text = "/run/postgresql:*:*:*:PATH\nlocalhost:*:*:*:LOCAL\n";
        let hosts = pgpass_hosts_of("postgres://user@/cf_x?host=/run/postgresql");
        assert_eq!(
            pgpass_lookup(text, &hosts, ["5432", "cf_x", "user"]),
            Some("PATH".into())
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_password_file_others_may_read_is_ignored() {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(password_file_problem(true, 0o100600), None);
        assert_eq!(password_file_problem(true, 0o100400), None);
        assert!(password_file_problem(true, 0o100640).is_some());
        assert!(password_file_problem(true, 0o100604).is_some());
        assert!(password_file_problem(false, 0o040700).is_some());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(&file, "*:*:*:*:PW\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(read_password_file(&file), None);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_password_file(&file).as_deref(), Some("*:*:*:*:PW\n"));
        assert_eq!(read_password_file(dir.path()), None);
        assert_eq!(read_password_file(&dir.path().join("none")), None);
    }

    #[test]
    fn the_database_name_comes_from_the_path_not_the_socket_directory() {
        for url in [
            "postgres://postgres@/hb_a?host=/tmp/tuidesk-pg-lead/socket",
            "postgres://postgres@%2Ftmp%2Ftuidesk-pg-lead%2Fsocket/hb_a",
            "postgresql://u:pw@h:6543/hb_a?sslmode=verify-full&sslrootcert=/etc/ca.pem",
            "postgres://postgres@/other?dbname=hb_a&host=/tmp/sock",
        ] {
            assert_eq!(database_name(url).as_deref(), Some("hb_a"), "{url}");
        }
        assert_eq!(database_name("postgres://u@h"), None);
    }

    #[cfg(unix)]
    #[test]
    fn socket_hosts_are_told_from_tcp_hosts() {
        let sockets = |url: &str| socket_hosts(&parse_url(url, url).unwrap().0);
        assert_eq!(
            sockets("postgres://u@/d?host=/tmp/s&sslmode=require"),
            [true]
        );
        assert_eq!(
            sockets("postgres://u@%2Ftmp%2Fs/d?sslmode=verify-full"),
            [true]
        );
        assert_eq!(sockets("postgres://u@db.example/d"), [false]);
        assert_eq!(sockets("postgres://u@/d"), [false]);
        assert_eq!(
            sockets("postgres://u@/d?host=db.example,/tmp/s&port=5433,5434"),
            [false, true]
        );
        // A `hostaddr` makes the connection TCP whatever the host says.
        assert_eq!(
            sockets("postgres://u@/d?host=/tmp/s&hostaddr=127.0.0.1"),
            [false]
        );
    }

    #[cfg(unix)]
    #[test]
    fn one_host_keeps_every_setting_but_the_other_hosts() {
        let url = "postgres://u:pw@/d?host=db.example,/tmp/s&port=5433,5434&options=-c%20x%3Dy\
                   &target_session_attrs=read-write&connect_timeout=3&keepalives_idle=7";
        let (full, ..) = parse_url(url, url).unwrap();
        let c = one_host(&full, 1);
        assert_eq!(c.get_hosts(), [Host::Unix("/tmp/s".into())]);
        assert_eq!(c.get_ports(), [5434]);
        assert_eq!(c.get_user(), Some("u"));
        assert_eq!(c.get_password(), Some(&b"pw"[..]));
        assert_eq!(c.get_dbname(), Some("d"));
        assert_eq!(c.get_options(), full.get_options());
        assert_eq!(c.get_connect_timeout(), full.get_connect_timeout());
        assert_eq!(c.get_keepalives_idle(), full.get_keepalives_idle());
        assert_eq!(
            c.get_target_session_attrs(),
            full.get_target_session_attrs()
        );
        let c = one_host(&full, 0);
        assert_eq!(c.get_hosts(), [Host::Tcp("db.example".into())]);
        assert_eq!(c.get_ports(), [5433]);
    }

    /// A stand-in server that asks for a SCRAM password and waits: the client library must
    /// give up with its "password missing" (the text [`super::super::error`] recognizes).
    #[test]
    fn a_missing_password_is_reported_as_such_not_as_an_unreachable_server() {
        use std::io::{Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut len = [0u8; 4];
            s.read_exact(&mut len).unwrap();
            let mut startup = vec![0u8; u32::from_be_bytes(len) as usize - 4];
            s.read_exact(&mut startup).unwrap();
            // AuthenticationSASL (10) offering SCRAM-SHA-256.
            let mechanisms = b"SCRAM-SHA-256\0\0";
            let mut msg = vec![b'R'];
            msg.extend_from_slice(&((8 + mechanisms.len()) as u32).to_be_bytes());
            msg.extend_from_slice(&10u32.to_be_bytes());
            msg.extend_from_slice(mechanisms);
            s.write_all(&msg).unwrap();
            // Until the client hangs up.
            let _ = s.read(&mut [0u8; 64]);
        });
        let url = format!("postgres://desk@127.0.0.1:{port}/d?sslmode=disable");
        let location = PgLocation::parse_with(&url, |_| None).unwrap();
        let message = match location.connect() {
            Ok(_) => panic!("connected without a password"),
            Err(e) => e.to_string(),
        };
        server.join().unwrap();
        assert!(
            message.contains("asks for a password for user \"desk\""),
            "{message}"
        );
        assert!(message.contains("PGPASSWORD"), "{message}");
        assert!(!message.contains("unreachable"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }

    /// libpq never uses TLS on a Unix socket, whatever sslmode says: neither do we.
    #[cfg(unix)]
    #[test]
    fn a_socket_connects_without_tls_whatever_the_sslmode() {
        let Some(scratch) = super::super::scratch::Scratch::new("conn_socket") else {
            return;
        };
        if !scratch.url.contains("host=/") {
            // The test server is reached over TCP here: nothing to check.
            return;
        }
        for mode in ["require", "verify-ca", "verify-full", "prefer"] {
            let url = format!("{}&sslmode={mode}", scratch.url);
            let mut client = PgLocation::parse(&url)
                .unwrap()
                .connect()
                .unwrap_or_else(|e| panic!("{mode}: {e}"));
            let row = client
                .query_one("SELECT inet_server_addr() IS NULL", &[])
                .unwrap();
            assert!(row.get::<_, bool>(0), "{mode}: not over the socket");
        }
        // A TCP host first, then the socket: the socket is still reached without TLS
        // (the TCP host refuses, lacks TLS or answers over TLS, any of which is fine).
        let url = format!(
            "{}&sslmode=require",
            scratch.url.replacen("host=", "host=127.0.0.1,", 1)
        );
        PgLocation::parse(&url)
            .unwrap()
            .connect()
            .unwrap_or_else(|e| panic!("mixed hosts: {e}"));
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
