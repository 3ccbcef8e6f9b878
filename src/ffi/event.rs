//! `gemini_live_event`: the C view of a session event, built without copying the payloads
//! (audio points into the received buffer; strings get a NUL appended in place).

use super::enums::{
    gemini_live_close_class, gemini_live_error_kind, gemini_live_event_kind, gemini_live_phase,
};
use super::error::gemini_live_result;
use crate::session::{CloseClass, ErrorCode, SessionEvent};
use bytes::Bytes;
use std::ffi::c_char;
use std::ptr;

/// One event. A single flat struct: `kind` says which fields are set (see
/// `gemini_live_event_kind`); the others are zero, NULL or -1.
///
/// Strings are UTF-8, NUL-terminated, with their length (excluding the NUL) in the matching
/// `*_len` field. In a callback every pointer is borrowed and valid only until the callback
/// returns; for an event from `gemini_live_session_next_event`, until `gemini_live_event_free`.
/// Copy what you need to keep.
///
/// Forward compatibility: fields are only ever added at the end; `struct_size` is
/// `sizeof(gemini_live_event)` of the library that built the event, so check
/// `event->struct_size > offsetof(gemini_live_event, field)` before reading a field newer than
/// the header you compiled against.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct gemini_live_event {
    pub struct_size: usize,
    pub kind: gemini_live_event_kind,
    /// `PHASE_CHANGED`: the new phase.
    pub phase: gemini_live_phase,
    /// `ERROR`: the result-code category of the error.
    pub result: gemini_live_result,
    /// `ERROR`: the precise category.
    pub error_kind: gemini_live_error_kind,
    /// `TEXT`, `THOUGHT`, the transcriptions: the text. `ERROR`: the message. `CLOSED`: the
    /// reason. `RECONNECTING`: the reason. `TURN_COMPLETE`, `TURN_STATUS`: the interaction
    /// status or NULL. `THOUGHT_SIGNATURE`: the signature. `EXECUTABLE_CODE`: the code.
    /// `CODE_EXECUTION_RESULT`: the output. `FILE_DATA`: the file URI.
    pub text: *const c_char,
    pub text_len: usize,
    /// `TOOL_CALL`: the call id. `CONNECTED`: the server session id or NULL.
    /// `RESUMPTION_UPDATE`: the new handle or NULL. `EXECUTABLE_CODE`,
    /// `CODE_EXECUTION_RESULT`: the id or NULL.
    pub id: *const c_char,
    pub id_len: usize,
    /// `TOOL_CALL`: the function name. `VOICE_ACTIVITY`: the activity type.
    /// `TURN_COMPLETE`, `TURN_STATUS`: the reason or NULL. `CONNECTED`: the voice consent
    /// signature or NULL. `EXECUTABLE_CODE`: the language. `CODE_EXECUTION_RESULT`: the
    /// outcome. `FILE_DATA`: the display name or NULL.
    pub name: *const c_char,
    pub name_len: usize,
    /// `TOOL_CALL`: the arguments object. `TOOL_CALL_CANCELLATION`: the ids array.
    /// `USAGE_METADATA`: the usage object. `RAW`: the server data. Transcriptions: the word
    /// timings or NULL. `EXECUTABLE_CODE`, `CODE_EXECUTION_RESULT`, `FILE_DATA`,
    /// `SERVER_TOOL_CALL`, `SERVER_TOOL_RESPONSE`, `GROUNDING_METADATA`,
    /// `URL_CONTEXT_METADATA`: the object, compact JSON.
    pub json: *const c_char,
    pub json_len: usize,
    /// `TOOL_CALL_CANCELLATION`: `ids_count` NUL-terminated ids.
    pub ids: *const *const c_char,
    pub ids_count: usize,
    /// `AUDIO`: PCM16 little-endian mono bytes. `IMAGE`, `VIDEO`, `INLINE_DATA`: the decoded
    /// bytes.
    pub data: *const u8,
    pub data_len: usize,
    /// `AUDIO`: samples per second.
    pub sample_rate: u32,
    /// `RECONNECTING`: the attempt number, from 1.
    pub attempt: u32,
    /// `CLOSED`: the WebSocket close code.
    pub close_code: u32,
    /// `CLOSED`: a `GEMINI_LIVE_CLOSE_CLASS_*`.
    pub close_class: gemini_live_close_class,
    /// Transcriptions: the transcription of this utterance is complete.
    pub finished: bool,
    /// `INPUT_TRANSCRIPTION`: an interim transcription, replaced by a later one.
    pub interim: bool,
    /// `VOICE_ACTIVITY`: true for a start of speech, false for an end.
    pub started: bool,
    /// `TURN_COMPLETE`: the model waits for the user.
    pub waiting_for_input: bool,
    /// `RESUMPTION_UPDATE`: resuming now is possible.
    pub resumable: bool,
    /// `RECONNECTED`: the server restored the session state.
    pub resumed: bool,
    /// `ERROR`: a `CLOSED` event follows.
    pub fatal: bool,
    /// `VOICE_ACTIVITY`: the audio offset of the activity in ms, or -1.
    pub offset_ms: i64,
    /// `GO_AWAY`: milliseconds before the server closes, or -1.
    pub time_left_ms: i64,
    /// `RESUMPTION_UPDATE`: index of the last client message the server consumed, or -1.
    pub last_consumed_index: i64,
    /// `USAGE_METADATA`: token counts, -1 when absent.
    pub prompt_token_count: i64,
    pub cached_content_token_count: i64,
    pub response_token_count: i64,
    pub tool_use_prompt_token_count: i64,
    pub thoughts_token_count: i64,
    pub total_token_count: i64,
    /// `RECONNECTED`: client messages written before the move that the server had not
    /// certainly read, written again in order on the new connection (nothing is lost; at most
    /// these may reach the session twice), and their bytes of JSON.
    pub resent_messages: u64,
    pub resent_bytes: u64,
    /// `RECONNECTED`: messages written to the old session that the new one does not have, and
    /// their bytes of JSON. Not `resumed` (the new session starts empty): what the old one had
    /// not certainly read. `resumed`: audio the replay buffer dropped over its bounds
    /// (`gemini_live_config_set_replay_bounds`) that the handle does not cover; exact with
    /// `transparent`, else an upper bound (a dropped message the server read after its last
    /// read receipt counts, though the session has it). 0 while the sender stays within the
    /// bounds.
    pub lost_messages: u64,
    pub lost_bytes: u64,
    /// Every event decoded from a server frame (and `ERROR` events about a frame that could
    /// not be decoded): the text of that frame, exactly as received, `raw_json_len` bytes,
    /// **not** NUL-terminated. It holds every field the server sent, including those this
    /// library has no field for (yet). NULL for events the library makes itself (phases,
    /// reconnects, `CLOSED`). Borrowed like the other pointers; all events of one frame point
    /// at the same text.
    pub raw_json: *const c_char,
    pub raw_json_len: usize,
    /// `AUDIO`, `IMAGE`, `VIDEO`, `INLINE_DATA`, `FILE_DATA`: the MIME type as sent (may be
    /// empty for `INLINE_DATA`). NULL otherwise.
    pub mime_type: *const c_char,
    pub mime_type_len: usize,
    /// Transcriptions: the `languageCode` (BCP-47), or NULL when not sent.
    pub language_code: *const c_char,
    pub language_code_len: usize,
    /// Transcriptions: the `speakerLabel`, or NULL when not sent.
    pub speaker: *const c_char,
    pub speaker_len: usize,
    /// `TOOL_CALL`: this is a fragment of a streamed call; more fragments with the same `id`
    /// follow.
    pub will_continue: bool,
    /// `TOOL_CALL`: the fragment's `partialArgs` array as sent (compact JSON), or NULL.
    pub partial_args: *const c_char,
    pub partial_args_len: usize,
    /// Events with `raw_json`: the number of the server frame they came from in this session
    /// (1, 2, ...). Events of one frame share it (and their `raw_json`), so an application
    /// can copy a frame's text once. 0 for events the library makes itself.
    pub frame_seq: u64,
}

