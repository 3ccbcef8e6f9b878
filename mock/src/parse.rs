//! Client message parsing, lenient like Google's proto3-JSON parser: camelCase and snake_case keys
//! at every level, standard and URL-safe base64 (padded or not), int64 as number or string,
//! case-insensitive enums, a scalar for a repeated field. In strict mode unknown fields close the
//! connection with the real service's reason, using the field table below.

use super::wire::Fatal;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt::Write;

/// A client message after normalisation.
#[derive(Debug)]
pub(crate) enum ClientMsg {
    Setup(Box<SetupInfo>),
    ClientContent {
        turns: Vec<(String, String)>,
        turn_complete: bool,
    },
    RealtimeInput(Vec<RealtimeItem>),
    ToolResponse(Vec<FunctionResponse>),
    ContextUpdate {
        system_instruction: Option<String>,
        tools: Option<Vec<String>>,
    },
}

/// A kind of client message (one `realtimeInput` may carry several): what the stats count and
/// what scenario lines trigger on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MessageKind {
    ClientContent,
    Audio,
    Video,
    Text,
    ActivityStart,
    ActivityEnd,
    AudioStreamEnd,
    ToolResponse,
    ContextUpdate,
}

impl MessageKind {
    pub(crate) const ALL: [MessageKind; 9] = [
        MessageKind::ClientContent,
        MessageKind::Audio,
        MessageKind::Video,
        MessageKind::Text,
        MessageKind::ActivityStart,
        MessageKind::ActivityEnd,
        MessageKind::AudioStreamEnd,
        MessageKind::ToolResponse,
        MessageKind::ContextUpdate,
    ];

    /// The scenario trigger name.
    pub(crate) fn trigger(self) -> &'static str {
        match self {
            MessageKind::ClientContent => "clientContent",
            MessageKind::Audio => "realtimeInput.audio",
            MessageKind::Video => "realtimeInput.video",
            MessageKind::Text => "realtimeInput.text",
            MessageKind::ActivityStart => "activityStart",
            MessageKind::ActivityEnd => "activityEnd",
            MessageKind::AudioStreamEnd => "audioStreamEnd",
            MessageKind::ToolResponse => "toolResponse",
            MessageKind::ContextUpdate => "contextUpdate",
        }
    }
}

impl ClientMsg {
    pub(crate) fn kinds(&self) -> Vec<MessageKind> {
        match self {
            ClientMsg::Setup(_) => Vec::new(),
            ClientMsg::ClientContent { .. } => vec![MessageKind::ClientContent],
            ClientMsg::ToolResponse(_) => vec![MessageKind::ToolResponse],
            ClientMsg::ContextUpdate { .. } => vec![MessageKind::ContextUpdate],
            ClientMsg::RealtimeInput(items) => items
                .iter()
                .map(|item| match item {
                    RealtimeItem::Audio { .. } => MessageKind::Audio,
                    RealtimeItem::Video => MessageKind::Video,
                    RealtimeItem::Text(_) => MessageKind::Text,
                    RealtimeItem::ActivityStart => MessageKind::ActivityStart,
                    RealtimeItem::ActivityEnd => MessageKind::ActivityEnd,
                    RealtimeItem::AudioStreamEnd => MessageKind::AudioStreamEnd,
                })
                .collect(),
        }
    }
}

#[derive(Debug)]
pub(crate) enum RealtimeItem {
    Audio { pcm: Vec<u8>, rate: u32 },
    Video,
    Text(String),
    ActivityStart,
    ActivityEnd,
    AudioStreamEnd,
}

#[derive(Debug, Clone)]
pub(crate) struct FunctionResponse {
    pub id: Option<String>,
    pub name: String,
    pub response: Value,
    pub will_continue: bool,
    /// From the sibling field or from inside `response` (both placements exist in the wild).
    pub silent: bool,
    /// `parts`: media with the result (`{"inlineData":{...}}` or `{"fileData":{...}}`), as sent.
    pub parts: Vec<Value>,
}

