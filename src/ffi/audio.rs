//! Audio in any common format: `gemini_live_audio_format` and
//! `gemini_live_session_send_audio_ex`, which converts it to the 16 kHz PCM16 mono the service
//! takes (see `crate::audio`).

use super::config::{config_mut, gemini_live_config};
use super::error::{gemini_live_result, Error};
use super::ptr::{check_out, try_bytes, try_ref, write_out};
use super::session::{gemini_live_session, session_ref};
use crate::audio::converter::InputConverter;
use crate::audio::format::{AudioFormat, SampleFormat};
use crate::audio::WIRE_INPUT_RATE;
use crate::protocol::{self, RealtimeInput};
use crate::session::max_pcm_bytes;

/// The format of audio given to `gemini_live_session_send_audio_ex`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct gemini_live_audio_format {
    /// A `gemini_live_sample_format` value.
    pub sample_format: u32,
    /// Samples per second per channel: 8000..=48000.
    pub sample_rate: u32,
    /// 1 (mono) or 2 (interleaved stereo, left first; mixed down to mono by their mean).
    pub channels: u32,
}

fn parse_format(fmt: &gemini_live_audio_format) -> Result<AudioFormat, Error> {
    let sample_format = match fmt.sample_format {
        0 => SampleFormat::Pcm16,
        1 => SampleFormat::Float32,
        2 => SampleFormat::Mulaw,
        3 => SampleFormat::Alaw,
        other => {
            return Err(Error::invalid(format!(
                "`sample_format` {other} is not a gemini_live_sample_format"
            )))
        }
    };
    let channels = u16::try_from(fmt.channels).unwrap_or(u16::MAX);
    let format = AudioFormat {
        sample_format,
        sample_rate: fmt.sample_rate,
        channels,
    };
    format.validate().map_err(Error::invalid)?;
    Ok(format)
}

/// Sends audio in the caller's format: PCM16, float32, G.711 μ-law or A-law, mono or
/// interleaved stereo, at 8000..=48000 Hz. It is converted on the calling thread to 16 kHz
/// PCM16 mono (stereo mixed down by the mean of the channels; other rates resampled by a
/// 128-tap windowed-sinc resampler, see docs/audio.md) and sent like
/// `gemini_live_session_send_audio`, including its pacing. 16 kHz PCM16 mono is passed
/// through unchanged.
///
/// Streaming: the session keeps one converter, whose state carries over from call to call, so
/// a stream cut into chunks of any size converts as if it were sent whole (no clicks at chunk
/// edges). Resampling works in 10 ms chunks: input short of a chunk is kept for the next call
/// (a call can then send nothing and still return `OK`), and the filter holds back half its
/// length (64 input samples). Added latency, from the input's side: at most 10 ms of held input
/// plus the filter's 64 samples (1.3 ms at 48 kHz, 1.5 ms at 44.1 kHz, 8 ms at 8 kHz); with
/// calls of whole 10 ms multiples, only the filter's part (see `gemini_live_audio_latency`).
/// A call with a different format than the previous call starts a new converter: what the old
/// one still held (under 10 ms plus the filter tail) is dropped.
///
/// `len` must be a non-zero multiple of the frame size (bytes per sample times channels).
///
/// Size: the converted PCM of one call must fit one message, as in
/// `gemini_live_session_send_audio` (`GEMINI_LIVE_MAX_AUDIO_BYTES` of 16 kHz PCM by default:
/// over 6 minutes); a larger call returns `GEMINI_LIVE_RESULT_TOO_LARGE` before anything is
/// converted or queued, and the converter's state is unchanged.
///
/// Ownership: `data` and `format` are read before the call returns; the caller keeps them.
///
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any. Calls of this function on one session are serialised by a lock held while
/// converting, pacing and queueing, so concurrent calls are queued in the order they take the
/// lock; streams meant to be separate must not share a session this way (their samples would
/// be interleaved and, with different formats, reset the converter each time). It does not
/// block `gemini_live_session_send_audio` or other send functions. Do not call it from the
/// session's callback with pacing on.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (bad format, empty or partial frame),
/// `TOO_LARGE`, `QUEUE_FULL`, `CLOSED`. On an error nothing is queued; after `QUEUE_FULL` or
/// `CLOSED` the converted audio of that call is lost (the converter has consumed it).
#[no_mangle]
pub extern "C" fn gemini_live_session_send_audio_ex(
    session: *mut gemini_live_session,
    data: *const u8,
    len: usize,
    format: *const gemini_live_audio_format,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        if data.is_null() {
            return Err(Error::null("data"));
        }
        let format = parse_format(unsafe { try_ref(format, "format")? })?;
        let mut slot = s.audio_in.lock().unwrap_or_else(|e| e.into_inner());
        // A new format gets a new converter, installed only once the call is accepted.
        let mut fresh = None;
        let conv = match slot.as_mut() {
            Some(c) if c.format() == format => c,
            _ => fresh.insert(InputConverter::new(format).map_err(Error::invalid)?),
        };
        conv.check_len(len).map_err(Error::invalid)?;
        let limit = s.handle.max_message_bytes();
        let most = conv.max_output_bytes(len);
        if crate::session::encoded_audio_len(most, WIRE_INPUT_RATE) > limit {
            return Err(Error::too_large(format!(
                "`len` {len} bytes of this format convert to up to {most} bytes of 16 kHz PCM, \
                 whose message would exceed the limit of {limit} bytes: send at most {} bytes \
                 of 16 kHz PCM's worth per call; nothing was queued",
                max_pcm_bytes(limit)
            )));
        }
        let data = unsafe { try_bytes(data, len, "data", usize::MAX)? };
        if s.is_closed() {
            return Err(Error::closed());
        }
        let mut pcm = Vec::with_capacity(most);
        conv.convert(data, &mut pcm);
        if let Some(new) = fresh {
            *slot = Some(new);
        }
        if pcm.is_empty() {
            return Ok(());
        }
        let message = protocol::encode_realtime(&RealtimeInput::Audio { pcm: &pcm, sample_rate: WIRE_INPUT_RATE });
        let wait = s.handle.reserve_audio(pcm.len());
        s.handle.wait_paced_blocking(wait).map_err(|_| Error::closed())?;
        s.send(message)
    }
}