impl gemini_live_event {
    fn empty(kind: gemini_live_event_kind) -> Self {
        gemini_live_event {
            struct_size: std::mem::size_of::<gemini_live_event>(),
            kind,
            phase: gemini_live_phase::Disconnected,
            result: gemini_live_result::Ok,
            error_kind: gemini_live_error_kind::None,
            text: ptr::null(),
            text_len: 0,
            id: ptr::null(),
            id_len: 0,
            name: ptr::null(),
            name_len: 0,
            json: ptr::null(),
            json_len: 0,
            ids: ptr::null(),
            ids_count: 0,
            data: ptr::null(),
            data_len: 0,
            sample_rate: 0,
            attempt: 0,
            close_code: 0,
            close_class: gemini_live_close_class::Normal,
            finished: false,
            interim: false,
            started: false,
            waiting_for_input: false,
            resumable: false,
            resumed: false,
            fatal: false,
            offset_ms: -1,
            time_left_ms: -1,
            last_consumed_index: -1,
            prompt_token_count: -1,
            cached_content_token_count: -1,
            response_token_count: -1,
            tool_use_prompt_token_count: -1,
            thoughts_token_count: -1,
            total_token_count: -1,
            resent_messages: 0,
            resent_bytes: 0,
            lost_messages: 0,
            lost_bytes: 0,
            raw_json: ptr::null(),
            raw_json_len: 0,
            mime_type: ptr::null(),
            mime_type_len: 0,
            language_code: ptr::null(),
            language_code_len: 0,
            speaker: ptr::null(),
            speaker_len: 0,
            will_continue: false,
            partial_args: ptr::null(),
            partial_args_len: 0,
            frame_seq: 0,
        }
    }
}

