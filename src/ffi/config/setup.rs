//! The `setup` message's settings of `gemini_live_config`: model, modality, voice, tools,
//! activity detection, transcription, resumption, compression, merged JSON.

use super::{config_mut, gemini_live_config, gemini_live_result, Error};
use crate::ffi::ptr::{try_json, try_nonempty_str, try_opt_str, try_str};
use crate::protocol::{
    ActivityDetection, ActivityHandling, AutomaticActivityDetection, ContextWindowCompression, Modality,
    Sensitivity, SessionResumption,
};
use serde_json::Value;
use std::ffi::c_char;

fn bad_enum(name: &str, value: u32) -> Error {
    Error::invalid(format!("`{name}` has no value {value}"))
}
/// Sets the model: an id (`gemini-2.5-flash-native-audio-preview-12-2025`) or a full name
/// (`models/...`, `projects/.../models/...`).
///
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_ARGUMENT` (empty).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_model(
    config: *mut gemini_live_config,
    model: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.model(unsafe { try_nonempty_str(model, "model")? })?;
        Ok(())
    }
}

/// Sets the response modality, a `GEMINI_LIVE_MODALITY_*` value (TEXT or AUDIO; UNSPECIFIED
/// removes the field). Replaces `gemini_live_config_set_response_modalities`.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (not a modality).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_response_modality(
    config: *mut gemini_live_config,
    modality: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let modality = match modality {
            0 => None,
            1 => Some(Modality::Text),
            2 => Some(Modality::Audio),
            v => return Err(bad_enum("modality", v)),
        };
        let session = c.session();
        session.response_modality = modality;
        session.response_modalities.clear();
        Ok(())
    }
}

/// Sets the prebuilt voice (`Puck`, `Kore`, ...). NULL restores the default voice.
///
/// Errors: `NULL_ARGUMENT` (config), `INVALID_UTF8`, `INVALID_ARGUMENT` (empty).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_voice(
    config: *mut gemini_live_config,
    voice: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().voice = opt_nonempty(unsafe { try_opt_str(voice, "voice")? }, "voice")?;
        Ok(())
    }
}

/// Sets the speech language as a BCP-47 code (`en-US`, `de-DE`). NULL restores the default.
///
/// Errors: `NULL_ARGUMENT` (config), `INVALID_UTF8`, `INVALID_ARGUMENT` (empty).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_language(
    config: *mut gemini_live_config,
    language_code: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().language_code = opt_nonempty(unsafe { try_opt_str(language_code, "language_code")? }, "language_code")?;
        Ok(())
    }
}

/// Sets the system instruction (plain text), as one part: it replaces the whole instruction,
/// parts added with `gemini_live_config_add_system_instruction_part` included. NULL removes it.
///
/// Errors: `NULL_ARGUMENT` (config), `INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_system_instruction(
    config: *mut gemini_live_config,
    text: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let text = unsafe { try_opt_str(text, "text")? }.map(str::to_owned);
        let session = c.session();
        session.system_instruction = text;
        session.system_instruction_parts.clear();
        Ok(())
    }
}

/// Sets the sampling temperature, in [0, 2]: `setup.generationConfig.temperature`, sent as the
/// shortest decimal that reads back as the same `float` (0.7f goes out as `0.7`). Default: the
/// model's (unset). All models.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (out of range or NaN).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_temperature(
    config: *mut gemini_live_config,
    temperature: f32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        if !(0.0..=2.0).contains(&temperature) {
            return Err(Error::invalid(format!("`temperature` {temperature} is outside [0, 2]")));
        }
        c.session().generation.temperature = Some(temperature);
        Ok(())
    }
}

/// Asks for thought summaries (delivered as `GEMINI_LIVE_EVENT_KIND_THOUGHT` events).
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_include_thoughts(
    config: *mut gemini_live_config,
    include: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.session().generation.include_thoughts = Some(include);
        Ok(())
    }
}

/// Sets the tools: a JSON array of `Tool` objects, sent verbatim, e.g.
/// `[{"functionDeclarations":[{"name":"get_weather","parameters":{...}}]},{"googleSearch":{}}]`.
/// `"[]"` or NULL removes them.
///
/// Errors: `NULL_ARGUMENT` (config), `INVALID_UTF8`, `INVALID_JSON` (not JSON, not an array, or
/// an element that is not an object).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_tools_json(
    config: *mut gemini_live_config,
    tools_json: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().tools = if tools_json.is_null() {
            Vec::new()
        } else {
            tools_array(unsafe { try_json(tools_json, "tools_json")? }, "tools_json")?
        };
        Ok(())
    }
}