/// The parts of `setup` the mock acts on.
#[derive(Debug, Clone)]
pub(crate) struct SetupInfo {
    pub model: String,
    pub text_modality: bool,
    pub system_instruction: Option<String>,
    pub tools: Vec<String>,
    /// `Some` when `sessionResumption` was present.
    pub resumption: Option<ResumptionRequest>,
    pub input_transcription: bool,
    pub output_transcription: bool,
    pub vad: VadSettings,
    pub no_interruption: bool,
    /// Vertex `explicitVadSignal`: also send `voiceActivityDetectionSignal` SOS/EOS.
    pub explicit_vad_signal: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ResumptionRequest {
    pub handle: Option<String>,
    pub transparent: bool,
}

/// `realtimeInputConfig.automaticActivityDetection`, with this mock's defaults.
#[derive(Debug, Clone)]
pub(crate) struct VadSettings {
    pub disabled: bool,
    pub start_high: bool,
    pub end_high: bool,
    pub prefix_padding_ms: u64,
    pub silence_duration_ms: u64,
}

/// Parses one frame's payload. `vertex` enables the Vertex-only fields in the strict table.
pub(crate) fn parse(payload: &[u8], strict: bool, vertex: bool) -> Result<(ClientMsg, Option<Value>), Fatal> {
    let raw: Value = serde_json::from_slice(payload).map_err(|e| {
        Fatal::new(
            1007,
            format!(
                "Invalid JSON payload received. Unexpected token at line {} column {}.",
                e.line(),
                e.column()
            ),
        )
    })?;
    if !raw.is_object() {
        return Err(Fatal::new(
            1007,
            "Invalid JSON payload received. Expected an object.",
        ));
    }
    // Only `setup` is kept as received (for the stats); everything else is normalised in place.
    let raw_setup = raw.get("setup").cloned();
    let norm = normalize(raw, Ty::Root, &mut String::new(), strict, vertex)?;
    let obj = norm.as_object().expect("normalised object");
    let known = [
        "setup",
        "clientContent",
        "realtimeInput",
        "toolResponse",
        "contextUpdate",
    ];
    let mut kinds = known.iter().filter(|k| obj.contains_key(**k));
    let (Some(kind), None) = (kinds.next(), kinds.next()) else {
        // No message or two in one object (a oneof violation).
        return Err(Fatal::invalid_argument());
    };
    let body = &obj[*kind];
    let msg = match *kind {
        "setup" => ClientMsg::Setup(Box::new(setup(body)?)),
        "clientContent" => ClientMsg::ClientContent {
            turns: body.get("turns").map(contents).unwrap_or_default(),
            turn_complete: boolish(body.get("turnComplete")),
        },
        "realtimeInput" => ClientMsg::RealtimeInput(realtime(body)?),
        "toolResponse" => ClientMsg::ToolResponse(tool_response(body)),
        _ => ClientMsg::ContextUpdate {
            system_instruction: body.get("systemInstruction").map(content_text),
            tools: body
                .get("tools")
                // A bare list instead of the `{"tools": […]}` wrapper is accepted too.
                .map(|w| tool_names(w.get("tools").unwrap_or(w))),
        },
    };
    Ok((msg, raw_setup))
}

fn setup(body: &Value) -> Result<SetupInfo, Fatal> {
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .ok_or_else(Fatal::invalid_argument)?;
    let modalities: Vec<String> = match body.pointer("/generationConfig/responseModalities") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_ascii_uppercase)
            .collect(),
        Some(Value::String(one)) => vec![one.to_ascii_uppercase()],
        _ => Vec::new(),
    };
    let aad = body.pointer("/realtimeInputConfig/automaticActivityDetection");
    let aad_field = |name: &str| aad.and_then(|a| a.get(name));
    let enum_is = |v: Option<&Value>, want: &str| {
        v.and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case(want))
    };
    Ok(SetupInfo {
        model: model.to_string(),
        text_modality: modalities.iter().any(|m| m == "TEXT"),
        system_instruction: body.get("systemInstruction").map(content_text),
        tools: body.get("tools").map(tool_names).unwrap_or_default(),
        resumption: body.get("sessionResumption").map(|r| ResumptionRequest {
            handle: r
                .get("handle")
                .and_then(Value::as_str)
                .filter(|h| !h.is_empty())
                .map(String::from),
            transparent: boolish(r.get("transparent")),
        }),
        input_transcription: body.get("inputAudioTranscription").is_some(),
        output_transcription: body.get("outputAudioTranscription").is_some(),
        vad: VadSettings {
            disabled: boolish(aad_field("disabled")),
            start_high: !enum_is(aad_field("startOfSpeechSensitivity"), "START_SENSITIVITY_LOW"),
            end_high: !enum_is(aad_field("endOfSpeechSensitivity"), "END_SENSITIVITY_LOW"),
            prefix_padding_ms: int64(aad_field("prefixPaddingMs")).unwrap_or(20),
            silence_duration_ms: int64(aad_field("silenceDurationMs")).unwrap_or(500),
        },
        explicit_vad_signal: boolish(body.get("explicitVadSignal")),
        no_interruption: enum_is(
            body.pointer("/realtimeInputConfig/activityHandling"),
            "NO_INTERRUPTION",
        ),
    })
}