/// A string made NUL-terminated in place (at most one reallocation, no copy in the common
/// case where the `String` has spare capacity).
struct CText(Vec<u8>);

impl CText {
    fn new(s: String) -> (Self, usize) {
        let len = s.len();
        let mut v = s.into_bytes();
        v.push(0);
        (CText(v), len)
    }
    fn ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }
}

/// An event plus the storage its pointers borrow from. `view` comes first so that a pointer to
/// an `OwnedEvent` is a pointer to its `gemini_live_event` (the pull API relies on it).
#[repr(C)]
pub(crate) struct OwnedEvent {
    pub view: gemini_live_event,
    strings: Vec<CText>,
    _audio: Option<Bytes>,
    _frame: Option<Bytes>,
    _id_ptrs: Vec<*const c_char>,
}

// SAFETY: the raw pointers point into the owned storage of the same value, which moves with it.
unsafe impl Send for OwnedEvent {}

impl OwnedEvent {
    fn text(&mut self, s: String) -> (*const c_char, usize) {
        let (c, len) = CText::new(s);
        let p = c.ptr();
        self.strings.push(c);
        (p, len)
    }

    /// Builds the C view of `event`, taking ownership of its payloads; `frame` is the text of
    /// the server frame it came from (pointed at, not copied).
    pub fn new(event: SessionEvent, frame: Option<Bytes>) -> Box<OwnedEvent> {
        use gemini_live_event_kind as K;
        let mut o = Box::new(OwnedEvent {
            view: gemini_live_event::empty(K::Raw),
            strings: Vec::new(),
            _audio: None,
            _frame: None,
            _id_ptrs: Vec::new(),
        });
        if let Some(frame) = frame {
            o.view.raw_json = frame.as_ptr().cast();
            o.view.raw_json_len = frame.len();
            o._frame = Some(frame);
        }
        macro_rules! set {
            ($ptr:ident, $len:ident, $s:expr) => {{
                let (p, l) = o.text($s);
                o.view.$ptr = p;
                o.view.$len = l;
            }};
        }
        match event {
            SessionEvent::PhaseChanged(p) => {
                o.view.kind = K::PhaseChanged;
                o.view.phase = gemini_live_phase::from(p);
            }
            SessionEvent::Connected {
                session_id,
                voice_consent_signature,
            } => {
                o.view.kind = K::Connected;
                if let Some(id) = session_id {
                    set!(id, id_len, id);
                }
                if let Some(signature) = voice_consent_signature {
                    set!(name, name_len, signature);
                }
            }
            SessionEvent::Audio { data, mime_type } => {
                o.view.kind = K::Audio;
                o.view.data = data.as_ptr();
                o.view.data_len = data.len();
                o.view.sample_rate = sample_rate(&mime_type);
                o._audio = Some(data);
                set!(mime_type, mime_type_len, mime_type);
            }
            SessionEvent::InlineData { data, mime_type } => {
                o.view.kind = inline_kind(&mime_type);
                o.view.data = data.as_ptr();
                o.view.data_len = data.len();
                o._audio = Some(data);
                set!(mime_type, mime_type_len, mime_type);
            }
            SessionEvent::ThoughtSignature(s) => {
                o.view.kind = K::ThoughtSignature;
                set!(text, text_len, s);
            }
            SessionEvent::ExecutableCode(d) => {
                o.view.kind = K::ExecutableCode;
                o.detail(*d);
            }
            SessionEvent::CodeExecutionResult(d) => {
                o.view.kind = K::CodeExecutionResult;
                o.detail(*d);
            }
            SessionEvent::FileData(d) => {
                o.view.kind = K::FileData;
                o.detail(*d);
            }
            SessionEvent::ServerToolCall(j) => {
                o.view.kind = K::ServerToolCall;
                set!(json, json_len, j);
            }
            SessionEvent::ServerToolResponse(j) => {
                o.view.kind = K::ServerToolResponse;
                set!(json, json_len, j);
            }
            SessionEvent::GroundingMetadata(j) => {
                o.view.kind = K::GroundingMetadata;
                set!(json, json_len, j);
            }
            SessionEvent::UrlContextMetadata(j) => {
                o.view.kind = K::UrlContextMetadata;
                set!(json, json_len, j);
            }
            SessionEvent::TurnStatus {
                reason,
                interaction_status,
                waiting_for_input,
            } => {
                o.view.kind = K::TurnStatus;
                if let Some(r) = reason {
                    set!(name, name_len, r);
                }
                if let Some(s) = interaction_status {
                    set!(text, text_len, s);
                }
                o.view.waiting_for_input = waiting_for_input;
            }
            SessionEvent::Text(t) => {
                o.view.kind = K::Text;
                set!(text, text_len, t);
            }
            SessionEvent::Thought(t) => {
                o.view.kind = K::Thought;
                set!(text, text_len, t);
            }
            SessionEvent::InputTranscription {
                text,
                finished,
                interim,
                details,
            } => {
                o.view.kind = K::InputTranscription;
                set!(text, text_len, text);
                o.view.finished = finished;
                o.view.interim = interim;
                o.transcription(details);
            }
            SessionEvent::OutputTranscription {
                text,
                finished,
                details,
            } => {
                o.view.kind = K::OutputTranscription;
                set!(text, text_len, text);
                o.view.finished = finished;
                o.transcription(details);
            }
            SessionEvent::ToolCall {
                id,
                name,
                args_json,
                fragment,
            } => {
                o.view.kind = K::ToolCall;
                set!(id, id_len, id);
                set!(name, name_len, name);
                set!(json, json_len, args_json);
                if let Some(f) = fragment {
                    o.view.will_continue = f.will_continue;
                    if let Some(p) = f.partial_args_json {
                        set!(partial_args, partial_args_len, p);
                    }
                }
            }
            SessionEvent::ToolCallCancellation { ids } => {
                o.view.kind = K::ToolCallCancellation;
                let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
                set!(json, json_len, json);
                let ptrs: Vec<*const c_char> = ids.into_iter().map(|id| o.text(id).0).collect();
                o.view.ids = ptrs.as_ptr();
                o.view.ids_count = ptrs.len();
                o._id_ptrs = ptrs;
            }
            SessionEvent::Interrupted => o.view.kind = K::Interrupted,
            SessionEvent::GenerationComplete => o.view.kind = K::GenerationComplete,
            SessionEvent::TurnComplete {
                reason,
                interaction_status,
                waiting_for_input,
            } => {
                o.view.kind = K::TurnComplete;
                if let Some(r) = reason {
                    set!(name, name_len, r);
                }
                if let Some(s) = interaction_status {
                    set!(text, text_len, s);
                }
                o.view.waiting_for_input = waiting_for_input;
            }
            SessionEvent::VoiceActivity {
                kind,
                started,
                audio_offset,
            } => {
                o.view.kind = K::VoiceActivity;
                set!(name, name_len, kind);
                o.view.started = started;
                o.view.offset_ms = audio_offset.map_or(-1, millis);
            }
            SessionEvent::UsageMetadata(u) => {
                o.view.kind = K::UsageMetadata;
                let c = |v: Option<i64>| v.unwrap_or(-1);
                o.view.prompt_token_count = c(u.prompt_token_count);
                o.view.cached_content_token_count = c(u.cached_content_token_count);
                o.view.response_token_count = c(u.response_token_count);
                o.view.tool_use_prompt_token_count = c(u.tool_use_prompt_token_count);
                o.view.thoughts_token_count = c(u.thoughts_token_count);
                o.view.total_token_count = c(u.total_token_count);
                set!(json, json_len, usage_json(&u));
            }
            SessionEvent::GoAway { time_left } => {
                o.view.kind = K::GoAway;
                o.view.time_left_ms = time_left.map_or(-1, millis);
            }
            SessionEvent::ResumptionUpdate {
                handle,
                resumable,
                last_consumed_index,
            } => {
                o.view.kind = K::ResumptionUpdate;
                if let Some(h) = handle {
                    set!(id, id_len, h);
                }
                o.view.resumable = resumable;
                o.view.last_consumed_index = last_consumed_index.unwrap_or(-1);
            }
            SessionEvent::Reconnecting { attempt, reason } => {
                o.view.kind = K::Reconnecting;
                o.view.attempt = attempt;
                set!(text, text_len, reason);
            }
            SessionEvent::Reconnected {
                resumed,
                resent_messages,
                resent_bytes,
                lost_messages,
                lost_bytes,
            } => {
                o.view.kind = K::Reconnected;
                o.view.resumed = resumed;
                o.view.resent_messages = resent_messages;
                o.view.resent_bytes = resent_bytes;
                o.view.lost_messages = lost_messages;
                o.view.lost_bytes = lost_bytes;
            }
            SessionEvent::Error { code, message, fatal } => {
                o.view.kind = K::Error;
                let (result, kind) = error_codes(code);
                o.view.result = result;
                o.view.error_kind = kind;
                o.view.fatal = fatal;
                // Connect failures may quote a URL: never with its userinfo or query values.
                let message = crate::transport::redact_urls_in(&message);
                set!(text, text_len, message);
            }
            SessionEvent::Raw(json) => {
                o.view.kind = K::Raw;
                set!(json, json_len, json);
            }
            SessionEvent::Closed { code, reason, class } => {
                o.view.kind = K::Closed;
                o.view.close_code = u32::from(code);
                o.view.close_class = match class {
                    CloseClass::Normal => gemini_live_close_class::Normal,
                    CloseClass::Fatal => gemini_live_close_class::Fatal,
                    CloseClass::Retryable => gemini_live_close_class::Retryable,
                };
                set!(text, text_len, reason);
            }
        }
        o
    }
}

