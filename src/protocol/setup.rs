//! The `setup` message: everything fixed for the life of a session.
//!
//! [`SessionConfig`] holds the fields applications set most, typed; anything else goes in
//! [`SessionConfig::extra_setup`], which is deep-merged into `setup` last so that new API fields
//! work without a new release of this library.

use super::content::Content;
use serde_json::{json, Map, Value};

/// The single response modality of a session (the service allows one per session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    Text,
    Audio,
}

impl Modality {
    pub fn wire_name(self) -> &'static str {
        match self {
            Modality::Text => "TEXT",
            Modality::Audio => "AUDIO",
        }
    }
}

/// Sensitivity of the server's start- or end-of-speech detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitivity {
    High,
    Low,
}

/// What user activity does to a reply in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityHandling {
    /// Barge-in: speech interrupts the model (the service default).
    StartOfActivityInterrupts,
    NoInterruption,
}

/// Server-side voice activity detection settings; `None` fields use the service defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AutomaticActivityDetection {
    pub start_sensitivity: Option<Sensitivity>,
    pub end_sensitivity: Option<Sensitivity>,
    pub prefix_padding_ms: Option<u32>,
    pub silence_duration_ms: Option<u32>,
}

/// How turns are delimited in realtime input.
#[derive(Debug, Clone, PartialEq)]
pub enum ActivityDetection {
    /// The server detects speech (default).
    Automatic(AutomaticActivityDetection),
    /// The client brackets speech with `activityStart`/`activityEnd`.
    Manual,
}

impl Default for ActivityDetection {
    fn default() -> Self {
        ActivityDetection::Automatic(AutomaticActivityDetection::default())
    }
}

/// Sliding-window context compression; lets a session run without the 15-minute cap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContextWindowCompression {
    pub trigger_tokens: Option<i64>,
    pub target_tokens: Option<i64>,
}

/// Session resumption: `handle` resumes an earlier session, `None` starts a resumable one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionResumption {
    pub handle: Option<String>,
    /// Vertex only: ask for `lastConsumedClientMessageIndex` in updates.
    pub transparent: bool,
}

/// Typed generation settings; `None` leaves the service default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenerationConfig {
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub top_k: Option<u32>,
    pub max_output_tokens: Option<u32>,
    pub seed: Option<i64>,
    pub media_resolution: Option<String>,
    pub thinking_budget: Option<i32>,
    pub include_thoughts: Option<bool>,
    pub enable_affective_dialog: Option<bool>,
}

/// Everything sent in `setup`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionConfig {
    /// The model id (`gemini-live-2.5-flash-preview`) or full name (`models/...`,
    /// `projects/.../models/...`). The transport expands bare ids per backend.
    pub model: String,
    pub response_modality: Option<Modality>,
    pub generation: GenerationConfig,
    pub voice: Option<String>,
    pub language_code: Option<String>,
    pub system_instruction: Option<String>,
    /// `Tool` objects, verbatim (`{"functionDeclarations":[...]}`, `{"googleSearch":{}}`, ...).
    pub tools: Vec<Value>,
    pub activity_detection: ActivityDetection,
    pub activity_handling: Option<ActivityHandling>,
    pub input_audio_transcription: bool,
    pub output_audio_transcription: bool,
    pub session_resumption: Option<SessionResumption>,
    pub context_window_compression: Option<ContextWindowCompression>,
    pub proactive_audio: Option<bool>,
    /// Extra `setup` fields, deep-merged over the typed ones.
    pub extra_setup: Map<String, Value>,
}

impl SessionConfig {
    pub fn new(model: impl Into<String>) -> Self {
        SessionConfig {
            model: model.into(),
            ..Default::default()
        }
    }

