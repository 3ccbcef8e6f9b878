//! Credentials that never reach logs: `Debug` and `Display` print a placeholder.

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
}