impl OwnedEvent {
    fn transcription(&mut self, details: Option<Box<crate::session::TranscriptionDetails>>) {
        let Some(d) = details else { return };
        if let Some(code) = d.language_code {
            (self.view.language_code, self.view.language_code_len) = self.text(code);
        }
        if let Some(speaker) = d.speaker_label {
            (self.view.speaker, self.view.speaker_len) = self.text(speaker);
        }
        if let Some(words) = d.words_json {
            (self.view.json, self.view.json_len) = self.text(words);
        }
    }

    fn detail(&mut self, d: crate::protocol::DetailPart) {
        if let Some(text) = d.text {
            (self.view.text, self.view.text_len) = self.text(text);
        }
        if let Some(label) = d.label {
            (self.view.name, self.view.name_len) = self.text(label);
        }
        if let Some(id) = d.id {
            (self.view.id, self.view.id_len) = self.text(id);
        }
        if let Some(mime) = d.mime_type {
            (self.view.mime_type, self.view.mime_type_len) = self.text(mime);
        }
        (self.view.json, self.view.json_len) = self.text(d.json);
    }
}

/// The kind of inline data that is not PCM audio, by the MIME type's top-level type.
fn inline_kind(mime: &str) -> gemini_live_event_kind {
    let top = mime.split('/').next().unwrap_or("").trim();
    if top.eq_ignore_ascii_case("image") {
        gemini_live_event_kind::Image
    } else if top.eq_ignore_ascii_case("video") {
        gemini_live_event_kind::Video
    } else {
        gemini_live_event_kind::InlineData
    }
}

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn error_codes(code: ErrorCode) -> (gemini_live_result, gemini_live_error_kind) {
    use gemini_live_error_kind as E;
    use gemini_live_result as R;
    match code {
        ErrorCode::MalformedFrame => (R::Protocol, E::MalformedFrame),
        ErrorCode::FrameTooLarge => (R::Protocol, E::FrameTooLarge),
        ErrorCode::Connection => (R::ConnectFailed, E::Connection),
        ErrorCode::ServerClosed => (R::ServerClosed, E::ServerClosed),
        ErrorCode::ReplayOverflow => (R::QueueFull, E::ReplayOverflow),
        ErrorCode::RetriesExhausted => (R::ConnectFailed, E::RetriesExhausted),
        ErrorCode::Internal => (R::Internal, E::Internal),
    }
}