    /// The `setup` object (without the `{"setup": ...}` envelope) for `model_name`, the
    /// backend-qualified model name chosen by the transport.
    pub fn setup_object(&self, model_name: &str) -> Value {
        let mut setup = Map::new();
        setup.insert("model".into(), json!(model_name));
        let generation = self.generation_object();
        if !generation.is_empty() {
            setup.insert("generationConfig".into(), Value::Object(generation));
        }
        if let Some(text) = &self.system_instruction {
            setup.insert(
                "systemInstruction".into(),
                content_json(&Content::text("user", text.clone())),
            );
        }
        if !self.tools.is_empty() {
            setup.insert("tools".into(), Value::Array(self.tools.clone()));
        }
        let realtime = self.realtime_input_object();
        if !realtime.is_empty() {
            setup.insert("realtimeInputConfig".into(), Value::Object(realtime));
        }
        if let Some(r) = &self.session_resumption {
            let mut obj = Map::new();
            if let Some(h) = &r.handle {
                obj.insert("handle".into(), json!(h));
            }
            if r.transparent {
                obj.insert("transparent".into(), json!(true));
            }
            setup.insert("sessionResumption".into(), Value::Object(obj));
        }
        if let Some(c) = &self.context_window_compression {
            let mut obj = Map::new();
            if let Some(t) = c.trigger_tokens {
                obj.insert("triggerTokens".into(), json!(t.to_string()));
            }
            let mut window = Map::new();
            if let Some(t) = c.target_tokens {
                window.insert("targetTokens".into(), json!(t.to_string()));
            }
            obj.insert("slidingWindow".into(), Value::Object(window));
            setup.insert("contextWindowCompression".into(), Value::Object(obj));
        }
        if self.input_audio_transcription {
            setup.insert("inputAudioTranscription".into(), json!({}));
        }
        if self.output_audio_transcription {
            setup.insert("outputAudioTranscription".into(), json!({}));
        }
        if let Some(p) = self.proactive_audio {
            setup.insert("proactivity".into(), json!({ "proactiveAudio": p }));
        }
        let mut setup = Value::Object(setup);
        merge_json(&mut setup, &Value::Object(self.extra_setup.clone()));
        setup
    }

    fn generation_object(&self) -> Map<String, Value> {
        let g = &self.generation;
        let mut obj = Map::new();
        if let Some(m) = self.response_modality {
            obj.insert("responseModalities".into(), json!([m.wire_name()]));
        }
        let numbers = [
            ("temperature", g.temperature.map(|v| json!(v))),
            ("topP", g.top_p.map(|v| json!(v))),
            ("topK", g.top_k.map(|v| json!(v))),
            ("maxOutputTokens", g.max_output_tokens.map(|v| json!(v))),
            ("seed", g.seed.map(|v| json!(v))),
            ("mediaResolution", g.media_resolution.as_ref().map(|v| json!(v))),
            (
                "enableAffectiveDialog",
                g.enable_affective_dialog.map(|v| json!(v)),
            ),
        ];
        for (key, value) in numbers {
            if let Some(v) = value {
                obj.insert(key.into(), v);
            }
        }
        if g.thinking_budget.is_some() || g.include_thoughts.is_some() {
            let mut thinking = Map::new();
            if let Some(b) = g.thinking_budget {
                thinking.insert("thinkingBudget".into(), json!(b));
            }
            if let Some(t) = g.include_thoughts {
                thinking.insert("includeThoughts".into(), json!(t));
            }
            obj.insert("thinkingConfig".into(), Value::Object(thinking));
        }
        if self.voice.is_some() || self.language_code.is_some() {
            let mut speech = Map::new();
            if let Some(v) = &self.voice {
                speech.insert(
                    "voiceConfig".into(),
                    json!({"prebuiltVoiceConfig": {"voiceName": v}}),
                );
            }
            if let Some(l) = &self.language_code {
                speech.insert("languageCode".into(), json!(l));
            }
            obj.insert("speechConfig".into(), Value::Object(speech));
        }
        obj
    }