/// Validates a tools array.
pub(crate) fn tools_array(value: Value, name: &str) -> Result<Vec<Value>, Error> {
    let Value::Array(items) = value else {
        return Err(Error::json(format!(
            "`{name}` must be a JSON array of Tool objects"
        )));
    };
    if let Some(i) = items.iter().position(|t| !t.is_object()) {
        return Err(Error::json(format!("`{name}`[{i}] is not a JSON object")));
    }
    Ok(items)
}

/// Uses server-side voice activity detection with the given settings: sensitivities are
/// `GEMINI_LIVE_SENSITIVITY_*` values, `prefix_padding_ms` and `silence_duration_ms` are
/// milliseconds or -1 for the service default.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (unknown sensitivity, negative duration other
/// than -1).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_automatic_activity_detection(
    config: *mut gemini_live_config,
    start_sensitivity: u32,
    end_sensitivity: u32,
    prefix_padding_ms: i32,
    silence_duration_ms: i32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let sensitivity = |v: u32, name: &str| match v {
            0 => Ok(None),
            1 => Ok(Some(Sensitivity::High)),
            2 => Ok(Some(Sensitivity::Low)),
            v => Err(bad_enum(name, v)),
        };
        let ms = |v: i32, name: &str| match v {
            -1 => Ok(None),
            v if v >= 0 => Ok(Some(v as u32)),
            v => Err(Error::invalid(format!("`{name}` {v} is negative (use -1 for the default)"))),
        };
        c.session().activity_detection = ActivityDetection::Automatic(AutomaticActivityDetection {
            start_sensitivity: sensitivity(start_sensitivity, "start_sensitivity")?,
            end_sensitivity: sensitivity(end_sensitivity, "end_sensitivity")?,
            prefix_padding_ms: ms(prefix_padding_ms, "prefix_padding_ms")?,
            silence_duration_ms: ms(silence_duration_ms, "silence_duration_ms")?,
        });
        Ok(())
    }
}

/// Turns server-side voice activity detection off (`manual` true): the application brackets
/// each utterance with `gemini_live_session_send_activity_start`/`_end`. `manual` false
/// restores automatic detection with default settings.
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_manual_activity_detection(
    config: *mut gemini_live_config,
    manual: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.session().activity_detection = if manual {
            ActivityDetection::Manual
        } else {
            ActivityDetection::default()
        };
        Ok(())
    }
}

/// Sets what user activity does to a reply in progress, a `GEMINI_LIVE_ACTIVITY_HANDLING_*`
/// value.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (unknown value).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_activity_handling(
    config: *mut gemini_live_config,
    handling: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().activity_handling = match handling {
            0 => None,
            1 => Some(ActivityHandling::StartOfActivityInterrupts),
            2 => Some(ActivityHandling::NoInterruption),
            v => return Err(bad_enum("handling", v)),
        };
        Ok(())
    }
}

/// Asks for transcriptions of the user's audio (`INPUT_TRANSCRIPTION` events).
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_input_transcription(
    config: *mut gemini_live_config,
    enable: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.session().input_audio_transcription = enable;
        Ok(())
    }
}

/// Asks for transcriptions of the model's audio (`OUTPUT_TRANSCRIPTION` events).
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_output_transcription(
    config: *mut gemini_live_config,
    enable: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.session().output_audio_transcription = enable;
        Ok(())
    }
}

/// Enables session resumption (required for transparent reconnects): `handle` resumes an
/// earlier session (NULL starts a new resumable one); `transparent` (Vertex only) asks for the
/// index of the last consumed client message. `enable` false turns resumption off.
///
/// Errors: `NULL_ARGUMENT` (config), `INVALID_UTF8`, `INVALID_ARGUMENT` (empty handle).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_session_resumption(
    config: *mut gemini_live_config,
    enable: bool,
    handle: *const c_char,
    transparent: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let handle = opt_nonempty(unsafe { try_opt_str(handle, "handle")? }, "handle")?;
        c.session().session_resumption = enable.then_some(SessionResumption { handle, transparent });
        Ok(())
    }
}