fn usage_json(u: &crate::protocol::UsageMetadata) -> String {
    use serde_json::{json, Map, Value};
    let mut m = Map::new();
    let fields = [
        ("promptTokenCount", u.prompt_token_count),
        ("cachedContentTokenCount", u.cached_content_token_count),
        ("responseTokenCount", u.response_token_count),
        ("toolUsePromptTokenCount", u.tool_use_prompt_token_count),
        ("thoughtsTokenCount", u.thoughts_token_count),
        ("totalTokenCount", u.total_token_count),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    }
    let details = |d: &[crate::protocol::ModalityTokenCount]| {
        Value::Array(
            d.iter()
                .map(|x| json!({"modality": x.modality, "tokenCount": x.token_count}))
                .collect(),
        )
    };
    if !u.prompt_tokens_details.is_empty() {
        m.insert("promptTokensDetails".into(), details(&u.prompt_tokens_details));
    }
    let lists = [
        ("cacheTokensDetails", &u.cache_tokens_details),
        ("responseTokensDetails", &u.response_tokens_details),
        ("toolUsePromptTokensDetails", &u.tool_use_prompt_tokens_details),
    ];
    for (key, list) in lists {
        if !list.is_empty() {
            m.insert(key.into(), details(list));
        }
    }
    for (key, value) in [("trafficType", &u.traffic_type), ("serviceTier", &u.service_tier)] {
        if let Some(v) = value {
            m.insert(key.into(), json!(v));
        }
    }
    Value::Object(m).to_string()
}