    fn realtime_input_object(&self) -> Map<String, Value> {
        let mut obj = Map::new();
        match &self.activity_detection {
            ActivityDetection::Manual => {
                obj.insert("automaticActivityDetection".into(), json!({"disabled": true}));
            }
            ActivityDetection::Automatic(a) if *a != AutomaticActivityDetection::default() => {
                let mut aad = Map::new();
                if let Some(s) = a.start_sensitivity {
                    let name = match s {
                        Sensitivity::High => "START_SENSITIVITY_HIGH",
                        Sensitivity::Low => "START_SENSITIVITY_LOW",
                    };
                    aad.insert("startOfSpeechSensitivity".into(), json!(name));
                }
                if let Some(s) = a.end_sensitivity {
                    let name = match s {
                        Sensitivity::High => "END_SENSITIVITY_HIGH",
                        Sensitivity::Low => "END_SENSITIVITY_LOW",
                    };
                    aad.insert("endOfSpeechSensitivity".into(), json!(name));
                }
                if let Some(ms) = a.prefix_padding_ms {
                    aad.insert("prefixPaddingMs".into(), json!(ms));
                }
                if let Some(ms) = a.silence_duration_ms {
                    aad.insert("silenceDurationMs".into(), json!(ms));
                }
                obj.insert("automaticActivityDetection".into(), Value::Object(aad));
            }
            ActivityDetection::Automatic(_) => {}
        }
        if let Some(h) = self.activity_handling {
            let name = match h {
                ActivityHandling::StartOfActivityInterrupts => "START_OF_ACTIVITY_INTERRUPTS",
                ActivityHandling::NoInterruption => "NO_INTERRUPTION",
            };
            obj.insert("activityHandling".into(), json!(name));
        }
        obj
    }
}

/// Serializes content to JSON; infallible for our own types.
pub(crate) fn content_json(content: &Content) -> Value {
    serde_json::to_value(content).unwrap_or(Value::Null)
}

/// Deep-merges `patch` into `target`: objects merge key by key, anything else replaces,
/// and a `null` in the patch removes the key.
pub fn merge_json(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (key, value) in p {
                if value.is_null() {
                    t.remove(key);
                } else if let Some(existing) = t.get_mut(key) {
                    merge_json(existing, value);
                } else {
                    t.insert(key.clone(), value.clone());
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_matches_reference_vector_1_shape() {
        let mut c = SessionConfig::new("unused");
        c.response_modality = Some(Modality::Audio);
        c.voice = Some("Puck".into());
        c.language_code = Some("en-US".into());
        c.system_instruction = Some("You are helpful.".into());
        c.tools = vec![json!({"functionDeclarations":[{"name":"get_weather","behavior":"NON_BLOCKING"}]})];
        c.session_resumption = Some(SessionResumption::default());
        c.input_audio_transcription = true;
        c.output_audio_transcription = true;
        c.activity_detection = ActivityDetection::Manual;
        c.context_window_compression = Some(ContextWindowCompression::default());
        let got = c.setup_object("models/gemini-2.5-flash-native-audio-preview-12-2025");
        let want: Value = serde_json::from_str(r#"{"model":"models/gemini-2.5-flash-native-audio-preview-12-2025","generationConfig":{"responseModalities":["AUDIO"],"speechConfig":{"voiceConfig":{"prebuiltVoiceConfig":{"voiceName":"Puck"}},"languageCode":"en-US"}},"systemInstruction":{"parts":[{"text":"You are helpful."}],"role":"user"},"tools":[{"functionDeclarations":[{"name":"get_weather","behavior":"NON_BLOCKING"}]}],"sessionResumption":{},"inputAudioTranscription":{},"outputAudioTranscription":{},"realtimeInputConfig":{"automaticActivityDetection":{"disabled":true}},"contextWindowCompression":{"slidingWindow":{}}}"#).unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn extra_setup_deep_merges_and_null_removes() {
        let mut c = SessionConfig::new("m");
        c.generation.temperature = Some(0.5);
        c.extra_setup = serde_json::from_str(r#"{"generationConfig":{"topK":3,"temperature":null},"historyConfig":{"initialHistoryInClientContent":true}}"#).unwrap();
        let got = c.setup_object("models/m");
        assert_eq!(got["generationConfig"], json!({"topK": 3}));
        assert_eq!(got["historyConfig"]["initialHistoryInClientContent"], json!(true));
    }
}
