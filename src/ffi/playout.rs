//! `gemini_live_playout`: a playout buffer for reply audio with barge-in (see
//! `crate::audio::playout`), optionally bound to a session.

use super::error::{gemini_live_result, Error};
use super::ptr::{check_out, try_ref, write_out};
use super::session::{gemini_live_session, session_ref};
use crate::audio::playout::Playout;
use crate::audio::reply_feed::ReplyFeed;
use std::sync::Arc;

/// A playout buffer (opaque): the application, or a session it is bound to, pushes PCM16 mono
/// reply audio in; the audio device's thread pulls frames of any size out. Created by
/// `gemini_live_playout_new`, freed by `gemini_live_playout_free` (a session it is bound to
/// keeps its own reference, so the order of the two frees does not matter).
///
/// Threads: one producer (the thread calling `push`, `end_turn` and `flush`; for a bound
/// buffer, the session's event delivery: its callback thread or the caller of
/// `gemini_live_session_next_event` — then do not push yourself) and one consumer (the thread
/// calling `pull`), concurrently. `pull` takes no lock, allocates nothing and never blocks. The
/// getters may be called from any thread.
pub struct gemini_live_playout {
    _private: [u8; 0],
}

unsafe fn playout_ref<'a>(p: *const gemini_live_playout) -> Result<&'a Arc<Playout>, Error> {
    try_ref(p.cast::<Arc<Playout>>(), "playout")
}

/// Creates a playout buffer for `sample_rate` Hz (8000..=48000; 24000 for the service's reply
/// audio) holding up to `capacity_ms` (10..=600000) of audio; pushes beyond that are cut.
///
/// Out-param written only on success. Threads: any. Errors: `NULL_ARGUMENT`,
/// `INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_playout_new(
    sample_rate: u32,
    capacity_ms: u32,
    out: *mut *mut gemini_live_playout,
) -> gemini_live_result {
    crate::ffi_result! {
        check_out(out, "out")?;
        let p = Playout::new(sample_rate, capacity_ms).map_err(Error::invalid)?;
        unsafe { write_out(out, Box::into_raw(Box::new(Arc::new(p))).cast()) };
        Ok(())
    }
}

/// Frees the application's reference. NULL is a no-op. No `push`/`pull` may be running or start
/// on it afterwards. Threads: any; not twice.
#[no_mangle]
pub extern "C" fn gemini_live_playout_free(playout: *mut gemini_live_playout) {
    crate::ffi_panic_boundary! {
        if !playout.is_null() {
            // SAFETY: a pointer from `gemini_live_playout_new`, freed once (documented).
            drop(unsafe { Box::from_raw(playout.cast::<Arc<Playout>>()) });
        }
    }
}

/// Producer: appends `count` PCM16 samples (host order) and writes how many fit to
/// `*out_accepted` (the rest, past the capacity, is dropped). The first push after a turn ended
/// opens a new turn.
///
/// Threads: the producer. Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_playout_push(
    playout: *mut gemini_live_playout,
    samples: *const i16,
    count: usize,
    out_accepted: *mut usize,
) -> gemini_live_result {
    crate::ffi_result! {
        let p = unsafe { playout_ref(playout)? };
        check_out(out_accepted, "out_accepted")?;
        if samples.is_null() && count > 0 {
            return Err(Error::null("samples"));
        }
        let slice = if count == 0 { &[][..] } else { unsafe { std::slice::from_raw_parts(samples, count) } };
        let n = p.push(slice);
        unsafe { write_out(out_accepted, n) };
        Ok(())
    }
}

/// Consumer (the audio device's thread): fills `out` with the next `count` samples, silence
/// where the buffer runs dry, and returns how many were audio. No lock, no allocation, never
/// blocks, never sets the last error: a NULL `playout` or `out` returns 0 (and writes nothing).
#[no_mangle]
pub extern "C" fn gemini_live_playout_pull(
    playout: *mut gemini_live_playout,
    out: *mut i16,
    count: usize,
) -> usize {
    crate::ffi_panic_boundary! {
        if playout.is_null() || out.is_null() || count == 0 {
            return 0;
        }
        // SAFETY: non-NULL pointers to a live playout and to `count` writable samples.
        let p = unsafe { &*playout.cast::<Arc<Playout>>() };
        p.pull(unsafe { std::slice::from_raw_parts_mut(out, count) })
    }
}

