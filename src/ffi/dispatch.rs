//! Event delivery to C, in one of two modes chosen per config
//! (`gemini_live_config_set_delivery`):
//!
//! - **Pool** (default): the session's connection loop pushes events into a bounded queue and
//!   waits when it is full (so a slow callback slows only its own session). A delivery future
//!   on the callback pool (`callback_pool`) pops them and calls the callback one at a time, in
//!   order: threads grow with the cores, not with the sessions.
//! - **Inline**: the connection loop calls the callback itself, on the network thread that
//!   decoded the frame, with no queue and no hand-off; the application promises short
//!   callbacks.
//!
//! Teardown (docs/c-api.md, "Teardown"): `gemini_live_session_free` sets `stop`, wakes the
//! delivery and waits for `done` (pool) or for a callback in progress to return (inline: the
//! `gate`); `stop` is checked before every callback, so no callback starts after `free`
//! returns. `free` then ends the session (bounded close handshake, then abort) and runs the
//! finalizer. A `free` from inside a callback cannot wait for itself: it hands the teardown to
//! the delivery (pool: after that callback returns; inline: to a library thread) and returns.

use super::callback_pool;
use super::event::{gemini_live_event, OwnedEvent};
use super::runtime::{self, CallbackScope};
use crate::session::{ErrorCode, EventReceiver, FramedEvent, InlineConsumer, SessionEvent, TryRecvError};
use std::ffi::c_void;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use tokio::sync::Notify;

/// Events a pool delivery hands to the callback before it lets other sessions have its
/// thread.
const BATCH: usize = 32;

/// How a session's events reach the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `gemini_live_session_next_event` (no callback).
    Pull,
    /// The callback, on the callback pool.
    Pool,
    /// The callback, on the network thread.
    Inline,
}

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
    mode: Mode,
    callback: Option<EventFn>,
    userdata: UserData,
    finalizer: Mutex<Option<FinalizerFn>>,
    stop: AtomicBool,
    deferred_free: AtomicBool,
    teardown: Mutex<Option<Teardown>>,
    wake: Notify,
    done: Mutex<bool>,
    done_cv: Condvar,
    /// The pool task of a pool delivery, so that `free` can stop it without a pool thread.
    task: Mutex<Option<callback_pool::TaskHandle>>,
    /// Held while an inline callback runs (`free` takes it to wait for one in progress). Until
    /// `gemini_live_session_new` has succeeded it holds the inline events instead of delivering
    /// them: a session that fails to connect never calls its callback.
    gate: Mutex<Option<Vec<FramedEvent>>>,
    /// The playout buffer bound with `gemini_live_session_set_playout`, fed from the event
    /// stream before the application sees each event.
    pub playout: Mutex<Option<crate::audio::reply_feed::ReplyFeed>>,
    /// Converts AUDIO events to the format set with `gemini_live_config_set_output_audio_format`.
    pub output: Mutex<Option<crate::audio::converter::OutputConverter>>,
}

impl Delivery {
    /// `callback` None selects pull mode whatever `inline` says.
    pub fn new(
        callback: Option<EventFn>,
        inline: bool,
        userdata: *mut c_void,
        finalizer: Option<FinalizerFn>,
    ) -> Self {
        let mode = match (callback, inline) {
            (None, _) => Mode::Pull,
            (Some(_), false) => Mode::Pool,
            (Some(_), true) => Mode::Inline,
        };
        Delivery {
            mode,
            callback,
            userdata: UserData(userdata),
            finalizer: Mutex::new(finalizer),
            stop: AtomicBool::new(false),
            deferred_free: AtomicBool::new(false),
            teardown: Mutex::new(None),
            wake: Notify::new(),
            // Only a pool delivery has a task to finish.
            done: Mutex::new(mode != Mode::Pool),
            done_cv: Condvar::new(),
            task: Mutex::new(None),
            gate: Mutex::new((mode == Mode::Inline).then(Vec::new)),
            playout: Mutex::new(None),
            output: Mutex::new(None),
        }
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
        // The incoming MIME string ("audio/pcm;rate=24000") is long enough to hold the new
        // one: rewritten in place, no allocation per event.
        let mut mime_type = mime_type;
        mime_type.clear();
        let _ = write!(mime_type, "audio/pcm;rate={}", conv.format().sample_rate);
        SessionEvent::Audio {
            data: bytes::Bytes::from(out),
            mime_type,
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

    /// Prepares one event for C, on the thread that hands it over (callback or puller): feeds
    /// the playout buffer, converts the audio, builds the C view with the frame's number. A
    /// panic while building the view never loses the event silently: an `ERROR` saying so is
    /// handed over instead (`None` only if even that fails).
    pub fn prepare(&self, framed: FramedEvent) -> Option<Box<OwnedEvent>> {
        let FramedEvent {
            event,
            frame,
            frame_seq,
        } = framed;
        self.observe(&event);
        let event = self.convert_output(event);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut owned = OwnedEvent::new(event, frame);
            owned.view.frame_seq = frame_seq;
            owned
        }))
        .or_else(|_| {
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
        })
        .ok()
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The identity of this delivery for the in-callback check (`runtime::in_callback_of`).
    pub fn id(self: &Arc<Self>) -> usize {
        Arc::as_ptr(self) as usize
    }

