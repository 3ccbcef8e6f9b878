//! Problems with single fields of a frame that was otherwise decoded.
//!
//! A number no Rust type can hold (`"timeLeft":"1e30s"`) must not cost the application the
//! rest of its frame, nor panic: the field is left absent and the problem is recorded here, to
//! be reported next to the frame's events.

use super::lenient::{Checked, Rejected};
use std::fmt;

/// One field left absent because its value could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldIssue {
    /// The field's path in camelCase: `goAway.timeLeft`, `usageMetadata.promptTokensDetails[].tokenCount`.
    pub field: String,
    /// The value as it arrived, shortened: `"1e30s"`, `1e300`.
    pub value: String,
    /// Why it was left out: `is out of range`, `is not an integer`, `is not a duration`.
    pub reason: &'static str,
}

impl fmt::Display for FieldIssue {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: {} {}", self.field, self.value, self.reason)
    }
}

/// The field issues of one frame. At most eight are kept; the others are only
/// counted, so a frame with a million bad entries cannot produce a million reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldIssues {
    kept: Vec<FieldIssue>,
    omitted: usize,
}

impl FieldIssues {
    pub(crate) const KEPT: usize = 8;

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// The first issues, in wire order.
    pub fn iter(&self) -> std::slice::Iter<'_, FieldIssue> {
        self.kept.iter()
    }

    /// How many more issues there were.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// The kept issues and the count of omitted ones.
    pub fn into_parts(self) -> (Vec<FieldIssue>, usize) {
        (self.kept, self.omitted)
    }

    pub fn push(&mut self, issue: FieldIssue) {
        if self.kept.len() < Self::KEPT {
            self.kept.push(issue);
        } else {
            self.omitted += 1;
        }
    }

    /// The value of a checked field; a rejected one is recorded under `field` and becomes `None`.
    pub fn check<T>(&mut self, field: &str, value: Checked<T>) -> Option<T> {
        match value {
            Checked::Absent => None,
            Checked::Valid(v) => Some(v),
            Checked::Invalid(rejected) => {
                let Rejected { value, reason } = *rejected;
                self.push(FieldIssue {
                    field: field.to_owned(),
                    value,
                    reason,
                });
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_beyond_the_first_few_are_counted_not_kept() {
        let mut issues = FieldIssues::default();
        for _ in 0..FieldIssues::KEPT + 3 {
            let bad = Checked::<i64>::Invalid(Box::new(Rejected {
                value: "1e30".into(),
                reason: "is out of range",
            }));
            assert_eq!(issues.check("usageMetadata.totalTokenCount", bad), None);
        }
        assert_eq!(issues.iter().count(), FieldIssues::KEPT);
        assert_eq!(issues.omitted(), 3);
        assert_eq!(
            issues.iter().next().unwrap().to_string(),
            "usageMetadata.totalTokenCount: 1e30 is out of range"
        );
        assert_eq!(issues.check("x", Checked::Valid(5)), Some(5));
    }
}
