//! TLS client configuration: server certificates are verified against the operating system's
//! roots plus the bundled webpki roots, and optionally a custom CA file (PEM).

use super::error::Error;
use once_cell::sync::OnceCell;
use rustls::{ClientConfig, RootCertStore};
use std::path::Path;
use std::sync::Arc;

/// The shared default configuration (loading the OS roots is slow, so it is done once).
pub fn default_config() -> Result<Arc<ClientConfig>, Error> {
    static DEFAULT: OnceCell<Arc<ClientConfig>> = OnceCell::new();
    DEFAULT.get_or_try_init(|| build(None)).cloned()
}

/// A configuration for `ca_file`, or the shared default when `None`.
pub fn config_for(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, Error> {
    match ca_file {
        None => default_config(),
        Some(path) => build(Some(path)),
    }
}

fn build(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, Error> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in rustls_native_certs::load_native_certs().certs {
        // A broken OS certificate is skipped, not fatal: the webpki roots still apply.
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| Error::Tls(format!("cannot read CA file {}: {e}", path.display())))?;
        let mut added = 0;
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            let cert = cert.map_err(|e| Error::Tls(format!("bad PEM in {}: {e}", path.display())))?;
            roots
                .add(cert)
                .map_err(|e| Error::Tls(format!("bad certificate in {}: {e}", path.display())))?;
            added += 1;
        }
        if added == 0 {
            return Err(Error::Tls(format!(
                "no certificates in CA file {}",
                path.display()
            )));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(format!("setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_empty_ca_files_are_tls_errors() {
        assert!(matches!(
            config_for(Some(Path::new("/nonexistent/ca.pem"))),
            Err(Error::Tls(_))
        ));
        let empty = std::env::temp_dir().join(format!("gemini-live-empty-ca-{}.pem", std::process::id()));
        std::fs::write(&empty, "not a certificate").unwrap();
        assert!(matches!(config_for(Some(&empty)), Err(Error::Tls(_))));
        let _ = std::fs::remove_file(empty);
        assert!(default_config().is_ok());
    }
}