/// Enables sliding-window context compression (lets a session outlive the 15-minute cap):
/// `trigger_tokens` and `target_tokens` are token counts or -1 for the service default.
/// `enable` false turns it off.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (a count below -1, or target above trigger).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_context_window_compression(
    config: *mut gemini_live_config,
    enable: bool,
    trigger_tokens: i64,
    target_tokens: i64,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let count = |v: i64, name: &str| match v {
            -1 => Ok(None),
            v if v >= 0 => Ok(Some(v)),
            v => Err(Error::invalid(format!("`{name}` {v} is negative (use -1 for the default)"))),
        };
        let trigger = count(trigger_tokens, "trigger_tokens")?;
        let target = count(target_tokens, "target_tokens")?;
        if let (Some(tr), Some(ta)) = (trigger, target) {
            if ta > tr {
                return Err(Error::invalid("`target_tokens` is above `trigger_tokens`"));
            }
        }
        c.session().context_window_compression = enable.then_some(ContextWindowCompression {
            trigger_tokens: trigger,
            target_tokens: target,
        });
        Ok(())
    }
}

/// Deep-merges a JSON object into the `setup` message, over the typed settings: objects merge
/// key by key, other values replace, and `null` removes a key. For fields without a setter,
/// e.g. `{"generationConfig":{"topK":3},"proactivity":{"proactiveAudio":true}}`. Successive
/// calls accumulate.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_JSON` (not JSON, or not an object).
#[no_mangle]
pub extern "C" fn gemini_live_config_merge_setup_json(
    config: *mut gemini_live_config,
    json: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let patch = unsafe { try_json(json, "json")? };
        if !c.session().merge_extra_setup(&patch) {
            return Err(Error::json("`json` must be a JSON object"));
        }
        Ok(())
    }
}

// ---- Typed `setup` settings (generation, thinking, proactivity, transcription options,
// safety, translation, labels). Each names the wire field it sets under `setup`; a setting
// left unset sends no field, so the model's default applies. Unset a field with
// `gemini_live_config_merge_setup_json` and a `null` (e.g. `{"generationConfig":{"topK":null}}`).

/// A `float` in `[low, high]` (NaN refused).
fn float_in(value: f32, name: &str, low: f32, high: f32) -> Result<f32, Error> {
    if !(low..=high).contains(&value) {
        return Err(Error::invalid(format!(
            "`{name}` {value} is outside [{low}, {high}]"
        )));
    }
    Ok(value)
}

/// `count` strings from a C array, each non-empty and at most `max_len` bytes.
///
/// # Safety
/// A non-NULL `items` must point to `count` readable pointers.
unsafe fn str_array(
    items: *const *const c_char,
    count: usize,
    name: &str,
    max_len: usize,
) -> Result<Vec<String>, Error> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if items.is_null() {
        return Err(Error::null(name));
    }
    if count > 64 {
        return Err(Error::invalid(format!(
            "`{name}` has {count} entries, more than 64"
        )));
    }
    let mut out = Vec::with_capacity(count);
    for (i, &item) in std::slice::from_raw_parts(items, count).iter().enumerate() {
        let text = try_nonempty_str(item, &format!("{name}[{i}]"))?;
        if text.len() > max_len {
            return Err(Error::invalid(format!(
                "`{name}[{i}]` is longer than {max_len} bytes"
            )));
        }
        out.push(text.to_owned());
    }
    Ok(out)
}

/// A BCP-47 language tag's shape: ASCII letters, digits and `-`, 2 to 35 characters.
fn check_language_code(code: &str, name: &str) -> Result<(), Error> {
    let ok = (2..=35).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_alphabetic())
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "`{name}` {code:?} is not a BCP-47 language code"
        )))
    }
}

/// Sets several response modalities: `setup.generationConfig.responseModalities`, an array of
/// `count` `GEMINI_LIVE_MODALITY_*` values (TEXT, AUDIO, IMAGE, VIDEO; no repeats). It replaces
/// `gemini_live_config_set_response_modality`; `count` 0 removes the field (`modalities` may
/// then be NULL). Models: most Live models accept one modality per session (native-audio and
/// 3.x models only AUDIO); VIDEO is for Live avatars.
///
/// Errors: `NULL_ARGUMENT` (config, or modalities with count > 0), `INVALID_ARGUMENT` (an
/// unknown or repeated value, more than 4).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_response_modalities(
    config: *mut gemini_live_config,
    modalities: *const u32,
    count: usize,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        if count > 0 && modalities.is_null() {
            return Err(Error::null("modalities"));
        }
        if count > 4 {
            return Err(Error::invalid(format!("`count` {count} is above 4 (there are 4 modalities)")));
        }
        let values = if count == 0 { &[][..] } else { unsafe { std::slice::from_raw_parts(modalities, count) } };
        let mut list = Vec::with_capacity(count);
        for &v in values {
            let m = match v {
                1 => Modality::Text,
                2 => Modality::Audio,
                3 => Modality::Image,
                4 => Modality::Video,
                v => return Err(bad_enum("modalities", v)),
            };
            if list.contains(&m) {
                return Err(Error::invalid(format!("`modalities` repeats {}", m.wire_name())));
            }
            list.push(m);
        }
        let session = c.session();
        session.response_modality = None;
        session.response_modalities = list;
        Ok(())
    }
}

