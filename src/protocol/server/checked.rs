//! Wire forms of the server fields that carry numbers, with every number range-checked.
//!
//! Each converts into its public type through [`FieldIssues::check`], which records an unusable
//! number under the field's wire path and leaves the field absent. Converting with `From`
//! (a type decoded on its own) discards the issues.

use super::fields;
use crate::protocol::issues::FieldIssues;
use crate::protocol::lenient::{self, Checked, Empty};
use serde::Deserialize;
use std::time::Duration;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoAway {
    #[serde(default, alias = "time_left")]
    time_left: Checked<Duration>,
}

impl GoAway {
    pub fn check(self, issues: &mut FieldIssues) -> fields::GoAway {
        fields::GoAway {
            time_left: issues.check("goAway.timeLeft", self.time_left),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionResumptionUpdate {
    #[serde(default, alias = "new_handle")]
    new_handle: Option<String>,
    #[serde(default, deserialize_with = "lenient::flag")]
    resumable: bool,
    #[serde(default, alias = "last_consumed_client_message_index")]
    last_consumed_client_message_index: Checked<i64>,
}

impl SessionResumptionUpdate {
    pub fn check(self, issues: &mut FieldIssues) -> fields::SessionResumptionUpdate {
        fields::SessionResumptionUpdate {
            new_handle: self.new_handle,
            resumable: self.resumable,
            last_consumed_client_message_index: issues.check(
                "sessionResumptionUpdate.lastConsumedClientMessageIndex",
                self.last_consumed_client_message_index,
            ),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModalityTokenCount {
    #[serde(default)]
    modality: String,
    #[serde(default, alias = "token_count")]
    token_count: Checked<i64>,
}

impl Empty for ModalityTokenCount {
    fn is_empty(&self) -> bool {
        self.modality.is_empty() && self.token_count == Checked::Absent
    }
}

impl ModalityTokenCount {
    fn check(self, field: &'static str, issues: &mut FieldIssues) -> fields::ModalityTokenCount {
        fields::ModalityTokenCount {
            modality: self.modality,
            token_count: issues.check(field, self.token_count),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageMetadata {
    #[serde(default, alias = "prompt_token_count")]
    prompt_token_count: Checked<i64>,
    #[serde(default, alias = "cached_content_token_count")]
    cached_content_token_count: Checked<i64>,
    #[serde(
        default,
        alias = "response_token_count",
        alias = "candidatesTokenCount",
        alias = "candidates_token_count"
    )]
    response_token_count: Checked<i64>,
    #[serde(default, alias = "tool_use_prompt_token_count")]
    tool_use_prompt_token_count: Checked<i64>,
    #[serde(default, alias = "thoughts_token_count")]
    thoughts_token_count: Checked<i64>,
    #[serde(default, alias = "total_token_count")]
    total_token_count: Checked<i64>,
    #[serde(
        default,
        alias = "prompt_tokens_details",
        deserialize_with = "lenient::skip_empty"
    )]
    prompt_tokens_details: Vec<ModalityTokenCount>,
    #[serde(
        default,
        alias = "response_tokens_details",
        alias = "candidatesTokensDetails",
        alias = "candidates_tokens_details",
        deserialize_with = "lenient::skip_empty"
    )]
    response_tokens_details: Vec<ModalityTokenCount>,
}

impl UsageMetadata {
    pub fn check(self, issues: &mut FieldIssues) -> fields::UsageMetadata {
        let details = |list: Vec<ModalityTokenCount>, field, issues: &mut FieldIssues| {
            list.into_iter().map(|d| d.check(field, issues)).collect()
        };
        fields::UsageMetadata {
            prompt_token_count: issues.check("usageMetadata.promptTokenCount", self.prompt_token_count),
            cached_content_token_count: issues.check(
                "usageMetadata.cachedContentTokenCount",
                self.cached_content_token_count,
            ),
            response_token_count: issues.check("usageMetadata.responseTokenCount", self.response_token_count),
            tool_use_prompt_token_count: issues.check(
                "usageMetadata.toolUsePromptTokenCount",
                self.tool_use_prompt_token_count,
            ),
            thoughts_token_count: issues.check("usageMetadata.thoughtsTokenCount", self.thoughts_token_count),
            total_token_count: issues.check("usageMetadata.totalTokenCount", self.total_token_count),
            prompt_tokens_details: details(
                self.prompt_tokens_details,
                "usageMetadata.promptTokensDetails[].tokenCount",
                issues,
            ),
            response_tokens_details: details(
                self.response_tokens_details,
                "usageMetadata.responseTokensDetails[].tokenCount",
                issues,
            ),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceActivity {
    #[serde(
        default,
        rename = "type",
        alias = "voiceActivityType",
        alias = "voice_activity_type"
    )]
    activity_type: String,
    #[serde(default, alias = "audio_offset")]
    audio_offset: Checked<Duration>,
}

impl VoiceActivity {
    pub fn check(self, issues: &mut FieldIssues) -> fields::VoiceActivity {
        fields::VoiceActivity {
            activity_type: self.activity_type,
            audio_offset: issues.check("voiceActivity.audioOffset", self.audio_offset),
        }
    }
}

/// `Deserialize` for the public types, through their wire forms, used when one is decoded on
/// its own: issues are dropped. (Here rather than on the public types, so that `fields` does
/// not depend on this module.)
macro_rules! deserialize_discarding_issues {
    ($($name:ident => |$wire:ident| $check:expr),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for fields::$name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let $wire = $name::deserialize(deserializer)?;
                Ok($check)
            }
        }
    )*};
}

deserialize_discarding_issues!(
    GoAway => |wire| wire.check(&mut FieldIssues::default()),
    SessionResumptionUpdate => |wire| wire.check(&mut FieldIssues::default()),
    UsageMetadata => |wire| wire.check(&mut FieldIssues::default()),
    VoiceActivity => |wire| wire.check(&mut FieldIssues::default()),
    ModalityTokenCount => |wire| wire.check("tokenCount", &mut FieldIssues::default()),
);
