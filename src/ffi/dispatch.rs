//! Event delivery to C: one dispatcher per callback-mode session, on the callback pool.
//!
//! The session's connection loop pushes events into a bounded channel and waits when it is
//! full (so a slow callback slows only its own session). The dispatcher, a long-lived blocking
//! task on a `gemini-live-cb` thread, pops them and calls the callback one at a time, in order.
//!
//! Teardown (docs/c-api.md, "Teardown"): `gemini_live_session_free` sets `stop`, wakes the dispatcher and
//! waits for `done`; the dispatcher checks `stop` before every callback, so no callback starts
//! after `free` returns. `free` then ends the session (bounded close handshake, then abort) and
//! runs the finalizer. A `free` from inside the session's own callback cannot wait for itself:
//! it hands the session's teardown to the dispatcher and returns; the dispatcher stops after
//! that callback returns, runs the teardown, then the finalizer.

use super::event::{gemini_live_event, OwnedEvent};
use super::runtime::{self, CallbackScope};
use crate::session::{ErrorCode, FramedEvent, SessionEvent};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use tokio::sync::{mpsc, Notify};

/// The application's event callback (see `gemini_live_event_callback`).
pub(crate) type EventFn = unsafe extern "C" fn(userdata: *mut c_void, event: *const gemini_live_event);
/// The application's userdata finalizer.
pub(crate) type FinalizerFn = unsafe extern "C" fn(userdata: *mut c_void);
/// What a deferred `free` leaves for the dispatcher to finish (the session's shutdown).
pub(crate) type Teardown = Box<dyn FnOnce() + Send>;

#[derive(Clone, Copy)]
pub(crate) struct UserData(pub *mut c_void);
// SAFETY: the pointer is only passed back to the application's callback and finalizer, which
// the header documents as running on library threads.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

/// How one session's events reach the application, shared by its dispatcher and the session
/// object: the callback and userdata, the teardown hand-off, the bound playout buffer and the
/// output-format converter.
pub(crate) struct Delivery {
    callback: Option<EventFn>,
    userdata: UserData,
    finalizer: Mutex<Option<FinalizerFn>>,
    stop: AtomicBool,
    deferred_free: AtomicBool,
    teardown: Mutex<Option<Teardown>>,
    wake: Notify,
    done: Mutex<bool>,
    done_cv: Condvar,
    /// The playout buffer bound with `gemini_live_session_set_playout`, fed from the event
    /// stream before the application sees each event.
    pub playout: Mutex<Option<crate::audio::reply_feed::ReplyFeed>>,
    /// Converts AUDIO events to the format set with `gemini_live_config_set_output_audio_format`.
    pub output: Mutex<Option<crate::audio::converter::OutputConverter>>,
    /// The last server frame delivered and its sequence number (`frame_seq`). Holding the
    /// frame keeps its buffer from being reused, so "same buffer" means "same frame".
    frames: Mutex<(Option<bytes::Bytes>, u64)>,
}

impl Delivery {
    pub fn new(callback: Option<EventFn>, userdata: *mut c_void, finalizer: Option<FinalizerFn>) -> Self {
        Delivery {
            callback,
            userdata: UserData(userdata),
            finalizer: Mutex::new(finalizer),
            stop: AtomicBool::new(false),
            deferred_free: AtomicBool::new(false),
            teardown: Mutex::new(None),
            wake: Notify::new(),
            done: Mutex::new(callback.is_none()),
            done_cv: Condvar::new(),
            playout: Mutex::new(None),
            output: Mutex::new(None),
            frames: Mutex::new((None, 0)),
        }
    }

    /// The sequence number of `frame` in this session: the previous one's if it is the same
    /// frame (an event of the same server message), else the next. 0 for no frame.
    pub fn frame_seq(&self, frame: Option<&bytes::Bytes>) -> u64 {
        let Some(frame) = frame else { return 0 };
        let mut last = self.frames.lock().unwrap_or_else(|e| e.into_inner());
        let same = last
            .0
            .as_ref()
            .is_some_and(|l| l.as_ptr() == frame.as_ptr() && l.len() == frame.len());
        if !same {
            last.1 += 1;
            last.0 = Some(frame.clone());
        }
        last.1
    }