/// The latency `gemini_live_session_send_audio_ex` adds for audio of `format`, in
/// microseconds: `*out_filter_us` the resampling filter's share (half its length: 0 when no
/// resampling is needed), `*out_max_buffered_us` the most input held until a 10 ms chunk is
/// complete (0 when every call sends whole 10 ms multiples, or without resampling). The output
/// is time-aligned with the input, so the audio of a call reaches the wire at most
/// `filter + max_buffered` after it was given.
///
/// Out-params are written only on success. Threads: any. Errors: `NULL_ARGUMENT`,
/// `INVALID_ARGUMENT` (bad format).
#[no_mangle]
pub extern "C" fn gemini_live_audio_latency(
    format: *const gemini_live_audio_format,
    out_filter_us: *mut u32,
    out_max_buffered_us: *mut u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let format = parse_format(unsafe { try_ref(format, "format")? })?;
        check_out(out_filter_us, "out_filter_us")?;
        check_out(out_max_buffered_us, "out_max_buffered_us")?;
        let latency = InputConverter::new(format).map_err(Error::invalid)?.latency();
        unsafe {
            write_out(out_filter_us, latency.filter_us);
            write_out(out_max_buffered_us, latency.max_buffered_us);
        }
        Ok(())
    }
}

/// Sets the format in which sessions of this config deliver reply audio (`AUDIO` events), or
/// with NULL restores the default, the service's own 24 kHz PCM16 mono. The session converts
/// each `AUDIO` event on the thread delivering events (the callback thread, or the caller of
/// `gemini_live_session_next_event`) with a streaming converter that keeps its state across
/// events (the same resampler as `gemini_live_session_send_audio_ex`, from 24 kHz). The event's
/// `sample_rate` is then the format's rate and `data`/`data_len` hold its bytes (interleaved
/// when stereo, the same signal on both channels); an event's data can be shorter than its
/// 24 kHz original by what the filter holds back (up to 10 ms plus 64 input samples), and
/// empty for a tiny chunk. The converter restarts on `INTERRUPTED`. A playout buffer bound with
/// `gemini_live_session_set_playout` is fed separately, at its own rate.
///
/// Threads: not concurrently with other calls on the same config; sessions already created keep
/// the format they were created with. Errors: `NULL_ARGUMENT` (config), `INVALID_ARGUMENT` (bad
/// format).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_output_audio_format(
    config: *mut gemini_live_config,
    format: *const gemini_live_audio_format,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let parsed = if format.is_null() {
            None
        } else {
            Some(parse_format(unsafe { &*format })?)
        };
        c.output_audio = parsed;
        Ok(())
    }
}