fn realtime(body: &Value) -> Result<Vec<RealtimeItem>, Fatal> {
    let mut items = Vec::new();
    let mut blob = |b: &Value, field: &str, default_audio: bool| -> Result<(), Fatal> {
        let mime = b.get("mimeType").and_then(Value::as_str).unwrap_or("");
        let is_audio = mime.starts_with("audio/") || (mime.is_empty() && default_audio);
        if is_audio {
            let data = b.get("data").and_then(Value::as_str).unwrap_or("");
            let pcm = decode_base64(data).ok_or_else(|| {
                Fatal::new(
                    1007,
                    format!("Invalid value at '{field}.data' (TYPE_BYTES), Base64 decoding failed."),
                )
            })?;
            items.push(RealtimeItem::Audio {
                pcm,
                rate: super::audio::rate_from_mime(mime),
            });
        } else {
            items.push(RealtimeItem::Video);
        }
        Ok(())
    };
    if let Some(chunks) = body.get("mediaChunks") {
        for chunk in one_or_many(chunks) {
            blob(chunk, "realtime_input.media_chunks", true)?;
        }
    }
    if let Some(audio) = body.get("audio") {
        blob(audio, "realtime_input.audio", true)?;
    }
    if let Some(video) = body.get("video") {
        blob(video, "realtime_input.video", false)?;
    }
    if let Some(text) = body.get("text").and_then(Value::as_str) {
        items.push(RealtimeItem::Text(text.to_string()));
    }
    if body.get("activityStart").is_some() {
        items.push(RealtimeItem::ActivityStart);
    }
    if body.get("activityEnd").is_some() {
        items.push(RealtimeItem::ActivityEnd);
    }
    if boolish(body.get("audioStreamEnd")) {
        items.push(RealtimeItem::AudioStreamEnd);
    }
    Ok(items)
}

fn tool_response(body: &Value) -> Vec<FunctionResponse> {
    let responses = body.get("functionResponses").map(one_or_many).unwrap_or_default();
    responses
        .into_iter()
        .map(|r| {
            let response = r.get("response").cloned().unwrap_or(Value::Object(Map::new()));
            let scheduling = r.get("scheduling").or_else(|| response.get("scheduling"));
            FunctionResponse {
                id: r
                    .get("id")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(String::from),
                name: r.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
                will_continue: boolish(r.get("willContinue")),
                silent: scheduling
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case("SILENT")),
                parts: r
                    .get("parts")
                    .map(one_or_many)
                    .unwrap_or_default()
                    .into_iter()
                    .cloned()
                    .collect(),
                response,
            }
        })
        .collect()
}

/// `(role, text)` of each `Content`.
fn contents(turns: &Value) -> Vec<(String, String)> {
    one_or_many(turns)
        .into_iter()
        .map(|t| {
            (
                t.get("role")
                    .and_then(Value::as_str)
                    .unwrap_or("user")
                    .to_string(),
                content_text(t),
            )
        })
        .collect()
}