/// Appends a text part to the system instruction (`setup.systemInstruction.parts[].text`; each
/// part is a paragraph), after the text of `gemini_live_config_set_system_instruction`. All
/// models.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_ARGUMENT` (empty).
#[no_mangle]
pub extern "C" fn gemini_live_config_add_system_instruction_part(
    config: *mut gemini_live_config,
    text: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let text = unsafe { try_nonempty_str(text, "text")? };
        c.session().system_instruction_parts.push(text.to_owned());
        Ok(())
    }
}

/// Sets nucleus sampling, in [0, 1]: `setup.generationConfig.topP` (sent as written, like the
/// temperature). Default: the model's. All models.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (out of range or NaN).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_top_p(
    config: *mut gemini_live_config,
    top_p: f32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().generation.top_p = Some(float_in(top_p, "top_p", 0.0, 1.0)?);
        Ok(())
    }
}

/// Sets top-k sampling, at least 1: `setup.generationConfig.topK`. Default: the model's. All
/// models.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (0).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_top_k(
    config: *mut gemini_live_config,
    top_k: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        if top_k == 0 {
            return Err(Error::invalid("`top_k` must be at least 1"));
        }
        c.session().generation.top_k = Some(top_k);
        Ok(())
    }
}

/// Caps the tokens of each reply, at least 1: `setup.generationConfig.maxOutputTokens`.
/// Default: the model's limit. All models.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (0).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_max_output_tokens(
    config: *mut gemini_live_config,
    max_output_tokens: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        if max_output_tokens == 0 {
            return Err(Error::invalid("`max_output_tokens` must be at least 1"));
        }
        c.session().generation.max_output_tokens = Some(max_output_tokens);
        Ok(())
    }
}

/// Sets the sampling seed (any 32-bit value): `setup.generationConfig.seed`. Default: random.
/// All models.
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_seed(
    config: *mut gemini_live_config,
    seed: i32,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.session().generation.seed = Some(i64::from(seed));
        Ok(())
    }
}

/// Sets the presence penalty, in [-2, 2]: `setup.generationConfig.presencePenalty` (sent as
/// written). Default: none. Half-cascade models (native-audio models may ignore it).
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (out of range or NaN).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_presence_penalty(
    config: *mut gemini_live_config,
    penalty: f32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().generation.presence_penalty = Some(float_in(penalty, "penalty", -2.0, 2.0)?);
        Ok(())
    }
}

/// Sets the frequency penalty, in [-2, 2]: `setup.generationConfig.frequencyPenalty` (sent as
/// written). Default: none. Half-cascade models (native-audio models may ignore it).
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (out of range or NaN).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_frequency_penalty(
    config: *mut gemini_live_config,
    penalty: f32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().generation.frequency_penalty = Some(float_in(penalty, "penalty", -2.0, 2.0)?);
        Ok(())
    }
}

/// Sets the tokens spent per image or video frame, a `GEMINI_LIVE_MEDIA_RESOLUTION_*` value:
/// `setup.generationConfig.mediaResolution` (`UNSPECIFIED` removes the field). Default: the
/// model's. Models that take video.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (unknown value).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_media_resolution(
    config: *mut gemini_live_config,
    resolution: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().generation.media_resolution = match resolution {
            0 => None,
            1 => Some("MEDIA_RESOLUTION_LOW".to_owned()),
            2 => Some("MEDIA_RESOLUTION_MEDIUM".to_owned()),
            3 => Some("MEDIA_RESOLUTION_HIGH".to_owned()),
            v => return Err(bad_enum("resolution", v)),
        };
        Ok(())
    }
}

