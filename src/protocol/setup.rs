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
    Image,
    Video,
}

impl Modality {
    pub fn wire_name(self) -> &'static str {
        match self {
            Modality::Text => "TEXT",
            Modality::Audio => "AUDIO",
            Modality::Image => "IMAGE",
            Modality::Video => "VIDEO",
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
    pub presence_penalty: Option<f32>,
    pub frequency_penalty: Option<f32>,
    pub candidate_count: Option<u32>,
    /// `MEDIA_RESOLUTION_LOW`, `_MEDIUM` or `_HIGH`.
    pub media_resolution: Option<String>,
    /// 2.5 native audio: token budget (0 turns thinking off).
    pub thinking_budget: Option<i32>,
    /// 3.x models: `MINIMAL`, `LOW`, `MEDIUM` or `HIGH`.
    pub thinking_level: Option<String>,
    pub include_thoughts: Option<bool>,
    pub enable_affective_dialog: Option<bool>,
    /// Live translation: `(targetLanguageCode, echoTargetLanguage)`.
    pub translation: Option<(String, bool)>,
}

/// Optional settings of an audio transcription (`{}` turns it on with defaults).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TranscriptionConfig {
    /// BCP-47 codes hinting the spoken languages.
    pub language_codes: Vec<String>,
}

/// Everything sent in `setup`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionConfig {
    /// The model id (`gemini-live-2.5-flash-preview`) or full name (`models/...`,
    /// `projects/.../models/...`). The transport expands bare ids per backend.
    pub model: String,
    pub response_modality: Option<Modality>,
    /// Several response modalities (`responseModalities` with more than one value); when not
    /// empty it replaces `response_modality`.
    pub response_modalities: Vec<Modality>,
    pub generation: GenerationConfig,
    pub voice: Option<String>,
    pub language_code: Option<String>,
    pub system_instruction: Option<String>,
    /// Further text parts of the system instruction, after `system_instruction` (each part is a
    /// paragraph).
    pub system_instruction_parts: Vec<String>,
    /// `Tool` objects, verbatim (`{"functionDeclarations":[...]}`, `{"googleSearch":{}}`, ...).
    pub tools: Vec<Value>,
    pub activity_detection: ActivityDetection,
    pub activity_handling: Option<ActivityHandling>,
    /// `TURN_INCLUDES_ONLY_ACTIVITY`, `TURN_INCLUDES_ALL_INPUT` or
    /// `TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO`.
    pub turn_coverage: Option<String>,
    pub input_audio_transcription: bool,
    pub output_audio_transcription: bool,
    /// Options for the input transcription (used when `input_audio_transcription` is on).
    pub input_transcription_config: TranscriptionConfig,
    /// Options for the output transcription (used when `output_audio_transcription` is on).
    pub output_transcription_config: TranscriptionConfig,
    pub session_resumption: Option<SessionResumption>,
    pub context_window_compression: Option<ContextWindowCompression>,
    pub proactive_audio: Option<bool>,
    /// Requires `proactive_audio`.
    pub proactive_video: Option<bool>,
    /// Vertex only: ask for `voiceActivityDetectionSignal` events.
    pub explicit_vad_signal: Option<bool>,
    /// `historyConfig.initialHistoryInClientContent`: seed history with `clientContent` first.
    pub initial_history_in_client_content: Option<bool>,
    /// `SafetySetting` objects, verbatim (`{"category": ..., "threshold": ...}`).
    pub safety_settings: Vec<Value>,
    /// Billing labels.
    pub labels: Vec<(String, String)>,
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
    /// Accumulates a JSON object into [`SessionConfig::extra_setup`], which `setup` merges
    /// over the typed settings with [`merge_json`]: objects merge key by key, other values
    /// replace, and a `null` removes the key from the final `setup`. `false` (and no change)
    /// when `patch` is not an object.
    pub fn merge_extra_setup(&mut self, patch: &Value) -> bool {
        if !patch.is_object() {
            return false;
        }
        let mut extra = Value::Object(std::mem::take(&mut self.extra_setup));
        merge(&mut extra, patch, Nulls::Keep);
        if let Value::Object(map) = extra {
            self.extra_setup = map;
        }
        true
    }

    pub fn setup_object(&self, model_name: &str) -> Value {
        let mut setup = Map::new();
        setup.insert("model".into(), json!(model_name));
        let generation = self.generation_object();
        if !generation.is_empty() {
            setup.insert("generationConfig".into(), Value::Object(generation));
        }
        let instruction: Vec<&String> = self
            .system_instruction
            .iter()
            .chain(self.system_instruction_parts.iter())
            .collect();
        if !instruction.is_empty() {
            let parts: Vec<Value> = instruction.iter().map(|t| json!({ "text": t })).collect();
            setup.insert(
                "systemInstruction".into(),
                json!({ "parts": parts, "role": "user" }),
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
            setup.insert(
                "inputAudioTranscription".into(),
                self.input_transcription_config.object(),
            );
        }
        if self.output_audio_transcription {
            setup.insert(
                "outputAudioTranscription".into(),
                self.output_transcription_config.object(),
            );
        }
        if self.proactive_audio.is_some() || self.proactive_video.is_some() {
            let mut p = Map::new();
            if let Some(a) = self.proactive_audio {
                p.insert("proactiveAudio".into(), json!(a));
            }
            if let Some(v) = self.proactive_video {
                p.insert("proactiveVideo".into(), json!(v));
            }
            setup.insert("proactivity".into(), Value::Object(p));
        }
        if let Some(v) = self.explicit_vad_signal {
            setup.insert("explicitVadSignal".into(), json!(v));
        }
        if let Some(v) = self.initial_history_in_client_content {
            setup.insert(
                "historyConfig".into(),
                json!({ "initialHistoryInClientContent": v }),
            );
        }
        if !self.safety_settings.is_empty() {
            setup.insert(
                "safetySettings".into(),
                Value::Array(self.safety_settings.clone()),
            );
        }
        if !self.labels.is_empty() {
            let labels: Map<String, Value> = self.labels.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            setup.insert("labels".into(), Value::Object(labels));
        }
        let mut setup = Value::Object(setup);
        merge_json(&mut setup, &Value::Object(self.extra_setup.clone()));
        setup
    }

    fn generation_object(&self) -> Map<String, Value> {
        let g = &self.generation;
        let mut obj = Map::new();
        if !self.response_modalities.is_empty() {
            let names: Vec<&str> = self.response_modalities.iter().map(|m| m.wire_name()).collect();
            obj.insert("responseModalities".into(), json!(names));
        } else if let Some(m) = self.response_modality {
            obj.insert("responseModalities".into(), json!([m.wire_name()]));
        }
        let numbers = [
            ("temperature", g.temperature.map(f32_json)),
            ("topP", g.top_p.map(f32_json)),
            ("topK", g.top_k.map(|v| json!(v))),
            ("maxOutputTokens", g.max_output_tokens.map(|v| json!(v))),
            ("presencePenalty", g.presence_penalty.map(f32_json)),
            ("frequencyPenalty", g.frequency_penalty.map(f32_json)),
            ("candidateCount", g.candidate_count.map(|v| json!(v))),
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
        if let Some((target, echo)) = &g.translation {
            obj.insert(
                "translationConfig".into(),
                json!({"targetLanguageCode": target, "echoTargetLanguage": echo}),
            );
        }
        if g.thinking_budget.is_some() || g.include_thoughts.is_some() || g.thinking_level.is_some() {
            let mut thinking = Map::new();
            if let Some(b) = g.thinking_budget {
                thinking.insert("thinkingBudget".into(), json!(b));
            }
            if let Some(level) = &g.thinking_level {
                thinking.insert("thinkingLevel".into(), json!(level));
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
        if let Some(t) = &self.turn_coverage {
            obj.insert("turnCoverage".into(), json!(t));
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

impl TranscriptionConfig {
    fn object(&self) -> Value {
        let mut t = Map::new();
        if !self.language_codes.is_empty() {
            t.insert("languageCodes".into(), json!(self.language_codes));
        }
        Value::Object(t)
    }
}

/// An `f32` as the JSON number its user wrote: the shortest decimal that reads back as the same
/// `f32` (`0.7f32` is `0.7`, not the `0.699999988079071` of widening it to `f64`). Not finite:
/// `null` (JSON has no such number).
pub fn f32_json(v: f32) -> Value {
    // `Display` of an `f32` is its shortest round-trip decimal; read as `f64`, that decimal is
    // what serde_json prints back (an `f64` prints as its own shortest round-trip form).
    format!("{v}")
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map_or(Value::Null, |f| json!(f))
}

/// Serializes content to JSON; infallible for our own types.
pub(crate) fn content_json(content: &Content) -> Value {
    serde_json::to_value(content).unwrap_or(Value::Null)
}

/// Deep-merges `patch` into `target`: objects merge key by key, anything else replaces,
/// and a `null` in the patch removes the key.
pub fn merge_json(target: &mut Value, patch: &Value) {
    merge(target, patch, Nulls::Remove);
}

/// What a `null` in a patch does to its key.
#[derive(Clone, Copy, PartialEq)]
enum Nulls {
    Remove,
    /// Kept as `null`, so a patch accumulated from several patches still removes the key when
    /// it is finally applied with [`merge_json`].
    Keep,
}

fn merge(target: &mut Value, patch: &Value, nulls: Nulls) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (key, value) in p {
                if value.is_null() && nulls == Nulls::Remove {
                    t.remove(key);
                } else if let Some(existing) = t.get_mut(key) {
                    merge(existing, value, nulls);
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
    fn every_typed_field_lands_where_reference_section_2_puts_it() {
        let mut c = SessionConfig::new("m");
        c.generation = GenerationConfig {
            temperature: Some(0.5),
            top_p: Some(0.9),
            top_k: Some(40),
            max_output_tokens: Some(256),
            seed: Some(7),
            presence_penalty: Some(0.25),
            frequency_penalty: Some(0.5),
            candidate_count: Some(1),
            media_resolution: Some("MEDIA_RESOLUTION_LOW".into()),
            thinking_budget: Some(0),
            thinking_level: Some("LOW".into()),
            include_thoughts: Some(true),
            enable_affective_dialog: Some(true),
            translation: Some(("de-DE".into(), true)),
        };
        c.activity_detection = ActivityDetection::Automatic(AutomaticActivityDetection {
            start_sensitivity: Some(Sensitivity::Low),
            end_sensitivity: Some(Sensitivity::High),
            prefix_padding_ms: Some(20),
            silence_duration_ms: Some(100),
        });
        c.activity_handling = Some(ActivityHandling::NoInterruption);
        c.turn_coverage = Some("TURN_INCLUDES_ALL_INPUT".into());
        c.input_audio_transcription = true;
        c.input_transcription_config.language_codes = vec!["en-US".into()];
        c.session_resumption = Some(SessionResumption {
            handle: Some("h".into()),
            transparent: true,
        });
        c.context_window_compression = Some(ContextWindowCompression {
            trigger_tokens: Some(25600),
            target_tokens: Some(12800),
        });
        c.proactive_audio = Some(true);
        c.proactive_video = Some(false);
        c.explicit_vad_signal = Some(true);
        c.initial_history_in_client_content = Some(true);
        c.safety_settings = vec![json!({"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"})];
        c.labels = vec![("team".into(), "voice".into())];
        let s = c.setup_object("models/m");
        let g = &s["generationConfig"];
        assert_eq!(
            (g["topK"].clone(), g["seed"].clone(), g["candidateCount"].clone()),
            (json!(40), json!(7), json!(1))
        );
        assert_eq!(
            g["thinkingConfig"],
            json!({"thinkingBudget": 0, "thinkingLevel": "LOW", "includeThoughts": true})
        );
        assert_eq!(
            g["translationConfig"],
            json!({"targetLanguageCode": "de-DE", "echoTargetLanguage": true})
        );
        assert_eq!(
            s["realtimeInputConfig"],
            json!({"automaticActivityDetection": {"startOfSpeechSensitivity": "START_SENSITIVITY_LOW", "endOfSpeechSensitivity": "END_SENSITIVITY_HIGH", "prefixPaddingMs": 20, "silenceDurationMs": 100}, "activityHandling": "NO_INTERRUPTION", "turnCoverage": "TURN_INCLUDES_ALL_INPUT"})
        );
        assert_eq!(s["inputAudioTranscription"], json!({"languageCodes": ["en-US"]}));
        assert_eq!(
            s["sessionResumption"],
            json!({"handle": "h", "transparent": true})
        );
        assert_eq!(
            s["contextWindowCompression"],
            json!({"triggerTokens": "25600", "slidingWindow": {"targetTokens": "12800"}})
        );
        assert_eq!(
            s["proactivity"],
            json!({"proactiveAudio": true, "proactiveVideo": false})
        );
        assert_eq!(s["explicitVadSignal"], json!(true));
        assert_eq!(s["historyConfig"], json!({"initialHistoryInClientContent": true}));
        assert_eq!(s["labels"], json!({"team": "voice"}));
        assert_eq!(s["safetySettings"][0]["threshold"], "BLOCK_NONE");
    }

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
    fn floats_go_out_as_written() {
        for (v, want) in [
            (0.7f32, "0.7"),
            (0.1, "0.1"),
            (0.95, "0.95"),
            (1.0, "1.0"),
            (0.0, "0.0"),
            (-1.5, "-1.5"),
            (1.9999999, "1.9999999"),
            (f32::MIN_POSITIVE, "1.1754944e-38"),
            (3.4028235e38, "3.4028235e+38"),
        ] {
            let text = serde_json::to_string(&f32_json(v)).unwrap();
            assert_eq!(text, want, "{v}");
            let back: f64 = text.parse().unwrap();
            assert_eq!(back as f32, v, "{text} must read back as {v}");
        }
        assert_eq!(f32_json(f32::NAN), Value::Null);
        let mut c = SessionConfig::new("m");
        c.generation.temperature = Some(0.7);
        c.generation.top_p = Some(0.95);
        c.generation.presence_penalty = Some(-0.3);
        c.generation.frequency_penalty = Some(0.3);
        let text = crate::protocol::encode_setup(c.setup_object("models/m")).json;
        assert!(
            text.contains(r#""temperature":0.7"#) && text.contains(r#""topP":0.95"#),
            "{text}"
        );
        assert!(
            text.contains(r#""presencePenalty":-0.3"#) && text.contains(r#""frequencyPenalty":0.3"#),
            "{text}"
        );
    }

    #[test]
    fn several_modalities_and_instruction_parts() {
        let mut c = SessionConfig::new("m");
        c.response_modality = Some(Modality::Text);
        c.response_modalities = vec![Modality::Audio, Modality::Video];
        c.system_instruction = Some("one".into());
        c.system_instruction_parts = vec!["two".into()];
        c.output_audio_transcription = true;
        c.output_transcription_config.language_codes = vec!["de-DE".into()];
        let s = c.setup_object("models/m");
        assert_eq!(
            s["generationConfig"]["responseModalities"],
            json!(["AUDIO", "VIDEO"])
        );
        assert_eq!(
            s["systemInstruction"],
            json!({"parts": [{"text": "one"}, {"text": "two"}], "role": "user"})
        );
        assert_eq!(s["outputAudioTranscription"], json!({"languageCodes": ["de-DE"]}));
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

    #[test]
    fn accumulated_patches_keep_their_nulls_until_setup() {
        let mut c = SessionConfig::new("m");
        c.generation.temperature = Some(0.5);
        assert!(c.merge_extra_setup(&json!({"generationConfig": {"topK": 3}, "x": {"a": 1}})));
        assert!(c.merge_extra_setup(&json!({"generationConfig": {"temperature": null}, "x": 2})));
        assert!(!c.merge_extra_setup(&json!([1])), "not an object");
        assert_eq!(
            c.extra_setup["generationConfig"],
            json!({"topK": 3, "temperature": null})
        );
        let setup = c.setup_object("models/m");
        assert_eq!(setup["generationConfig"], json!({"topK": 3}));
        assert_eq!(setup["x"], json!(2));
    }
}
