//! The C ABI's enums that are not owned by one object (a leaf module: the other `ffi` modules
//! import it, it imports none of them), with their conversions from the Rust types.

use crate::session::SessionPhase;

/// Where a session is in its life.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_phase {
    /// Created, not yet dialing.
    Disconnected = 0,
    /// TCP, TLS and the WebSocket upgrade are in progress.
    Connecting = 1,
    /// `setup` is sent; waiting for `setupComplete`.
    SetupSent = 2,
    /// Ready: messages flow both ways.
    Active = 3,
    /// The server announced the end of this connection (`goAway`).
    GoingAway = 4,
    /// The connection was lost or is being replaced.
    Reconnecting = 5,
    /// A graceful close was requested.
    Closing = 6,
    /// Terminal.
    Closed = 7,
}

impl From<SessionPhase> for gemini_live_phase {
    fn from(p: SessionPhase) -> Self {
        use gemini_live_phase as P;
        match p {
            SessionPhase::Disconnected => P::Disconnected,
            SessionPhase::Connecting => P::Connecting,
            SessionPhase::SetupSent => P::SetupSent,
            SessionPhase::Active => P::Active,
            SessionPhase::GoingAway => P::GoingAway,
            SessionPhase::Reconnecting => P::Reconnecting,
            SessionPhase::Closing => P::Closing,
            SessionPhase::Closed => P::Closed,
        }
    }
}

/// When a NON_BLOCKING function's result is folded into the conversation.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_scheduling {
    /// No `scheduling` field (the service default).
    None = 0,
    Silent = 1,
    WhenIdle = 2,
    Interrupt = 3,
}

/// How a callback session's events reach its callback (`gemini_live_config_set_delivery`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_delivery {
    /// On the library's callback pool (threads `gemini-live-cb`, about one per core, shared by
    /// all sessions), never on a network thread. The default.
    Pool = 0,
    /// On the network thread that decoded the frame, with no hand-off: the lowest latency, for
    /// callbacks that return quickly and never block (see `gemini_live_config_set_delivery`).
    Inline = 1,
}

/// How one sample is stored (`gemini_live_audio_format.sample_format`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_sample_format {
    /// Signed 16-bit little-endian PCM.
    Pcm16 = 0,
    /// 32-bit IEEE float, little-endian, nominally in [-1, 1]; values beyond are clipped and NaN
    /// becomes silence.
    Float32 = 1,
    /// G.711 μ-law, one byte per sample (e.g. 8 kHz telephony, 160 bytes per 20 ms frame).
    Mulaw = 2,
    /// G.711 A-law, one byte per sample.
    Alaw = 3,
}