/// Sets the thinking budget in tokens: `setup.generationConfig.thinkingConfig.thinkingBudget`.
/// -1 is dynamic thinking (the model decides; the 2.5 native-audio default), 0 turns thinking
/// off, 1..=32768 caps it. Models: 2.5 native audio (3.x models use
/// `gemini_live_config_set_thinking_level` instead).
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (below -1 or above 32768).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_thinking_budget(
    config: *mut gemini_live_config,
    budget: i32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        if !(-1..=32_768).contains(&budget) {
            return Err(Error::invalid(format!("`budget` {budget} is outside -1..=32768")));
        }
        c.session().generation.thinking_budget = Some(budget);
        Ok(())
    }
}

/// Sets how much the model thinks, a `GEMINI_LIVE_THINKING_LEVEL_*` value:
/// `setup.generationConfig.thinkingConfig.thinkingLevel` (`UNSPECIFIED` removes the field).
/// Default: the model's (minimal on 3.1 Flash Live). Models: 3.x Live models.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (unknown value).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_thinking_level(
    config: *mut gemini_live_config,
    level: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().generation.thinking_level = match level {
            0 => None,
            1 => Some("MINIMAL".to_owned()),
            2 => Some("LOW".to_owned()),
            3 => Some("MEDIUM".to_owned()),
            4 => Some("HIGH".to_owned()),
            v => return Err(bad_enum("level", v)),
        };
        Ok(())
    }
}

/// Lets the model adapt its tone to the user's: `setup.generationConfig.enableAffectiveDialog`.
/// Default: off. Models: 2.5 native audio only.
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_affective_dialog(
    config: *mut gemini_live_config,
    enable: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.session().generation.enable_affective_dialog = Some(enable);
        Ok(())
    }
}

/// Lets the model decide when to answer (and ignore input not meant for it):
/// `setup.proactivity.proactiveAudio`, and `setup.proactivity.proactiveVideo` when
/// `proactive_video` (sent only when true; it requires `proactive_audio`). Default: off.
/// Models: 2.5 native audio (always on for 3.8, where `proactive_audio` false is an error).
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (video without audio).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_proactivity(
    config: *mut gemini_live_config,
    proactive_audio: bool,
    proactive_video: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        if proactive_video && !proactive_audio {
            return Err(Error::invalid("`proactive_video` requires `proactive_audio`"));
        }
        let session = c.session();
        session.proactive_audio = Some(proactive_audio);
        session.proactive_video = proactive_video.then_some(true);
        Ok(())
    }
}

/// Asks for `voiceActivityDetectionSignal` events: `setup.explicitVadSignal`. Default: off.
/// Vertex AI only (the Gemini API refuses the field).
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_explicit_vad_signal(
    config: *mut gemini_live_config,
    enable: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.session().explicit_vad_signal = Some(enable);
        Ok(())
    }
}

/// Sets which input a user turn includes, a `GEMINI_LIVE_TURN_COVERAGE_*` value:
/// `setup.realtimeInputConfig.turnCoverage` (`UNSPECIFIED` removes the field). Default: only
/// activity on 2.5, audio activity and all video on 3.x.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (unknown value).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_turn_coverage(
    config: *mut gemini_live_config,
    coverage: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().turn_coverage = match coverage {
            0 => None,
            1 => Some("TURN_INCLUDES_ONLY_ACTIVITY".to_owned()),
            2 => Some("TURN_INCLUDES_ALL_INPUT".to_owned()),
            3 => Some("TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO".to_owned()),
            v => return Err(bad_enum("coverage", v)),
        };
        Ok(())
    }
}

/// Turns a transcription on (`which`: `GEMINI_LIVE_TRANSCRIPTION_INPUT` or `_OUTPUT`) with
/// language hints: `setup.inputAudioTranscription.languageCodes` or
/// `setup.outputAudioTranscription.languageCodes`, `count` BCP-47 codes (`count` 0 sends `{}`:
/// the model detects the language; `codes` may then be NULL). At most 64 codes. All models
/// with transcription.
///
/// Errors: `NULL_ARGUMENT` (config, or codes/an entry with count > 0), `INVALID_UTF8`,
/// `INVALID_ARGUMENT` (unknown `which`, an empty entry or one that is not a language code).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_transcription_languages(
    config: *mut gemini_live_config,
    which: u32,
    codes: *const *const c_char,
    count: usize,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        if !(1..=2).contains(&which) {
            return Err(bad_enum("which", which));
        }
        let codes = unsafe { str_array(codes, count, "codes", 35)? };
        for (i, code) in codes.iter().enumerate() {
            check_language_code(code, &format!("codes[{i}]"))?;
        }
        let session = c.session();
        if which == 1 {
            session.input_audio_transcription = true;
            session.input_transcription_config.language_codes = codes;
        } else {
            session.output_audio_transcription = true;
            session.output_transcription_config.language_codes = codes;
        }
        Ok(())
    }
}

