//! Wire types for every Live client and server message.
//!
//! This layer knows nothing of sockets or threads: it turns typed values into canonical JSON
//! and lenient JSON into typed values.

mod client;
mod content;
mod issues;
pub mod lenient;
mod raw_json;
mod server;
mod setup;

pub use client::{
    encode_client_content, encode_context_update, encode_raw, encode_realtime, encode_setup,
    encode_tool_response, EncodedMessage, MessageKind, RealtimeInput,
};
pub use content::{
    Blob, Content, FunctionCall, FunctionResponse, FunctionResponseBlob, FunctionResponseFileData,
    FunctionResponsePart, Part, Scheduling, StreamedArgs,
};
pub use issues::{FieldIssue, FieldIssues};
pub use raw_json::{JsonObject, RawJson};
pub use server::{
    DecodeError, DetailPart, GoAway, ModalityTokenCount, ModelTurn, ServerContent, ServerMessage, ServerPart,
    SessionResumptionUpdate, SetupComplete, ToolCall, ToolCallCancellation, Transcription, UsageMetadata,
    VoiceActivity, VoiceActivityDetectionSignal,
};
pub use setup::{
    f32_json, merge_json, ActivityDetection, ActivityHandling, AutomaticActivityDetection,
    ContextWindowCompression, GenerationConfig, Modality, Sensitivity, SessionConfig, SessionResumption,
};
