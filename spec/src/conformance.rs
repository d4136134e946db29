//! The JSON the conformance suite exchanges: b24gen writes the docs' examples as [`Case`]s, the
//! harness built into the generated crates (`b24_runtime::conformance`) checks each against the
//! generated types and answers with an [`Outcome`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What an example is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseKind {
    Response,
    Request,
    Error,
    Event,
}

impl CaseKind {
    pub const ALL: [CaseKind; 4] = [
        CaseKind::Response,
        CaseKind::Request,
        CaseKind::Error,
        CaseKind::Event,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Response => "response",
            CaseKind::Request => "request",
            CaseKind::Error => "error",
            CaseKind::Event => "event",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            CaseKind::Response => "responses",
            CaseKind::Request => "requests",
            CaseKind::Error => "errors",
            CaseKind::Event => "events",
        }
    }
}

/// One example to check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: usize,
    pub kind: CaseKind,
    /// Method or event name.
    pub name: String,
    /// 2 or 3 (methods only; 0 for events).
    #[serde(default)]
    pub rest_version: u8,
    pub json: Value,
}

/// Why an example does not fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// JSON path in the example (`result.items[3].ID`, `fields.TITLE`); `""` for the root.
    pub path: String,
    /// The Rust type the example was decoded into.
    pub expected: String,
    pub message: String,
}

impl Mismatch {
    pub fn new(
        path: impl Into<String>,
        expected: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Mismatch {
            path: path.into(),
            expected: expected.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        };
        write!(f, "at {path} (into {}): {}", self.expected, self.message)
    }
}

/// Which variant of the error enum a code decoded into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorClass {
    /// A variant of a code the method's page documents.
    Documented,
    /// `System`: a system-wide code.
    System,
    /// `Other`: a code the generated enum does not know.
    Other,
}

/// An error example that decoded: its code and the kind of variant it landed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorFit {
    pub code: String,
    pub class: ErrorClass,
}

/// The verdict on one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub id: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mismatch: Option<Mismatch>,
    /// Error cases that decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorFit>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_and_outcomes_round_trip_as_json() {
        let case = Case {
            id: 3,
            kind: CaseKind::Error,
            name: "crm.deal.get".into(),
            rest_version: 2,
            json: serde_json::json!({"error": "", "error_description": "Not found"}),
        };
        let text = serde_json::to_string(&case).unwrap();
        assert!(text.contains(r#""kind":"error""#), "{text}");
        assert_eq!(serde_json::from_str::<Case>(&text).unwrap(), case);
        let out = Outcome {
            id: 3,
            mismatch: None,
            error: Some(ErrorFit {
                code: String::new(),
                class: ErrorClass::Documented,
            }),
        };
        let text = serde_json::to_string(&out).unwrap();
        assert_eq!(text, r#"{"id":3,"error":{"code":"","class":"documented"}}"#);
        assert_eq!(serde_json::from_str::<Outcome>(&text).unwrap(), out);
    }
}
