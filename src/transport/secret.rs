//! Credentials that never reach logs: `Debug` and `Display` print a placeholder.

use super::config_error::ConfigError;
use std::fmt;
use std::sync::Arc;

/// An API key or token. Its text leaves this type only to go on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret text, for building the request. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Checks that the secret can be sent in an HTTP header: printable ASCII only (space to
    /// `~`; no control character — tab, newline, DEL... — and no non-ASCII character). Empty
    /// and blank pass (a missing key is the server's to refuse). `what` names it in the error ("API key", "access token", ...),
    /// which says where the bad character is and what kind it is, never the secret's text.
    pub fn check(&self, what: &str) -> Result<(), ConfigError> {
        check_secret_text(&self.0, what)
    }
}

/// See [`Secret::check`].
pub fn check_secret_text(text: &str, what: &str) -> Result<(), ConfigError> {
    match text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_graphic() || c == ' '))
    {
        None => Ok(()),
        Some((at, c)) => {
            let kind = if c.is_ascii_control() {
                "a control character"
            } else {
                "a non-ASCII character"
            };
            Err(ConfigError::Credential {
                what: what.to_owned(),
                reason: format!(
                    "holds {kind} at byte {at}; credentials are printable ASCII \
                     (check for a stray newline or a copy-paste artefact)"
                ),
            })
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Asked for a fresh credential before every connection attempt (ephemeral tokens are single
/// use). It runs on a blocking thread, so it may do I/O. `Err` aborts that attempt.
pub type CredentialProvider = Arc<dyn Fn() -> Result<Secret, String> + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_debug_and_display() {
        let s = Secret::new("AIzaSyTopSecret");
        assert!(!format!("{s:?}").contains("TopSecret"));
        assert!(!format!("{s}").contains("TopSecret"));
        assert_eq!(s.expose(), "AIzaSyTopSecret");
    }

    #[test]
    fn check_refuses_non_header_text_without_echoing_it() {
        assert!(Secret::new("AIza-Sy_09.~/+=").check("API key").is_ok());
        assert!(Secret::new("").check("API key").is_ok());
        assert!(
            Secret::new(" ").check("API key").is_ok(),
            "blank: the server's to refuse"
        );
        for bad in [
            "TopSecrét",
            "TopSecret\n",
            "TopSecret\u{7f}",
            "\tTopSecret",
            "Top\u{a0}Secret",
        ] {
            let e = Secret::new(bad).check("API key").unwrap_err();
            let text = e.to_string();
            assert!(matches!(e, ConfigError::Credential { .. }), "{bad:?}: {e:?}");
            assert!(
                !text.contains("TopSecret") && !text.contains("Secr"),
                "echoes: {text}"
            );
            assert!(text.contains("API key"), "{text}");
        }
    }
}
