//! Conversation content shared by client and server messages: `Content`, `Part`, `Blob`,
//! function calls and responses.
//!
//! Encoding writes canonical camelCase and standard base64; decoding also accepts the proto
//! field names (snake_case) and URL-safe base64, as the service does.

use super::lenient::{self, Empty};
use super::raw_json::RawJson;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// One turn of conversation: a role (`user` or `model`) and its parts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Content {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default)]
    pub parts: Vec<Part>,
}

impl Content {
    /// A turn holding one text part.
    pub fn text(role: &str, text: impl Into<String>) -> Self {
        Content {
            role: Some(role.to_owned()),
            parts: vec![Part::text(text)],
        }
    }
}

/// One part of a turn the client sends (history, system instructions). Exactly one payload
/// field is normally set. The server's parts decode to the compact
/// [`ServerPart`](super::ServerPart) instead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Part {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Set on thought summaries (when `includeThoughts` is on).
    #[serde(default, deserialize_with = "lenient::flag", skip_serializing_if = "is_false")]
    pub thought: bool,
    #[serde(default, alias = "thought_signature", skip_serializing_if = "Option::is_none")]
    pub thought_signature: Option<String>,
    #[serde(default, alias = "inline_data", skip_serializing_if = "Option::is_none")]
    pub inline_data: Option<Blob>,
    #[serde(default, alias = "function_call", skip_serializing_if = "Option::is_none")]
    pub function_call: Option<FunctionCall>,
    #[serde(default, alias = "executable_code", skip_serializing_if = "Option::is_none")]
    pub executable_code: Option<Value>,
    #[serde(
        default,
        alias = "code_execution_result",
        skip_serializing_if = "Option::is_none"
    )]
    pub code_execution_result: Option<Value>,
    #[serde(default, alias = "file_data", skip_serializing_if = "Option::is_none")]
    pub file_data: Option<Value>,
}

impl Part {
    pub fn text(text: impl Into<String>) -> Self {
        Part {
            text: Some(text.into()),
            ..Part::default()
        }
    }
}

/// Inline bytes with their MIME type (`audio/pcm;rate=16000`, `image/jpeg`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Blob {
    #[serde(default, alias = "mime_type")]
    pub mime_type: String,
    #[serde(
        default,
        deserialize_with = "lenient::base64_bytes",
        serialize_with = "standard_base64"
    )]
    pub data: Vec<u8>,
}

/// A function the model asks the application to run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionCall {
    /// `function-call-<digits>` on the Gemini API, a UUID on Vertex.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// The arguments object as its wire text (user data: its keys are never rewritten, and
    /// the text costs no more than its size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<RawJson>,
    /// Vertex streamed arguments (`willContinue`, `partialArgs`), absent for a whole call.
    /// Boxed: rare, and a turn may hold a million calls. Decoded from server frames only.
    #[serde(skip)]
    pub streamed: Option<Box<StreamedArgs>>,
}

/// One fragment of a call whose arguments are streamed (Vertex).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamedArgs {
    /// More fragments of this call follow.
    pub will_continue: bool,
    /// This fragment's `partialArgs` array, as sent
    /// (`[{"jsonPath":"$.location","stringValue":"Par"}, ...]`).
    pub partial_args: Option<RawJson>,
}

impl Empty for FunctionCall {
    /// A call with no id, name or arguments: there is nothing to run or answer.
    fn is_empty(&self) -> bool {
        self.id.is_empty() && self.name.is_empty() && self.args.is_none() && self.streamed.is_none()
    }
}

/// When a NON_BLOCKING function's result is folded into the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Scheduling {
    Silent,
    WhenIdle,
    Interrupt,
}

/// The application's answer to a [`FunctionCall`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionResponse {
    /// The id of the call answered; required on the Gemini API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// The result object; by convention `{"output": ...}` or `{"error": ...}`.
    pub response: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduling: Option<Scheduling>,
    /// Gemini API only: more responses for this call will follow.
    #[serde(default, alias = "will_continue", skip_serializing_if = "Option::is_none")]
    pub will_continue: Option<bool>,
    /// Media that goes with the result (an image the function produced, a file it names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<FunctionResponsePart>,
}

/// One piece of media in a [`FunctionResponse`]: inline bytes or a file reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FunctionResponsePart {
    #[serde(alias = "inline_data")]
    InlineData(FunctionResponseBlob),
    #[serde(alias = "file_data")]
    FileData(FunctionResponseFileData),
}

/// Inline bytes of a [`FunctionResponsePart`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionResponseBlob {
    #[serde(default, alias = "mime_type")]
    pub mime_type: String,
    #[serde(
        default,
        deserialize_with = "lenient::base64_bytes",
        serialize_with = "standard_base64"
    )]
    pub data: Vec<u8>,
    #[serde(default, alias = "display_name", skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// A file reference of a [`FunctionResponsePart`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionResponseFileData {
    #[serde(alias = "file_uri")]
    pub file_uri: String,
    #[serde(default, alias = "mime_type", skip_serializing_if = "String::is_empty")]
    pub mime_type: String,
    #[serde(default, alias = "display_name", skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

fn is_false(v: &bool) -> bool {
    !*v
}

fn standard_base64<S: Serializer>(data: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&base64_simd::STANDARD.encode_to_string(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_accepts_snake_case_and_url_safe_base64() {
        let b: Blob =
            serde_json::from_str(r#"{"data":"AAH__w==","mime_type":"audio/pcm;rate=16000"}"#).unwrap();
        assert_eq!(b.data, vec![0, 1, 0xff, 0xff]);
        assert_eq!(b.mime_type, "audio/pcm;rate=16000");
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"mimeType":"audio/pcm;rate=16000","data":"AAH//w=="}"#
        );
    }

    #[test]
    fn function_response_encodes_camel_case_siblings() {
        let r = FunctionResponse {
            id: Some("fc-1".into()),
            name: "get_weather".into(),
            response: serde_json::json!({"output": "sunny"}),
            scheduling: Some(Scheduling::Interrupt),
            will_continue: Some(true),
            parts: Vec::new(),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"id":"fc-1","name":"get_weather","response":{"output":"sunny"},"scheduling":"INTERRUPT","willContinue":true}"#
        );
    }

    #[test]
    fn function_response_parts_encode_inline_and_file_data() {
        let r = FunctionResponse {
            name: "snap".into(),
            response: serde_json::json!({}),
            parts: vec![
                FunctionResponsePart::InlineData(FunctionResponseBlob {
                    mime_type: "image/png".into(),
                    data: vec![0, 1, 0xff],
                    display_name: Some("shot".into()),
                }),
                FunctionResponsePart::FileData(FunctionResponseFileData {
                    file_uri: "gs://b/o".into(),
                    mime_type: "application/pdf".into(),
                    display_name: None,
                }),
            ],
            ..Default::default()
        };
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(
            text,
            r#"{"name":"snap","response":{},"parts":[{"inlineData":{"mimeType":"image/png","data":"AAH/","displayName":"shot"}},{"fileData":{"fileUri":"gs://b/o","mimeType":"application/pdf"}}]}"#
        );
        assert_eq!(serde_json::from_str::<FunctionResponse>(&text).unwrap(), r);
    }
}
