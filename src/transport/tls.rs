//! TLS client configuration: server certificates are verified against the operating system's
//! roots plus the bundled webpki roots, and optionally the CAs of a PEM file.
//!
//! Everything is loaded once: the OS roots once per process, a CA file once per
//! [`TlsConfig`] (when it is made). Connections and reconnects share the resulting rustls
//! configuration, so a CA file deleted or changed later does not affect them.

use super::config_error::TlsError;
use once_cell::sync::OnceCell;
use rustls::{ClientConfig, RootCertStore};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The trust settings of a session: the shared system roots, or those plus a CA file's
/// certificates, read when the value is made. Cloning shares the configuration.
#[derive(Clone)]
pub struct TlsConfig {
    client: Arc<ClientConfig>,
    ca_file: Option<PathBuf>,
}

impl TlsConfig {
    /// The OS and webpki roots (built once per process, then shared).
    pub fn system() -> Result<TlsConfig, TlsError> {
        static DEFAULT: OnceCell<Arc<ClientConfig>> = OnceCell::new();
        let client = DEFAULT.get_or_try_init(|| client_config(system_roots().clone()))?;
        Ok(TlsConfig {
            client: client.clone(),
            ca_file: None,
        })
    }

    /// The system roots plus every certificate of the PEM file at `path`, read now. A file
    /// that cannot be read, holds bad PEM or no certificate is refused.
    pub fn with_ca_file(path: impl AsRef<Path>) -> Result<TlsConfig, TlsError> {
        let path = path.as_ref();
        let mut roots = system_roots().clone();
        let added = add_pem_file(&mut roots, path)?;
        if added == 0 {
            return Err(TlsError::NoCertificate { path: path.into() });
        }
        Ok(TlsConfig {
            client: client_config(roots)?,
            ca_file: Some(path.into()),
        })
    }

    /// The CA file this configuration was made from, if any.
    pub fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }

    /// The rustls configuration connections use.
    pub(crate) fn client_config(&self) -> Arc<ClientConfig> {
        self.client.clone()
    }
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// The OS roots (a broken OS certificate is skipped: the webpki roots still apply) and the
/// bundled webpki roots, loaded once per process (loading the OS roots is slow).
fn system_roots() -> &'static RootCertStore {
    static ROOTS: OnceCell<RootCertStore> = OnceCell::new();
    ROOTS.get_or_init(|| {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        roots
    })
}

/// Adds the certificates of a PEM file to `roots`; returns how many.
fn add_pem_file(roots: &mut RootCertStore, path: &Path) -> Result<usize, TlsError> {
    let pem = std::fs::read(path).map_err(|e| TlsError::Unreadable {
        path: path.into(),
        reason: e.to_string(),
    })?;
    let mut added = 0;
    for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
        let cert = cert.map_err(|e| TlsError::BadPem {
            path: path.into(),
            reason: e.to_string(),
        })?;
        roots.add(cert).map_err(|e| TlsError::BadCertificate {
            path: path.into(),
            reason: e.to_string(),
        })?;
        added += 1;
    }
    Ok(added)
}

fn client_config(roots: RootCertStore) -> Result<Arc<ClientConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("gemini-live-tls-{}-{name}.pem", std::process::id()))
    }

    #[test]
    fn missing_bad_or_empty_ca_files_are_refused_by_kind() {
        assert!(matches!(
            TlsConfig::with_ca_file("/nonexistent/ca.pem"),
            Err(TlsError::Unreadable { .. })
        ));
        let empty = temp("empty");
        std::fs::write(&empty, "not a certificate").unwrap();
        assert!(matches!(
            TlsConfig::with_ca_file(&empty),
            Err(TlsError::NoCertificate { .. })
        ));
        let bad = temp("bad");
        std::fs::write(
            &bad,
            "-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        assert!(matches!(
            TlsConfig::with_ca_file(&bad),
            Err(TlsError::BadPem { .. })
        ));
        let _ = std::fs::remove_file(empty);
        let _ = std::fs::remove_file(bad);
        assert!(TlsConfig::system().is_ok());
    }

    #[test]
    fn the_system_configuration_is_shared() {
        let (a, b) = (TlsConfig::system().unwrap(), TlsConfig::system().unwrap());
        assert!(Arc::ptr_eq(&a.client_config(), &b.client_config()));
    }
}