    /// Converts an AUDIO event's PCM to the application's output format, if one is set. On
    /// `INTERRUPTED` the converter restarts: no filter tail of the interrupted reply is
    /// delivered with the next one.
    pub fn convert_output(&self, event: SessionEvent) -> SessionEvent {
        let SessionEvent::Audio { data, mime_type } = event else {
            if matches!(event, SessionEvent::Interrupted) {
                if let Some(conv) = self.output.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
                    conv.reset();
                }
            }
            return event;
        };
        let mut guard = self.output.lock().unwrap_or_else(|e| e.into_inner());
        let Some(conv) = guard.as_mut() else {
            return SessionEvent::Audio { data, mime_type };
        };
        if super::event::sample_rate(&mime_type) != crate::audio::WIRE_OUTPUT_RATE {
            // The converter takes the service's 24 kHz; other audio is delivered as it came.
            return SessionEvent::Audio { data, mime_type };
        }
        let mut out = Vec::new();
        conv.convert(&data, &mut out);
        SessionEvent::Audio {
            data: bytes::Bytes::from(out),
            mime_type: format!("audio/pcm;rate={}", conv.format().sample_rate),
        }
    }

    /// Feeds a bound playout buffer: model audio is pushed, `INTERRUPTED` flushes it (barge-in)
    /// and `TURN_COMPLETE` ends the turn. Runs on the thread that delivers the event (the
    /// callback thread, or the caller of `next_event`), before the application sees it.
    pub fn observe(&self, event: &SessionEvent) {
        let mut guard = self.playout.lock().unwrap_or_else(|e| e.into_inner());
        let Some(feed) = guard.as_mut() else { return };
        match event {
            SessionEvent::Audio { data, mime_type } => {
                feed.push_reply(data, super::event::sample_rate(mime_type));
            }
            SessionEvent::Interrupted => feed.interrupt(),
            SessionEvent::TurnComplete { .. } => feed.end_turn(),
            _ => {}
        }
    }

    /// Runs the userdata finalizer if it has not run yet.
    pub fn finalize(&self) {
        let f = self.finalizer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(f) = f {
            // SAFETY: the application's finalizer, called exactly once with its own userdata.
            unsafe { f(self.userdata.0) };
        }
    }

    /// Asks the dispatcher to stop before its next callback.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// Marks the teardown as the dispatcher's job (free from inside the callback): after the
    /// current callback returns it runs `teardown`, then the finalizer.
    pub fn defer_free(&self, teardown: Teardown) {
        *self.teardown.lock().unwrap_or_else(|e| e.into_inner()) = Some(teardown);
        self.deferred_free.store(true, Ordering::SeqCst);
        self.request_stop();
    }

    /// Waits until the dispatcher has made its last callback.
    pub fn wait_done(&self) {
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        while !*done {
            done = self.done_cv.wait(done).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn mark_done(&self) {
        *self.done.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.done_cv.notify_all();
    }
}

/// Starts the dispatcher of the session at address `session` (its identity for the
/// in-callback check).
pub(crate) fn start(delivery: std::sync::Arc<Delivery>, session: usize, rx: mpsc::Receiver<FramedEvent>) {
    runtime::callbacks().spawn_blocking(move || run(delivery, session, rx));
}

fn run(delivery: std::sync::Arc<Delivery>, session: usize, mut rx: mpsc::Receiver<FramedEvent>) {
    let Some(callback) = delivery.callback else {
        delivery.mark_done();
        return;
    };
    loop {
        if delivery.stop.load(Ordering::SeqCst) {
            break;
        }
        // Wait for an event or a stop request (a permit stored by `notify_one` is not lost).
        let next = runtime::callbacks().block_on(async {
            tokio::select! {
                biased;
                _ = delivery.wake.notified() => None,
                event = rx.recv() => event,
            }
        });
        let Some(FramedEvent { event, frame }) = next else {
            break;
        };
        if delivery.stop.load(Ordering::SeqCst) {
            break;
        }
        let last = event.is_closed();
        delivery.observe(&event);
        let event = delivery.convert_output(event);
        // One bad event must not kill the dispatcher: building the view is panic-guarded.
        let seq = delivery.frame_seq(frame.as_ref());
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut owned = OwnedEvent::new(event, frame);
            owned.view.frame_seq = seq;
            owned
        }))
        .or_else(|_| {
            // Never a silent loss: say that an event was dropped.
            std::panic::catch_unwind(|| {
                OwnedEvent::new(
                    SessionEvent::Error {
                        code: ErrorCode::Internal,
                        message: "internal error: an event could not be converted for C and was dropped"
                            .into(),
                        fatal: false,
                    },
                    None,
                )
            })
        });
        if let Ok(owned) = built {
            let _scope = CallbackScope::enter(session);
            // SAFETY: the application's callback with its userdata; the event view and its
            // storage live until the call returns. A callback must not unwind (documented);
            // if it does, the process aborts at the `extern "C"` boundary.
            unsafe { callback(delivery.userdata.0, &owned.view) };
        }
        if last {
            break;
        }
    }
    drop(rx);
    delivery.mark_done();
    if delivery.deferred_free.load(Ordering::SeqCst) {
        let teardown = delivery.teardown.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(teardown) = teardown {
            // A panic here must not skip the finalizer.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(teardown));
        }
        delivery.finalize();
    }
}