/// The text parts of a `Content`, joined by newlines (each part is a paragraph).
fn content_text(content: &Value) -> String {
    let parts = content.get("parts").map(one_or_many).unwrap_or_default();
    parts
        .iter()
        .filter_map(|p| p.get("text").and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join("\n")
}

fn tool_names(tools: &Value) -> Vec<String> {
    one_or_many(tools)
        .iter()
        .flat_map(|t| t.get("functionDeclarations").map(one_or_many).unwrap_or_default())
        .filter_map(|d| d.get("name").and_then(Value::as_str).map(String::from))
        .collect()
}

/// A repeated field given as a scalar is accepted as a one-element list.
fn one_or_many(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

fn boolish(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// int64 arrives as a JSON number (Python) or string (Go, canonical proto3).
fn int64(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Standard or URL-safe alphabet, padded or not (Python sends URL-safe, everyone else standard).
pub(crate) fn decode_base64(data: &str) -> Option<Vec<u8>> {
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let clean = |c: &char| !c.is_ascii_whitespace();
    if data
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
    {
        return ENGINE.decode(data).ok();
    }
    let standard: String = data
        .chars()
        .filter(clean)
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    ENGINE.decode(standard).ok()
}

fn snake(key: &str) -> Cow<'_, str> {
    if !key.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Borrowed(key);
    }
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Message types of the field table. `Free` subtrees (schemas, args, responses) are user JSON:
/// neither renamed nor checked. `Scalar` fields hold no message.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ty {
    Root,
    Setup,
    GenerationConfig,
    SpeechConfig,
    VoiceConfig,
    PrebuiltVoice,
    ThinkingConfig,
    TranslationConfig,
    Content,
    Part,
    Blob,
    FileData,
    Tool,
    FunctionDeclaration,
    RealtimeInputConfig,
    ActivityDetection,
    SessionResumption,
    Compression,
    SlidingWindow,
    Transcription,
    Proactivity,
    HistoryConfig,
    SafetySetting,
    ClientContent,
    RealtimeInput,
    Empty,
    ToolResponse,
    FunctionResponse,
    FunctionResponsePart,
    ContextUpdate,
    ToolsWrapper,
    Scalar,
    Free,
}

/// Fields the Gemini API rejects as unknown; only the Vertex endpoint knows them.
const VERTEX_ONLY: &[(Ty, &str)] = &[
    (Ty::Setup, "explicit_vad_signal"),
    (Ty::SessionResumption, "transparent"),
];

/// Known fields (proto names) per message type, Vertex-only ones included (see [`VERTEX_ONLY`]).
fn fields(ty: Ty) -> &'static [(&'static str, Ty)] {
    use Ty::*;
    match ty {
        Root => &[
            ("setup", Setup),
            ("client_content", ClientContent),
            ("realtime_input", RealtimeInput),
            ("tool_response", ToolResponse),
            ("context_update", ContextUpdate),
        ],
        Setup => &[
            ("model", Scalar),
            ("generation_config", GenerationConfig),
            ("system_instruction", Content),
            ("tools", Tool),
            ("realtime_input_config", RealtimeInputConfig),
            ("session_resumption", SessionResumption),
            ("context_window_compression", Compression),
            ("input_audio_transcription", Transcription),
            ("output_audio_transcription", Transcription),
            ("proactivity", Proactivity),
            ("explicit_vad_signal", Scalar),
            ("history_config", HistoryConfig),
            ("avatar_config", Free),
            ("safety_settings", SafetySetting),
            ("labels", Free),
        ],
        GenerationConfig => &[
            ("candidate_count", Scalar),
            ("max_output_tokens", Scalar),
            ("temperature", Scalar),
            ("top_p", Scalar),
            ("top_k", Scalar),
            ("presence_penalty", Scalar),
            ("frequency_penalty", Scalar),
            ("response_modalities", Scalar),
            ("speech_config", SpeechConfig),
            ("media_resolution", Scalar),
            ("seed", Scalar),
            ("thinking_config", ThinkingConfig),
            ("enable_affective_dialog", Scalar),
            ("translation_config", TranslationConfig),
        ],
        SpeechConfig => &[
            ("voice_config", VoiceConfig),
            ("language_code", Scalar),
            ("multi_speaker_voice_config", Free),
        ],
        VoiceConfig => &[
            ("prebuilt_voice_config", PrebuiltVoice),
            ("replicated_voice_config", Free),
            ("voice", Free),
        ],
        PrebuiltVoice => &[("voice_name", Scalar)],
        ThinkingConfig => &[
            ("thinking_budget", Scalar),
            ("include_thoughts", Scalar),
            ("thinking_level", Scalar),
        ],
        TranslationConfig => &[("target_language_code", Scalar), ("echo_target_language", Scalar)],
        Content => &[("role", Scalar), ("parts", Part)],
        Part => &[
            ("text", Scalar),
            ("inline_data", Blob),
            ("file_data", FileData),
            ("thought", Scalar),
            ("thought_signature", Scalar),
            ("function_call", Free),
            ("function_response", Free),
            ("executable_code", Free),
            ("code_execution_result", Free),
            ("video_metadata", Free),
            ("media_resolution", Free),
        ],
        Blob => &[("mime_type", Scalar), ("data", Scalar), ("display_name", Scalar)],
        FileData => &[
            ("mime_type", Scalar),
            ("file_uri", Scalar),
            ("display_name", Scalar),
        ],
        Tool => &[
            ("function_declarations", FunctionDeclaration),
            ("google_search", Free),
            ("google_search_retrieval", Free),
            ("code_execution", Free),
            ("url_context", Free),
            ("google_maps", Free),
            ("file_search", Free),
            ("computer_use", Free),
            ("mcp_servers", Free),
            ("retrieval", Free),
            ("enterprise_web_search", Free),
            ("parallel_ai_search", Free),
            ("exa_ai_search", Free),
        ],
        FunctionDeclaration => &[
            ("name", Scalar),
            ("description", Scalar),
            ("parameters", Free),
            ("parameters_json_schema", Free),
            ("response", Free),
            ("response_json_schema", Free),
            ("behavior", Scalar),
        ],
        RealtimeInputConfig => &[
            ("automatic_activity_detection", ActivityDetection),
            ("activity_handling", Scalar),
            ("turn_coverage", Scalar),
            ("interim_transcript_timestamp_enabled", Scalar),
        ],
        ActivityDetection => &[
            ("disabled", Scalar),
            ("start_of_speech_sensitivity", Scalar),
            ("end_of_speech_sensitivity", Scalar),
            ("prefix_padding_ms", Scalar),
            ("silence_duration_ms", Scalar),
        ],
        // `transparent` is Vertex-only: the Gemini API rejects it (observed by probing the service).
        SessionResumption => &[("handle", Scalar), ("transparent", Scalar)],
        Compression => &[("trigger_tokens", Scalar), ("sliding_window", SlidingWindow)],
        SlidingWindow => &[("target_tokens", Scalar)],
        Transcription => &[
            ("language_codes", Scalar),
            ("custom_vocabulary", Free),
            ("word_timestamp", Scalar),
            ("diarization", Free),
            ("mode", Scalar),
            ("source_text", Scalar),
            ("language_auto", Scalar),
            ("language_hints", Scalar),
            ("adaptation_phrases", Free),
        ],
        Proactivity => &[("proactive_audio", Scalar), ("proactive_video", Scalar)],
        HistoryConfig => &[("initial_history_in_client_content", Scalar)],
        SafetySetting => &[("category", Scalar), ("threshold", Scalar)],
        ClientContent => &[("turns", Content), ("turn_complete", Scalar)],
        RealtimeInput => &[
            ("media_chunks", Blob),
            ("audio", Blob),
            ("video", Blob),
            ("text", Scalar),
            ("activity_start", Empty),
            ("activity_end", Empty),
            ("audio_stream_end", Scalar),
        ],
        Empty => &[],
        ToolResponse => &[("function_responses", FunctionResponse)],
        FunctionResponse => &[
            ("id", Scalar),
            ("name", Scalar),
            ("response", Free),
            ("parts", FunctionResponsePart),
            ("will_continue", Scalar),
            ("scheduling", Scalar),
        ],
        FunctionResponsePart => &[
            ("inline_data", Blob),
            ("file_data", FileData),
            ("media_processing", Free),
        ],
        ContextUpdate => &[("system_instruction", Content), ("tools", ToolsWrapper)],
        ToolsWrapper => &[("tools", Tool)],
        Scalar | Free => &[],
    }
}