/// The `rate=` parameter of an audio MIME type; 24000 when absent or unparsable.
pub(crate) fn sample_rate(mime: &str) -> u32 {
    mime.split(';')
        .filter_map(|p| p.trim().strip_prefix("rate="))
        .find_map(|r| r.trim().parse::<u32>().ok())
        .filter(|r| *r > 0)
        .unwrap_or(24_000)
}

/// Frees an event returned by `gemini_live_session_next_event`. NULL is a no-op. Never pass an
/// event received in a callback (those are owned by the library). Thread: any; not twice.
#[no_mangle]
pub extern "C" fn gemini_live_event_free(event: *mut gemini_live_event) {
    crate::ffi_panic_boundary! {
        if !event.is_null() {
            // SAFETY: pull events are `Box<OwnedEvent>` whose first field is the view.
            drop(unsafe { Box::from_raw(event.cast::<OwnedEvent>()) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn audio_points_into_the_received_buffer_and_rate_is_parsed() {
        let data = Bytes::from(vec![1u8, 2, 3, 4]);
        let p = data.as_ptr();
        let e = OwnedEvent::new(
            SessionEvent::Audio {
                data,
                mime_type: "audio/pcm;rate=16000".into(),
            },
            None,
        );
        assert_eq!(e.view.data, p);
        assert_eq!(e.view.sample_rate, 16000);
        assert_eq!(sample_rate("audio/pcm"), 24000);
    }

    #[test]
    fn strings_are_nul_terminated_with_lengths() {
        let e = OwnedEvent::new(
            SessionEvent::ToolCallCancellation {
                ids: vec!["a".into(), "bc".into()],
            },
            None,
        );
        assert_eq!(e.view.ids_count, 2);
        let second = unsafe { CStr::from_ptr(*e.view.ids.add(1)) };
        assert_eq!(second.to_str().unwrap(), "bc");
        let json = unsafe { CStr::from_ptr(e.view.json) };
        assert_eq!(json.to_str().unwrap(), r#"["a","bc"]"#);
        assert_eq!(e.view.json_len, 10);
    }
}