/// Seeds the history with `clientContent` before realtime input:
/// `setup.historyConfig.initialHistoryInClientContent`. With it, the server consumes client
/// content (which may end with a model turn) without answering until `turnComplete`. Default:
/// off. Newer models.
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_initial_history_in_client_content(
    config: *mut gemini_live_config,
    enable: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.session().initial_history_in_client_content = Some(enable);
        Ok(())
    }
}

/// Adds a safety setting: `setup.safetySettings[]` with `category` (a
/// `GEMINI_LIVE_HARM_CATEGORY_*` value) and `threshold` (a `GEMINI_LIVE_HARM_THRESHOLD_*`
/// value). A category set before is replaced. Default: the service's thresholds. All models.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (unknown category or threshold).
#[no_mangle]
pub extern "C" fn gemini_live_config_add_safety_setting(
    config: *mut gemini_live_config,
    category: u32,
    threshold: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let category = match category {
            1 => "HARM_CATEGORY_HARASSMENT",
            2 => "HARM_CATEGORY_HATE_SPEECH",
            3 => "HARM_CATEGORY_SEXUALLY_EXPLICIT",
            4 => "HARM_CATEGORY_DANGEROUS_CONTENT",
            5 => "HARM_CATEGORY_CIVIC_INTEGRITY",
            v => return Err(bad_enum("category", v)),
        };
        let threshold = match threshold {
            1 => "BLOCK_LOW_AND_ABOVE",
            2 => "BLOCK_MEDIUM_AND_ABOVE",
            3 => "BLOCK_ONLY_HIGH",
            4 => "BLOCK_NONE",
            5 => "OFF",
            v => return Err(bad_enum("threshold", v)),
        };
        let settings = &mut c.session().safety_settings;
        settings.retain(|s| s.get("category").and_then(Value::as_str) != Some(category));
        settings.push(serde_json::json!({"category": category, "threshold": threshold}));
        Ok(())
    }
}

/// Removes every safety setting (`setup.safetySettings`).
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_clear_safety_settings(
    config: *mut gemini_live_config,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.session().safety_settings.clear();
        Ok(())
    }
}

/// Live translation: speak replies in `target_language_code` (BCP-47):
/// `setup.generationConfig.translationConfig.targetLanguageCode`, and `echoTargetLanguage`
/// (`echo`: also repeat input already in the target language). NULL removes it. Default: off.
/// Models with live translation.
///
/// Errors: `NULL_ARGUMENT` (config), `INVALID_UTF8`, `INVALID_ARGUMENT` (not a language code).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_translation(
    config: *mut gemini_live_config,
    target_language_code: *const c_char,
    echo: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let target = unsafe { try_opt_str(target_language_code, "target_language_code")? };
        if let Some(code) = target {
            check_language_code(code, "target_language_code")?;
        }
        c.session().generation.translation = target.map(|t| (t.to_owned(), echo));
        Ok(())
    }
}

/// Adds a billing label: `setup.labels.<key>` = `value`. Keys: 1 to 63 lowercase ASCII
/// letters, digits, `_` and `-`, starting with a letter; values: at most 63 of the same (may be
/// empty). A key set before is replaced. Default: none.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_ARGUMENT` (a key or value outside the rules).
#[no_mangle]
pub extern "C" fn gemini_live_config_add_label(
    config: *mut gemini_live_config,
    key: *const c_char,
    value: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let key = unsafe { try_nonempty_str(key, "key")? };
        let value = unsafe { try_str(value, "value")? };
        let allowed = |t: &str| t.len() <= 63
            && t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !allowed(key) || !key.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(Error::invalid(format!("label key {key:?} is not 1-63 of a-z, 0-9, '_', '-' starting with a letter")));
        }
        if !allowed(value) {
            return Err(Error::invalid(format!("label value {value:?} is not 0-63 of a-z, 0-9, '_', '-'")));
        }
        let labels = &mut c.session().labels;
        labels.retain(|(k, _)| k != key);
        labels.push((key.to_owned(), value.to_owned()));
        Ok(())
    }
}

fn opt_nonempty(value: Option<&str>, name: &str) -> Result<Option<String>, Error> {
    match value {
        Some("") => Err(Error::invalid(format!("`{name}` is empty"))),
        v => Ok(v.map(str::to_owned)),
    }
}