/// Renames keys to camelCase (outside `Free` subtrees) and, in strict mode, rejects unknown
/// ones with the real reason: the path is in proto (snake_case) names with list indices. Takes
/// the value by move and reuses one path buffer, as this runs for every audio chunk.
fn normalize(value: Value, ty: Ty, path: &mut String, strict: bool, vertex: bool) -> Result<Value, Fatal> {
    match value {
        Value::Array(items) if ty != Ty::Free => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                out.push(normalize(item, ty, path, strict, vertex)?);
                path.truncate(len);
            }
            Ok(Value::Array(out))
        }
        Value::Object(map) if !matches!(ty, Ty::Free | Ty::Scalar) => {
            let table = fields(ty);
            let mut out = Map::with_capacity(map.len());
            for (key, child) in map {
                let proto_name = snake(&key);
                let known = table.iter().find(|(name, _)| *name == proto_name);
                let vertex_only = VERTEX_ONLY
                    .iter()
                    .any(|(t, name)| *t == ty && *name == proto_name);
                let child_ty = match known.filter(|_| vertex || !vertex_only) {
                    Some((_, t)) => *t,
                    None if strict => {
                        let at = if path.is_empty() {
                            String::new()
                        } else {
                            format!(" at '{path}'")
                        };
                        let reason = format!(
                            "Invalid JSON payload received. Unknown name \"{key}\"{at}: Cannot find field."
                        );
                        return Err(Fatal::new(1007, reason));
                    }
                    None => Ty::Free,
                };
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&proto_name);
                let child = normalize(child, child_ty, path, strict, vertex)?;
                path.truncate(len);
                let key = if key.contains('_') { camel(&key) } else { key };
                out.insert(key, child);
            }
            Ok(Value::Object(out))
        }
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_alphabets() {
        assert_eq!(
            decode_base64("AAH__vv8").unwrap(),
            vec![0, 1, 0xff, 0xfe, 0xfb, 0xfc]
        );
        assert_eq!(decode_base64("AAH//w==").unwrap(), vec![0, 1, 0xff, 0xff]);
        assert_eq!(decode_base64("AAH__w").unwrap(), vec![0, 1, 0xff, 0xff]);
        assert!(decode_base64("@@@").is_none());
    }

    #[test]
    fn strict_path_is_snake_case() {
        let msg = br#"{"setup":{"model":"models/m","sessionResumption":{"transparent":true}}}"#;
        let err = parse(msg, true, false).unwrap_err();
        assert_eq!(err.reason, "Invalid JSON payload received. Unknown name \"transparent\" at 'setup.session_resumption': Cannot find field.");
        assert!(parse(msg, true, true).is_ok());
        let msg =
            br#"{"tool_response":{"functionResponses":[{"id":"a","name":"n","response":{},"bogus":1}]}}"#;
        let err = parse(msg, true, false).unwrap_err();
        assert!(
            err.reason.contains("at 'tool_response.function_responses[0]'"),
            "{}",
            err.reason
        );
    }

    #[test]
    fn several_function_responses_with_parts() {
        let msg = br#"{"toolResponse":{"functionResponses":[{"id":"a","name":"n","response":{}},{"id":"b","name":"m","response":{"output":1},"parts":[{"inline_data":{"mimeType":"image/png","data":"AAE=","displayName":"d"}},{"fileData":{"fileUri":"gs://b/o"}}]}]}}"#;
        let (msg, _) = parse(msg, true, false).unwrap();
        let ClientMsg::ToolResponse(responses) = msg else {
            panic!("not a tool response");
        };
        assert_eq!(responses.len(), 2);
        assert_eq!(responses[1].parts.len(), 2);
        assert_eq!(responses[1].parts[0]["inlineData"]["mimeType"], "image/png");
        let bad = br#"{"toolResponse":{"functionResponses":[{"name":"n","response":{},"parts":[{"inlineData":{"bogus":1}}]}]}}"#;
        assert!(parse(bad, true, false).is_err());
    }
}