    /// `free` from inside a callback: no callback starts after this one; `teardown` and then
    /// the finalizer run once it has returned (pool: on its thread, right after it; inline: on
    /// a library thread, once the session's loop, which is running this callback, has ended).
    pub fn defer_free(self: &Arc<Self>, teardown: Teardown) {
        if self.mode == Mode::Inline {
            self.request_stop();
            let delivery = self.clone();
            runtime::callbacks().spawn_blocking(move || {
                // A panic here must not skip the finalizer.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(teardown));
                delivery.finalize();
            });
            return;
        }
        *self.teardown.lock().unwrap_or_else(|e| e.into_inner()) = Some(teardown);
        self.deferred_free.store(true, Ordering::SeqCst);
        self.request_stop();
    }

    /// Waits until the last callback has returned (call after `request_stop`).
    pub fn wait_done(&self) {
        // A pool task that is not running a callback right now is dropped here (marking it
        // done); one that is returns to `stop` after its callback.
        if let Some(task) = self.task.lock().unwrap_or_else(|e| e.into_inner()).take() {
            task.cancel();
        }
        // An inline callback in progress holds the gate; later ones see `stop` first.
        drop(self.gate.lock().unwrap_or_else(|e| e.into_inner()));
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

/// Calls the callback with one event prepared for C (`Delivery::prepare`).
fn deliver(delivery: &Arc<Delivery>, callback: EventFn, framed: FramedEvent) {
    if let Some(owned) = delivery.prepare(framed) {
        let _scope = CallbackScope::enter(delivery.id(), delivery.mode == Mode::Inline);
        // SAFETY: the application's callback with its userdata; the event view and its storage
        // live until the call returns. A callback must not unwind (documented); if it does, the
        // process aborts at the `extern "C"` boundary.
        unsafe { callback(delivery.userdata.0, &owned.view) };
    }
}

/// Starts delivering a pool-mode session's events from `rx`.
pub(crate) fn start_pool(delivery: Arc<Delivery>, rx: EventReceiver<FramedEvent>) {
    // The guard is an argument, not a local of the body: a future cancelled before its first
    // poll drops its arguments too, so `done` is marked in every case.
    let done = DoneOnDrop(delivery.clone());
    let task = callback_pool::spawn(run_pool(delivery.clone(), rx, done));
    *delivery.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
}

/// Marks the delivery done when dropped, however its future ends (finished, or dropped by the
/// pool after a panic), so `free` never waits forever.
struct DoneOnDrop(Arc<Delivery>);

impl Drop for DoneOnDrop {
    fn drop(&mut self) {
        self.0.mark_done();
    }
}

async fn run_pool(delivery: Arc<Delivery>, mut rx: EventReceiver<FramedEvent>, done: DoneOnDrop) {
    let Some(callback) = delivery.callback else { return };
    let mut since_yield = 0;
    loop {
        if delivery.stop.load(Ordering::SeqCst) {
            break;
        }
        // Fast path: a queued event needs no waiting machinery.
        let next = match rx.try_recv() {
            Ok(event) => Some(event),
            Err(TryRecvError::Disconnected) => None,
            Err(TryRecvError::Empty) => {
                since_yield = 0;
                // Wait for an event or a stop request (a permit stored by `notify_one` is not
                // lost).
                tokio::select! {
                    biased;
                    _ = delivery.wake.notified() => None,
                    event = rx.recv() => event,
                }
            }
        };
        let Some(event) = next else { break };
        if delivery.stop.load(Ordering::SeqCst) {
            break;
        }
        let last = event.event.is_closed();
        deliver(&delivery, callback, event);
        if last {
            break;
        }
        since_yield += 1;
        if since_yield == BATCH {
            since_yield = 0;
            callback_pool::yield_now().await;
        }
    }
    drop(rx);
    drop(done);
    if delivery.deferred_free.load(Ordering::SeqCst) {
        let teardown = delivery.teardown.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(teardown) = teardown {
            // A panic here must not skip the finalizer.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(teardown));
        }
        delivery.finalize();
    }
}

/// The consumer of an inline-mode session: calls the callback on the network thread, under
/// the gate, unless the session is being freed (or holds it until the session is created).
pub(crate) fn inline_consumer(delivery: Arc<Delivery>) -> InlineConsumer {
    Arc::new(move |event: FramedEvent| {
        let Some(callback) = delivery.callback else { return };
        let mut gate = delivery.gate.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(held) = gate.as_mut() {
            held.push(event);
            return;
        }
        if delivery.stop.load(Ordering::SeqCst) {
            return;
        }
        deliver(&delivery, callback, event);
    })
}

/// Inline mode, once the session exists: delivers the events held during the connection on
/// this thread, in order, then lets the network thread deliver the next ones itself.
pub(crate) fn release_inline(delivery: &Arc<Delivery>) {
    let Some(callback) = delivery.callback else { return };
    let mut gate = delivery.gate.lock().unwrap_or_else(|e| e.into_inner());
    for event in gate.take().unwrap_or_default() {
        if delivery.stop.load(Ordering::SeqCst) {
            break;
        }
        deliver(delivery, callback, event);
    }
}