/// What an event is about; selects which fields of `gemini_live_event` are set.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_event_kind {
    /// `setupComplete` arrived; the session is ready. Fields: `id` (the server's session id,
    /// Vertex only; NULL otherwise), `name` (`voiceConsentSignature.signature`, returned after
    /// replicated-voice consent verification; NULL otherwise).
    Connected = 1,
    /// Model audio: inline data whose MIME type starts with `audio/pcm` (nothing else is ever
    /// taken for PCM). Fields: `data`/`data_len` (16-bit little-endian mono PCM),
    /// `sample_rate` (from the MIME type; 24000 when it has no rate), `mime_type`.
    Audio = 2,
    /// Model text. Fields: `text`.
    Text = 3,
    /// A thought summary (`gemini_live_config_set_include_thoughts`). Fields: `text`.
    Thought = 4,
    /// Transcription of the user's audio. Fields: `text`, `finished`, `interim` (an interim
    /// transcription is replaced by a later one), `language_code` and `speaker` (NULL when not
    /// sent), `json` (the word timings as sent, `[{"word":"Hi","startOffset":"0.1s",
    /// "endOffset":"0.3s"}]`, or NULL).
    InputTranscription = 5,
    /// Transcription of the model's audio, in fragments. Fields: `text`, `finished`,
    /// `language_code`, `speaker`, `json` (word timings), as for `INPUT_TRANSCRIPTION`.
    OutputTranscription = 6,
    /// The model asks for a function call; answer with `gemini_live_session_send_tool_response`
    /// carrying `id`. Fields: `id`, `name`, `json` (the arguments object, `null` when not
    /// sent), `will_continue`, `partial_args`.
    ///
    /// Streamed arguments (Vertex): one call arrives as several `TOOL_CALL` events with the
    /// same `id`, each with `will_continue` true and its fragment in `partial_args` (the
    /// `partialArgs` array as sent: `[{"jsonPath":"$.city","stringValue":"Par"}, ...]`), ended
    /// by one with `will_continue` false. Run the call after that last one.
    ToolCall = 7,
    /// Earlier tool calls that should not run. Fields: `ids`/`ids_count` (array of ids) and
    /// `json` (the same ids as a JSON array of strings).
    ToolCallCancellation = 8,
    /// The user interrupted the model: flush playback now. No fields.
    Interrupted = 9,
    /// The model finished generating (finish the UI here; `TURN_COMPLETE` may come later).
    /// No fields.
    GenerationComplete = 10,
    /// The model's turn is over. Fields: `name` (the turn-complete reason, or NULL),
    /// `text` (the interaction status, or NULL), `waiting_for_input`.
    TurnComplete = 11,
    /// Voice activity. Fields: `name` (the wire type: `ACTIVITY_START`, `ACTIVITY_END`,
    /// `VAD_SIGNAL_TYPE_SOS`, `VAD_SIGNAL_TYPE_EOS`), `started`, `offset_ms` (-1 if absent).
    VoiceActivity = 12,
    /// Token usage. Fields: the `*_token_count` fields (-1 when absent) and `json` (the full
    /// usage object in camelCase: the counts, `promptTokensDetails`, `cacheTokensDetails`,
    /// `responseTokensDetails`, `toolUsePromptTokensDetails` (arrays of `{modality,
    /// tokenCount}`), `trafficType`, `serviceTier`; absent members are left out).
    UsageMetadata = 13,
    /// The server will close this connection soon (the library reconnects if it can).
    /// Fields: `time_left_ms` (-1 if absent).
    GoAway = 14,
    /// A session resumption update. Fields: `id` (the new handle, or NULL), `resumable`,
    /// `last_consumed_index` (-1 if absent).
    ResumptionUpdate = 15,
    /// The connection was lost or is being replaced. Fields: `attempt` (1-based), `text`
    /// (the reason).
    Reconnecting = 16,
    /// A new connection is active. Fields: `resumed` (the server restored the session),
    /// `resent_messages`/`resent_bytes` (re-sent because the server had not certainly read
    /// them), `lost_messages`/`lost_bytes` (not in the new session: it could not be resumed,
    /// or the replay buffer dropped them over its bounds).
    Reconnected = 17,
    /// The session phase changed. Fields: `phase`.
    PhaseChanged = 18,
    /// Something went wrong. Fields: `result` (a `GEMINI_LIVE_RESULT_*` category), `error_kind`
    /// (a `GEMINI_LIVE_ERROR_KIND_*`), `text` (the message), `fatal` (a `CLOSED` event follows).
    Error = 19,
    /// The session ended; this is always the last event. Fields: `close_code` (the WebSocket
    /// close code; 1006 when the connection dropped without one), `text` (the server's reason,
    /// verbatim; may be empty), `close_class`.
    Closed = 20,
    /// Server data with no event of its own (unknown top-level or `serverContent` fields,
    /// unknown part kinds), as a JSON object holding those fields. Fields: `json`. A frame
    /// that yields no other event yields one `RAW` event with `json` `{}`: its fields are in
    /// `raw_json`.
    Raw = 21,
    /// An image from the model (inline data with a MIME type starting with `image/`). Fields:
    /// `data`/`data_len` (the decoded bytes), `mime_type`.
    Image = 22,
    /// Video from the model (inline data with a MIME type starting with `video/`). Fields: `data`/`data_len`,
    /// `mime_type`.
    Video = 23,
    /// Other inline data (not PCM audio, image or video; also a missing MIME type). Fields:
    /// `data`/`data_len`, `mime_type` (may be empty).
    InlineData = 24,
    /// A part's `thoughtSignature`, right after the event of the part that carried it (alone
    /// when the part carried nothing else). Fields: `text` (the signature, base64 as sent).
    /// Send it back on that part when replaying the turn as history.
    ThoughtSignature = 25,
    /// Code the model wrote for code execution. Fields: `text` (the code), `name` (the
    /// language, or NULL), `id` (or NULL), `json` (the `executableCode` object).
    ExecutableCode = 26,
    /// The result of code execution. Fields: `text` (the output, or NULL), `name` (the
    /// outcome, `OUTCOME_OK`...), `id` (or NULL), `json` (the `codeExecutionResult` object).
    CodeExecutionResult = 27,
    /// A file reference. Fields: `text` (the file URI), `mime_type`, `name` (the display name,
    /// or NULL), `json` (the `fileData` object).
    FileData = 28,
    /// A server-side tool call part (`toolCall`). Fields: `json` (the object).
    ServerToolCall = 29,
    /// A server-side tool result part (`toolResponse`). Fields: `json` (the object).
    ServerToolResponse = 30,
    /// Search grounding for the turn. Fields: `json` (the `groundingMetadata` object).
    GroundingMetadata = 31,
    /// URL-context retrieval results. Fields: `json` (the `urlContextMetadata` object).
    UrlContextMetadata = 32,
    /// `turnCompleteReason`, `interactionStatus` or `waitingForInput` sent without
    /// `turnComplete` (with it they are fields of `TURN_COMPLETE`). Fields: `name` (the
    /// reason, or NULL), `text` (the interaction status, or NULL), `waiting_for_input`.
    TurnStatus = 33,
}

