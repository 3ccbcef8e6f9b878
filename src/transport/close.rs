//! Classifying server closes: by reason text first, by code second (docs/architecture.md,
//! "Close classification").

use crate::session::CloseClass;

/// Reason fragments that mean retrying cannot help.
const FATAL_REASONS: &[&str] = &[
    "API key not valid",
    "API key expired",
    "unregistered callers",
    "is not found for API version",
    "Publisher model",
    "Invalid JSON payload",
    "Request contains an invalid argument",
    "Precondition check failed",
    "User location is not supported",
    "PERMISSION_DENIED",
    "permission",
];

/// Reason fragments of transient failures worth a reconnect.
const RETRYABLE_REASONS: &[&str] = &[
    "GoAway",
    "session durat",
    "Internal error",
    "currently unavailable",
    "Deadline expired",
    "operation was cancelled",
    "RESOURCE_EXHAUSTED",
    "keepalive ping timeout",
];

/// Classifies a close the server (or the network) initiated.
pub fn classify(code: u16, reason: &str) -> CloseClass {
    if RETRYABLE_REASONS.iter().any(|r| reason.contains(r)) {
        return CloseClass::Retryable;
    }
    if FATAL_REASONS.iter().any(|r| reason.contains(r)) {
        return CloseClass::Fatal;
    }
    match code {
        1000 => CloseClass::Normal,
        1001 | 1006 | 1011 | 1012 | 1013 | 1014 => CloseClass::Retryable,
        _ => CloseClass::Fatal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_closes_are_classified() {
        assert_eq!(
            classify(1007, "API key not valid. Please pass a valid API key."),
            CloseClass::Fatal
        );
        assert_eq!(classify(1008, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API c"), CloseClass::Fatal);
        assert_eq!(
            classify(
                1008,
                "models/x is not found for API version v1beta, or is not supported for bidiGenerateContent."
            ),
            CloseClass::Fatal
        );
        assert_eq!(classify(1008, "Connection aborted because the client failed to close the connection after receiving a GoAway signal once the session durat"), CloseClass::Retryable);
        assert_eq!(classify(1011, "Internal error occurred."), CloseClass::Retryable);
        assert_eq!(
            classify(1011, "Deadline expired before operation could complete."),
            CloseClass::Retryable
        );
        assert_eq!(classify(1006, ""), CloseClass::Retryable);
        assert_eq!(
            classify(1000, "The operation was cancelled."),
            CloseClass::Retryable
        );
        assert_eq!(classify(1000, ""), CloseClass::Normal);
        assert_eq!(
            classify(1008, "BidiGenerateContent session not found"),
            CloseClass::Fatal
        );
        assert_eq!(classify(1007, "Precondition check failed."), CloseClass::Fatal);
    }
}
