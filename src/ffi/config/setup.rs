//! The `setup` message's settings of `gemini_live_config`: model, modality, voice, tools,
//! activity detection, transcription, resumption, compression, merged JSON.

use super::{config_mut, gemini_live_config, gemini_live_result, Error};
use crate::ffi::ptr::{try_json, try_nonempty_str, try_opt_str};
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

/// Sets the response modality, a `GEMINI_LIVE_MODALITY_*` value.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (not a modality).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_response_modality(
    config: *mut gemini_live_config,
    modality: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().response_modality = match modality {
            0 => None,
            1 => Some(Modality::Text),
            2 => Some(Modality::Audio),
            v => return Err(bad_enum("modality", v)),
        };
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

/// Sets the system instruction (plain text). NULL removes it.
///
/// Errors: `NULL_ARGUMENT` (config), `INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_system_instruction(
    config: *mut gemini_live_config,
    text: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.session().system_instruction = unsafe { try_opt_str(text, "text")? }.map(str::to_owned);
        Ok(())
    }
}

/// Sets the sampling temperature, in [0, 2].
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

fn opt_nonempty(value: Option<&str>, name: &str) -> Result<Option<String>, Error> {
    match value {
        Some("") => Err(Error::invalid(format!("`{name}` is empty"))),
        v => Ok(v.map(str::to_owned)),
    }
}