/// The category of an `ERROR` event.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_error_kind {
    /// Not an error event.
    None = 0,
    /// A server frame could not be decoded; the session continues.
    MalformedFrame = 1,
    /// A server frame exceeded the size cap.
    FrameTooLarge = 2,
    /// A reconnect attempt failed (not fatal: the next attempt follows until the budget ends).
    Connection = 3,
    /// The server closed with a fatal reason (bad key, unknown model, invalid payload).
    ServerClosed = 4,
    /// Outgoing audio or video was dropped from the replay buffer (see
    /// `gemini_live_session_get_dropped_audio`, `gemini_live_session_get_dropped_video`).
    ReplayOverflow = 5,
    /// The reconnect budget ran out.
    RetriesExhausted = 6,
    /// An internal failure (a panic inside the session).
    Internal = 7,
}

/// How a session ended.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_close_class {
    /// Closed at the application's request (or a normal server close).
    Normal = 0,
    /// Retrying cannot help (bad credentials, unknown model, invalid payload).
    Fatal = 1,
    /// Transient (connection lost, reconnect budget exhausted): a new session may succeed.
    Retryable = 2,
}

/// The response modality of a session (the service allows one per session).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_modality {
    /// Leave it to the service (audio for native-audio models).
    Unspecified = 0,
    /// Text replies.
    Text = 1,
    /// Audio replies (24 kHz PCM16).
    Audio = 2,
    /// Image output (in the service's enum; no Live model documented to produce it). Only in
    /// `gemini_live_config_set_response_modalities`.
    Image = 3,
    /// Video output (Live avatars). Only in `gemini_live_config_set_response_modalities`.
    Video = 4,
}

/// Sensitivity of the server's start- or end-of-speech detection.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_sensitivity {
    /// The service default.
    Default = 0,
    High = 1,
    Low = 2,
}

/// What user activity does to a reply in progress.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_activity_handling {
    /// The service default (barge-in).
    Default = 0,
    /// Speech interrupts the model.
    StartOfActivityInterrupts = 1,
    /// The model finishes its reply.
    NoInterruption = 2,
}

/// `generationConfig.mediaResolution`: tokens spent per image or video frame.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_media_resolution {
    /// No field (the service default).
    Unspecified = 0,
    /// `MEDIA_RESOLUTION_LOW` (64 tokens per image).
    Low = 1,
    /// `MEDIA_RESOLUTION_MEDIUM` (256 tokens per image).
    Medium = 2,
    /// `MEDIA_RESOLUTION_HIGH`.
    High = 3,
}

/// `generationConfig.thinkingConfig.thinkingLevel` (3.x Live models).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_thinking_level {
    /// No field (the model's default).
    Unspecified = 0,
    Minimal = 1,
    Low = 2,
    Medium = 3,
    High = 4,
}

/// `realtimeInputConfig.turnCoverage`: which input a user turn includes.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_turn_coverage {
    /// No field (the model's default).
    Unspecified = 0,
    /// `TURN_INCLUDES_ONLY_ACTIVITY` (the 2.5 default).
    OnlyActivity = 1,
    /// `TURN_INCLUDES_ALL_INPUT`.
    AllInput = 2,
    /// `TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO` (the 3.x default).
    AudioActivityAndAllVideo = 3,
}

/// `safetySettings[].category`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_harm_category {
    /// `HARM_CATEGORY_HARASSMENT`.
    Harassment = 1,
    /// `HARM_CATEGORY_HATE_SPEECH`.
    HateSpeech = 2,
    /// `HARM_CATEGORY_SEXUALLY_EXPLICIT`.
    SexuallyExplicit = 3,
    /// `HARM_CATEGORY_DANGEROUS_CONTENT`.
    DangerousContent = 4,
    /// `HARM_CATEGORY_CIVIC_INTEGRITY`.
    CivicIntegrity = 5,
}

/// `safetySettings[].threshold`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_harm_threshold {
    /// `BLOCK_LOW_AND_ABOVE`.
    BlockLowAndAbove = 1,
    /// `BLOCK_MEDIUM_AND_ABOVE`.
    BlockMediumAndAbove = 2,
    /// `BLOCK_ONLY_HIGH`.
    BlockOnlyHigh = 3,
    /// `BLOCK_NONE`.
    BlockNone = 4,
    /// `OFF`: the filter is off.
    Off = 5,
}

/// Which audio transcription a setting applies to.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_transcription {
    /// `inputAudioTranscription`: the user's speech.
    Input = 1,
    /// `outputAudioTranscription`: the model's speech.
    Output = 2,
}