/// Producer: the current turn is complete; the next push opens a new one. A bound session does
/// this on `TURN_COMPLETE`. Threads: the producer. Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_playout_end_turn(playout: *mut gemini_live_playout) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { playout_ref(playout)? }.end_turn();
        Ok(())
    }
}

/// Producer: barge-in. Everything pushed and not yet played is dropped (the consumer's next pull
/// starts after it) and the current turn ends. A bound session does this on `INTERRUPTED`,
/// before the application sees the event. Threads: the producer. Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_playout_flush(playout: *mut gemini_live_playout) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { playout_ref(playout)? }.flush();
        Ok(())
    }
}

/// The id of the latest turn (1, 2, ...; 0 before the first push). NULL gives 0.
/// Threads: any.
#[no_mangle]
pub extern "C" fn gemini_live_playout_current_turn(playout: *const gemini_live_playout) -> u64 {
    crate::ffi_panic_boundary! {
        if playout.is_null() {
            return 0;
        }
        unsafe { &*playout.cast::<Arc<Playout>>() }.current_turn()
    }
}

/// Milliseconds of audio waiting to be pulled. NULL gives 0. Threads: any.
#[no_mangle]
pub extern "C" fn gemini_live_playout_buffered_ms(playout: *const gemini_live_playout) -> u64 {
    crate::ffi_panic_boundary! {
        if playout.is_null() {
            return 0;
        }
        unsafe { &*playout.cast::<Arc<Playout>>() }.buffered_ms()
    }
}

/// How much of turn `turn` was actually played: `*out_played_ms`, and `*out_finished` true once
/// the turn is over (completed or flushed) and none of it is left to play — then the figure is
/// final: the whole turn if it played out, the part heard before the barge-in if it was
/// interrupted. Only the last 16 turns are kept.
///
/// Out-params written only on success. Threads: any. Errors: `NULL_ARGUMENT`,
/// `INVALID_ARGUMENT` (unknown or forgotten turn).
#[no_mangle]
pub extern "C" fn gemini_live_playout_turn_played_ms(
    playout: *const gemini_live_playout,
    turn: u64,
    out_played_ms: *mut u64,
    out_finished: *mut bool,
) -> gemini_live_result {
    crate::ffi_result! {
        let p = unsafe { playout_ref(playout)? };
        check_out(out_played_ms, "out_played_ms")?;
        check_out(out_finished, "out_finished")?;
        let (ms, done) = p
            .turn_played_ms(turn)
            .ok_or_else(|| Error::invalid(format!("turn {turn} is unknown or no longer kept")))?;
        unsafe {
            write_out(out_played_ms, ms);
            write_out(out_finished, done);
        }
        Ok(())
    }
}

/// Binds `playout` to the session (NULL unbinds): from the next event on, the session pushes
/// the reply audio of every `AUDIO` event into it, resampled from the service's 24 kHz to the
/// buffer's rate (any rate a buffer takes, 8000..=48000: an 8 kHz buffer for a phone line), flushes
/// it on `INTERRUPTED` (restarting the resampler, so nothing of the interrupted reply follows)
/// and ends the turn on `TURN_COMPLETE`, on the thread delivering events, before the
/// application sees the event. This is independent of `gemini_live_config_set_output_audio_format`:
/// the buffer always holds PCM16 mono at its own rate. The session keeps its own reference until
/// unbound or freed.
///
/// Threads: any. Errors: `NULL_ARGUMENT` (session).
#[no_mangle]
pub extern "C" fn gemini_live_session_set_playout(
    session: *mut gemini_live_session,
    playout: *mut gemini_live_playout,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        let bound = if playout.is_null() {
            None
        } else {
            let p = unsafe { playout_ref(playout)? };
            Some(ReplyFeed::new(p.clone()).map_err(Error::invalid)?)
        };
        *s.delivery.playout.lock().unwrap_or_else(|e| e.into_inner()) = bound;
        Ok(())
    }
}
