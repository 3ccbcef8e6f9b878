//! `gemini_live_session`: a connected Live session, its send functions, events and teardown.

use super::config::{config_ref, gemini_live_config, tools_array};
use super::dispatch::{self, Delivery, EventFn, FinalizerFn};
use super::enums::gemini_live_phase;
use super::error::{gemini_live_result, Error};
use super::event::gemini_live_event;
use super::ptr::{check_out, try_bytes, try_json, try_opt_str, try_ref, try_str, write_out};
use super::runtime;
use crate::protocol::{self, EncodedMessage, FunctionResponse, MessageKind, RealtimeInput, Scheduling};
use crate::session::{max_pcm_bytes, EventReceiver, FramedEvent, SessionError, SessionHandle, TryRecvError};
use serde_json::{json, Value};
use std::ffi::{c_char, c_void, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

/// A Live session (opaque): connected by `gemini_live_session_new`, freed by
/// `gemini_live_session_free`. Send functions and getters may be called from any thread,
/// concurrently, including from inside the session's own event callback.
pub struct gemini_live_session {
    _private: [u8; 0],
}

/// The event callback: `userdata` as registered, and one event, borrowed until the callback
/// returns.
///
/// Threads: by default on the library's callback pool (threads `gemini-live-cb`, about one per
/// core, shared by all sessions), never on a network thread; with
/// `gemini_live_config_set_delivery(INLINE)` on the network thread that decoded the frame (see
/// there for what an inline callback may do). Events of one session arrive in order, one at a
/// time (never concurrently); events of different sessions may arrive concurrently on
/// different threads. A slow pool callback delays only its own session (up to 256 of its
/// events queue, then its network reading waits) and holds one pool thread; other sessions go
/// on (the pool adds up to four threads, after 20 ms, while callbacks block).
///
/// Re-entrancy: the callback may call every send function, `gemini_live_session_close`, and
/// `gemini_live_session_free` on its own session (the teardown then completes right after the
/// callback returns), and may free other sessions; a pool callback may also create sessions
/// (an inline one gets `INVALID_ARGUMENT`: creating blocks). It must not call
/// `gemini_live_session_next_event`. It must not unwind (C++ exceptions) or longjmp out.
pub type gemini_live_event_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const gemini_live_event)>;

/// The userdata finalizer, run exactly once after the last callback: on the thread calling
/// `gemini_live_session_free`, or on the callback thread right after the callback returns when
/// the callback itself freed the session.
pub type gemini_live_userdata_free = Option<unsafe extern "C" fn(userdata: *mut c_void)>;

/// `timeout_ms` value of `gemini_live_session_next_event` that waits without limit.
pub const GEMINI_LIVE_TIMEOUT_INFINITE: u32 = u32::MAX;

/// The largest client message a session sends by default, in bytes of encoded JSON (one
/// WebSocket text frame): 16 MiB, the usual frame limit of WebSocket servers, which reset the
/// connection on anything larger. Every send function checks the encoded size of its message
/// and returns `GEMINI_LIVE_RESULT_TOO_LARGE` (nothing queued) above the limit. Media are
/// base64-encoded, so they grow by a third: see `GEMINI_LIVE_MAX_AUDIO_BYTES`. Lower the limit
/// per config with `gemini_live_config_set_max_message_bytes`.
pub const GEMINI_LIVE_MAX_MESSAGE_BYTES: usize = 16_777_216;

/// The most PCM bytes one `gemini_live_session_send_audio` call accepts under the default
/// message limit (over 6 minutes of 16 kHz audio; send 20-100 ms chunks in practice). With a
/// limit of `L` bytes set by `gemini_live_config_set_max_message_bytes` it is
/// `(L - 73) / 4 * 3`, rounded down to an even number.
pub const GEMINI_LIVE_MAX_AUDIO_BYTES: usize = 12_582_854;

/// How long `gemini_live_session_free` waits for the close handshake (the server's reply to
/// the 1000 close frame) before it stops the session without it: 1000 ms.
pub const GEMINI_LIVE_CLOSE_WAIT_MS: u32 = 1000;

const CLOSE_WAIT: Duration = Duration::from_millis(GEMINI_LIVE_CLOSE_WAIT_MS as u64);

/// Events queued between the network and the application per session. When it is full the
/// session stops reading from the network until the application catches up (nothing is lost).
const EVENT_QUEUE: usize = 256;

struct Pull {
    rx: Mutex<EventReceiver<FramedEvent>>,
    closed_delivered: AtomicBool,
    /// The readiness descriptor, created by the first `gemini_live_session_get_event_fd`;
    /// dropped (closed) with the session.
    #[cfg(unix)]
    fd: once_cell::sync::OnceCell<super::event_fd::EventFd>,
}

impl Pull {
    fn new(rx: EventReceiver<FramedEvent>) -> Pull {
        Pull {
            rx: Mutex::new(rx),
            closed_delivered: AtomicBool::new(false),
            #[cfg(unix)]
            fd: once_cell::sync::OnceCell::new(),
        }
    }

    /// The queue is empty: with a readiness descriptor, drains it and registers its waker
    /// (`poll_recv` checks the queue again after registering, so an event that arrives after
    /// this call always signals it); without one, checks the queue once more.
    fn arm(&self, rx: &mut EventReceiver<FramedEvent>) -> Poll<Option<FramedEvent>> {
        #[cfg(unix)]
        if let Some(fd) = self.fd.get() {
            fd.drain();
            return rx.poll_recv(&mut std::task::Context::from_waker(fd.waker()));
        }
        match rx.try_recv() {
            Ok(e) => Poll::Ready(Some(e)),
            Err(TryRecvError::Disconnected) => Poll::Ready(None),
            Err(TryRecvError::Empty) => Poll::Pending,
        }
    }

    /// The `CLOSED` event was handed out: from now on every call returns `CLOSED` at once, so
    /// the descriptor stays readable (it is never drained again).
    fn mark_closed(&self) {
        self.closed_delivered.store(true, Ordering::SeqCst);
        #[cfg(unix)]
        if let Some(fd) = self.fd.get() {
            fd.signal();
        }
    }
}

/// Counts the session's credential-callback calls in progress, so that `free` can wait for
/// them: the callback's userdata must stay valid only until the session is freed, and a
/// callback is a blocking call that aborting the session cannot interrupt.
#[derive(Default)]
struct CredentialCalls {
    /// (calls in progress, closed: no new call may start)
    state: Mutex<(usize, bool)>,
    idle: std::sync::Condvar,
}

impl CredentialCalls {
    /// Registers a call; `None` once the session is being freed.
    fn enter(self: &Arc<Self>) -> Option<CredentialCallGuard> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.1 {
            return None;
        }
        state.0 += 1;
        Some(CredentialCallGuard(self.clone()))
    }

    /// Refuses new calls and waits for those in progress to return.
    fn close_and_wait(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.1 = true;
        while state.0 > 0 {
            state = self.idle.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

struct CredentialCallGuard(Arc<CredentialCalls>);

impl Drop for CredentialCallGuard {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0 -= 1;
        if state.0 == 0 {
            self.0.idle.notify_all();
        }
    }
}

/// The Rust side of `gemini_live_session`.
pub(crate) struct Session {
    pub(super) handle: SessionHandle,
    /// Set by close and free: later sends fail with `CLOSED`.
    closed: AtomicBool,
    pub(super) delivery: Arc<Delivery>,
    pull: Option<Pull>,
    send_queue: usize,
    credential_calls: Arc<CredentialCalls>,
    /// The converter of `gemini_live_session_send_audio_ex`, created on its first call; its
    /// lock serialises those calls (conversion, pacing and queueing, in that order).
    pub(super) audio_in: Mutex<Option<crate::audio::converter::InputConverter>>,
}

impl Session {
    /// Closed by the application, or ended (the phase turns `Closed` before the `CLOSED`
    /// event is emitted, so a send after that event always fails, even while the connection
    /// loop is still winding down).
    pub(super) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst) || self.handle.phase().is_terminal()
    }

    pub(super) fn send(&self, message: EncodedMessage) -> Result<(), Error> {
        if self.is_closed() {
            return Err(Error::closed());
        }
        self.handle.try_send_message(message).map_err(|e| match e {
            SessionError::QueueFull => Error::new(
                gemini_live_result::QueueFull,
                format!(
                    "the outgoing queue is full ({} messages); nothing was queued, retry later",
                    self.send_queue
                ),
            ),
            SessionError::ChannelClosed => Error::closed(),
            other => Error::from(other),
        })
    }

    /// Requests a graceful close (1000) without waiting.
    fn request_close(&self) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Err(SessionError::QueueFull) = self.handle.try_disconnect() {
            let handle = self.handle.clone();
            runtime::io().spawn(async move {
                let _ = handle.disconnect().await;
            });
        }
    }
}

pub(super) unsafe fn session_ref<'a>(ptr: *const gemini_live_session) -> Result<&'a Session, Error> {
    try_ref(ptr.cast::<Session>(), "session")
}

/// Connects a session and waits until it is ready (`setupComplete`) or has failed.
///
/// - `config`: read and copied; the caller keeps it.
/// - `callback`: receives every event (see `gemini_live_event_callback`), starting with the
///   `PHASE_CHANGED` events of the connection and `CONNECTED`, possibly before this function
///   returns. NULL selects pull mode: fetch events with `gemini_live_session_next_event`.
/// - `userdata`: passed to `callback` as is.
/// - `userdata_free`: optional; called exactly once with `userdata` after the last callback
///   (see `gemini_live_userdata_free`).
/// - `out`: on success receives the session, owned by the caller, to be freed with
///   `gemini_live_session_free`.
///
/// On failure nothing was created: the callback and the finalizer are never called and the
/// caller keeps `userdata`.
///
/// Threads: any thread, including from inside another session's callback. It blocks the
/// calling thread for at most the connect plus setup timeouts (plus the credential callback).
///
/// Errors: `NULL_ARGUMENT` (config, out), `CONFIG` (no credentials, no model, a base URL the
/// insecure rule refuses), `CREDENTIAL` (the credential callback failed), `TLS`,
/// `CONNECT_FAILED` (DNS, TCP, TLS, HTTP upgrade), `TIMEOUT` (connect or setup deadline),
/// `SERVER_CLOSED` (the server refused the setup: bad key (1007), missing key (1008),
/// unknown model...; the last error message holds the code and the verbatim reason),
/// `PROTOCOL` (the server answered `setup` with something else), `TOO_LARGE` (the `setup`
/// message — system instruction, tools, merged JSON — encodes to more than the message limit;
/// nothing was sent), `INVALID_ARGUMENT` (a credential from the callback that cannot go in an
/// HTTP header).
#[no_mangle]
pub extern "C" fn gemini_live_session_new(
    config: *const gemini_live_config,
    callback: gemini_live_event_callback,
    userdata: *mut c_void,
    userdata_free: gemini_live_userdata_free,
    out: *mut *mut gemini_live_session,
) -> gemini_live_result {
    crate::ffi_result! {
        let config = unsafe { config_ref(config, "config")? };
        check_out(out, "out")?;
        let mut connect = config.connect_config()?;
        let send_queue = connect.send_queue;
        let credential_calls = Arc::new(CredentialCalls::default());
        if let Some(provider) = connect.endpoint.credential_provider.take() {
            let calls = credential_calls.clone();
            connect.endpoint.credential_provider = Some(Arc::new(move || {
                let Some(_call) = calls.enter() else {
                    return Err("the session is being freed".to_owned());
                };
                provider()
            }));
        }
        if runtime::in_inline_callback() {
            return Err(Error::invalid(
                "gemini_live_session_new blocks, and an inline callback runs on a network thread: \
                 create sessions from another thread",
            ));
        }
        connect.event_queue = EVENT_QUEUE;
        let callback: Option<EventFn> = callback;
        let finalizer: Option<FinalizerFn> = userdata_free;
        let delivery = Arc::new(Delivery::new(callback, config.inline_delivery, userdata, finalizer));
        if let Some(format) = config.output_audio {
            // Validated by the setter.
            *delivery.output.lock().unwrap_or_else(|e| e.into_inner()) =
                crate::audio::converter::OutputConverter::new(format).ok();
        }
        let inline = (delivery.mode() == dispatch::Mode::Inline).then(|| dispatch::inline_consumer(delivery.clone()));
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel(1);
        // `connect` must run inside the IO runtime; this thread only waits (never block_on).
        // The connect future (~15 KiB, short-lived) is boxed when the task first runs, on an
        // IO thread: made here, it would be freed into this thread's malloc arena as a hole
        // that the session's small long-lived allocations then split, ~16 KiB resident per
        // session created on this thread.
        runtime::io().spawn(async move {
            let result = match inline {
                Some(consumer) => Box::pin(crate::transport::connect_inline(connect, consumer))
                    .await
                    .map(|h| (h, None)),
                None => Box::pin(crate::transport::connect(connect))
                    .await
                    .map(|(h, events)| (h, Some(events))),
            };
            let _ = done_tx.send(result);
        });
        let (handle, events) = match done_rx.recv() {
            Ok(Ok(connected)) => connected,
            Ok(Err(e)) => return Err(Error::from(e)),
            Err(_) => return Err(Error::new(gemini_live_result::Internal, "the connect task failed")),
        };
        let rx = events.map(|e| e.into_receiver());
        let (pull, pool_rx) = match delivery.mode() {
            dispatch::Mode::Pull => (rx.map(Pull::new), None),
            dispatch::Mode::Pool => (None, rx),
            dispatch::Mode::Inline => (None, None),
        };
        let session = Box::new(Session {
            handle,
            closed: AtomicBool::new(false),
            delivery: delivery.clone(),
            pull,
            send_queue,
            credential_calls,
            audio_in: Mutex::new(None),
        });
        if let Some(rx) = pool_rx {
            dispatch::start_pool(delivery.clone(), rx);
        }
        dispatch::release_inline(&delivery);
        unsafe { write_out(out, Box::into_raw(session).cast()) };
        Ok(())
    }
}

/// Requests a graceful close (WebSocket close 1000) and returns at once. Queued messages are
/// still sent first; the `CLOSED` event follows within the close timeout
/// (`gemini_live_config_set_close_timeout_ms`, default 2 s): if the server does not take the
/// queue, the close frame and its reply in that time, the socket is dropped and `CLOSED` carries
/// 1006 and a reason naming the deadline. A move in progress (`goAway`) is abandoned. Later sends fail with
/// `GEMINI_LIVE_RESULT_CLOSED`, and a paced `gemini_live_session_send_audio` sleeping on
/// another thread returns `GEMINI_LIVE_RESULT_CLOSED` at once. Closing twice, or a session that
/// already ended, is fine. The session must still be freed with `gemini_live_session_free`
/// (which waits, bounded, for the handshake to finish).
///
/// Threads: any, including the session's callback. Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_session_close(session: *mut gemini_live_session) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { session_ref(session)? }.request_close();
        Ok(())
    }
}

/// Closes the session if needed and frees it. NULL is a no-op.
///
/// When it returns:
/// - no callback of this session is running or will run, and the userdata finalizer has run
///   (exactly once);
/// - the close handshake is done: the server received the 1000 close frame (queued messages
///   went first) and answered, or `GEMINI_LIVE_CLOSE_WAIT_MS` (1 s) passed; in that case the
///   session is stopped without it (e.g. a server that stopped reading sees the TCP connection
///   end);
/// - nothing of the session runs any more: no task, no timer, no socket, no credential
///   callback. So `close`, `free`, `exit()` is a complete, clean shutdown.
///
/// Bounded: it waits for an event callback or a credential callback in progress on another
/// thread to return (so do not call it while holding a lock those callbacks take, nor from the
/// credential callback), then at most `GEMINI_LIVE_CLOSE_WAIT_MS` plus a moment for the stop
/// to take effect.
///
/// Called from inside the session's own callback it returns at once: the callback must not
/// touch the session after that, no further callback runs, and right after the callback
/// returns the same teardown (bounded close handshake) completes on the callback thread, then
/// the finalizer runs there: wait for the finalizer before exiting the process.
///
/// Ownership: the session pointer is invalid afterwards. Pending pulled events stay valid until
/// freed with `gemini_live_event_free`. An event ring of the session stops pulling (waiting for
/// a pull in progress) and reports `done` with `CLOSED`; free it with
/// `gemini_live_event_ring_free` as usual. Threads: any; not twice, and not while another thread
/// is still inside a call on this session (a send, `gemini_live_session_next_event`, ...):
/// call `gemini_live_session_close` first (paced senders return `CLOSED` at once; a puller gets
/// the `CLOSED` event once the handshake ends), join those threads, then free.
#[no_mangle]
pub extern "C" fn gemini_live_session_free(session: *mut gemini_live_session) {
    crate::ffi_panic_boundary! {
        if session.is_null() {
            return;
        }
        // An event ring must stop pulling from the session before it goes.
        super::session_rings::session_freed(session as usize);
        // SAFETY: a pointer from `gemini_live_session_new`, freed once (documented).
        let session = unsafe { Box::from_raw(session.cast::<Session>()) };
        if runtime::in_inline_callback() && !runtime::in_callback_of(session.delivery.id()) {
            // An inline callback runs on a network thread, which must not wait for another
            // session's teardown: hand all of it to a library thread.
            runtime::callbacks().spawn_blocking(move || free_session(session));
            return;
        }
        free_session(session);
    }
}

/// `gemini_live_session_free` once the thread may wait (see there).
fn free_session(session: Box<Session>) {
    let in_callback = runtime::in_callback_of(session.delivery.id());
    session.closed.store(true, Ordering::SeqCst);
    session.handle.signal_closing();
    let Session {
        handle,
        delivery,
        pull,
        credential_calls,
        ..
    } = *session;
    // Pull mode: nobody reads the event queue any more; dropping it lets the loop emit
    // without waiting while it winds down. It also closes the readiness descriptor (a
    // wake in progress on a network thread keeps it open until its write is done).
    drop(pull);
    let teardown = move || {
        handle.shutdown_blocking(CLOSE_WAIT);
        // A credential callback already running (a reconnect) is not interrupted by the
        // abort: wait for it, so none runs after `free`.
        credential_calls.close_and_wait();
    };
    if in_callback {
        // The dispatcher stops after this callback returns, then runs this and the finalizer.
        delivery.defer_free(Box::new(teardown));
        return;
    }
    delivery.request_stop();
    delivery.wait_done();
    teardown();
    delivery.finalize();
}

/// Sends PCM16 little-endian mono audio at `sample_rate` Hz (16000 recommended; 8000..=48000).
/// `len` must be even and non-zero.
///
/// Size: at most `GEMINI_LIVE_MAX_AUDIO_BYTES` (12582854) bytes of PCM per call with the
/// default message limit — the base64 of the PCM plus 73 bytes of JSON must fit
/// `GEMINI_LIVE_MAX_MESSAGE_BYTES` (or the limit set with
/// `gemini_live_config_set_max_message_bytes`). Larger calls return
/// `GEMINI_LIVE_RESULT_TOO_LARGE` before anything is encoded or queued, with the size and the
/// limit in the message. Send 20-100 ms chunks in practice.
///
/// Ownership: the bytes are copied (encoded) before the call returns; the caller keeps `pcm`.
///
/// With audio pacing on (`gemini_live_config_set_audio_pacing`) a caller that runs ahead of
/// real time is put to sleep here, on its own thread, for the time the pacing requires (so do
/// not send large amounts from inside the callback with pacing on); the sleep ends at once
/// with `GEMINI_LIVE_RESULT_CLOSED` (nothing queued) when the session is closed
/// (`gemini_live_session_close` from another thread) or ends. Without pacing a full queue
/// returns `GEMINI_LIVE_RESULT_QUEUE_FULL` and nothing is queued.
///
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently, including the session's callback. Errors: `NULL_ARGUMENT`,
/// `INVALID_ARGUMENT` (empty, odd length, bad sample rate), `TOO_LARGE`, `QUEUE_FULL`,
/// `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_audio(
    session: *mut gemini_live_session,
    pcm: *const u8,
    len: usize,
    sample_rate: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        if pcm.is_null() {
            return Err(Error::null("pcm"));
        }
        if !(8_000..=48_000).contains(&sample_rate) {
            return Err(Error::invalid(format!("`sample_rate` {sample_rate} is outside 8000..=48000")));
        }
        // Judged on the encoded size before the slice is even formed.
        let limit = s.handle.max_message_bytes();
        let size = crate::session::encoded_audio_len(len, sample_rate);
        if size > limit {
            return Err(Error::too_large(format!(
                "`len` {len} bytes of PCM would encode to a {size}-byte message, above the limit of \
                 {limit} bytes per message: send at most {} bytes of PCM per call; nothing was queued",
                max_pcm_bytes(limit)
            )));
        }
        let pcm = unsafe { try_bytes(pcm, len, "pcm", usize::MAX)? };
        if pcm.len() % 2 != 0 {
            return Err(Error::invalid(format!("`len` {} is odd; PCM16 needs whole samples", pcm.len())));
        }
        if s.is_closed() {
            return Err(Error::closed());
        }
        let message = protocol::encode_realtime(&RealtimeInput::Audio { pcm, sample_rate });
        let wait = s.handle.reserve_audio(pcm.len());
        s.handle.wait_paced_blocking(wait).map_err(|_| Error::closed())?;
        s.send(message)
    }
}

/// Sends one video frame: `mime_type` must be `image/jpeg` or `image/png`.
///
/// Size: the base64 of the image plus 63 bytes of JSON must fit the message limit
/// (`GEMINI_LIVE_MAX_MESSAGE_BYTES` unless changed): at most 12582864 bytes of image data per
/// call by default. Larger frames return `GEMINI_LIVE_RESULT_TOO_LARGE` before anything is
/// encoded or queued.
///
/// Ownership: the bytes are copied (encoded) before the call returns; the caller keeps `data`.
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently. Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_ARGUMENT`
/// (empty, other MIME type), `TOO_LARGE`, `QUEUE_FULL`, `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_video(
    session: *mut gemini_live_session,
    data: *const u8,
    len: usize,
    mime_type: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        if data.is_null() {
            return Err(Error::null("data"));
        }
        let mime_type = unsafe { try_str(mime_type, "mime_type")? };
        if mime_type != "image/jpeg" && mime_type != "image/png" {
            return Err(Error::invalid(format!("`mime_type` {mime_type:?} is not image/jpeg or image/png")));
        }
        let limit = s.handle.max_message_bytes();
        let size = crate::session::encoded_video_len(len, mime_type);
        if size > limit {
            return Err(Error::too_large(format!(
                "`len` {len} bytes of image data would encode to a {size}-byte message, above the \
                 limit of {limit} bytes per message; nothing was queued"
            )));
        }
        let data = unsafe { try_bytes(data, len, "data", usize::MAX)? };
        s.send(protocol::encode_realtime(&RealtimeInput::Video { data, mime_type }))
    }
}

/// Sends realtime text (`realtimeInput.text`): treated like speech, it ends the user's turn.
///
/// Size: the encoded JSON message must fit the message limit (`GEMINI_LIVE_MAX_MESSAGE_BYTES`,
/// 16 MiB, unless changed with `gemini_live_config_set_max_message_bytes`); a larger one returns
/// `GEMINI_LIVE_RESULT_TOO_LARGE` and nothing is queued. JSON escaping can make text grow
/// (a control character becomes 6 bytes), so stay well below the limit.
///
/// Ownership: the strings are copied (encoded) before the call returns; the caller keeps them.
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently. Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_ARGUMENT`
/// (empty), `TOO_LARGE`, `QUEUE_FULL`, `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_realtime_text(
    session: *mut gemini_live_session,
    text: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        let text = unsafe { super::ptr::try_nonempty_str(text, "text")? };
        s.send(protocol::encode_realtime(&RealtimeInput::Text(text)))
    }
}

/// Marks the start of user activity (manual activity detection only).
///
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently. Errors: `NULL_ARGUMENT`, `QUEUE_FULL`, `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_activity_start(
    session: *mut gemini_live_session,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { session_ref(session)? }.send(protocol::encode_realtime(&RealtimeInput::ActivityStart))
    }
}

/// Marks the end of user activity (manual activity detection only).
///
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently. Errors: `NULL_ARGUMENT`, `QUEUE_FULL`, `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_activity_end(
    session: *mut gemini_live_session,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { session_ref(session)? }.send(protocol::encode_realtime(&RealtimeInput::ActivityEnd))
    }
}

/// Tells the server the audio stream paused (automatic activity detection): a pending
/// utterance ends now.
///
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any. Errors: `NULL_ARGUMENT`, `QUEUE_FULL`, `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_audio_stream_end(
    session: *mut gemini_live_session,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { session_ref(session)? }.send(protocol::encode_realtime(&RealtimeInput::AudioStreamEnd))
    }
}

/// Sends `clientContent`: `turns_json` is a JSON array of `Content` objects
/// (`[{"role":"user","parts":[{"text":"Hi"}]}]`), sent verbatim and appended to the history;
/// `turn_complete` true starts generation.
///
/// Size: the encoded JSON message must fit the message limit (`GEMINI_LIVE_MAX_MESSAGE_BYTES`,
/// 16 MiB, unless changed with `gemini_live_config_set_max_message_bytes`); a larger one returns
/// `GEMINI_LIVE_RESULT_TOO_LARGE` and nothing is queued. JSON escaping can make text grow
/// (a control character becomes 6 bytes), so stay well below the limit.
///
/// Ownership: the strings are copied (encoded) before the call returns; the caller keeps them.
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently. Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_JSON` (not an
/// array of objects), `TOO_LARGE`, `QUEUE_FULL`, `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_client_content(
    session: *mut gemini_live_session,
    turns_json: *const c_char,
    turn_complete: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        let turns = unsafe { try_json(turns_json, "turns_json")? };
        let Value::Array(items) = &turns else {
            return Err(Error::json("`turns_json` must be a JSON array of Content objects"));
        };
        if let Some(i) = items.iter().position(|t| !t.is_object()) {
            return Err(Error::json(format!("`turns_json`[{i}] is not a JSON object")));
        }
        let value = json!({"clientContent": {"turns": turns, "turnComplete": turn_complete}});
        let message = protocol::encode_raw(&value).ok_or_else(|| Error::json("unencodable turns"))?;
        s.send(message)
    }
}

/// Convenience for `clientContent` with one user turn holding `text`.
///
/// Size: the encoded JSON message must fit the message limit (`GEMINI_LIVE_MAX_MESSAGE_BYTES`,
/// 16 MiB, unless changed with `gemini_live_config_set_max_message_bytes`); a larger one returns
/// `GEMINI_LIVE_RESULT_TOO_LARGE` and nothing is queued. JSON escaping can make text grow
/// (a control character becomes 6 bytes), so stay well below the limit.
///
/// Ownership: the strings are copied (encoded) before the call returns; the caller keeps them.
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently. Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `TOO_LARGE`,
/// `QUEUE_FULL`, `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_client_text(
    session: *mut gemini_live_session,
    text: *const c_char,
    turn_complete: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        let text = unsafe { try_str(text, "text")? };
        s.send(protocol::encode_client_content(&[protocol::Content::text("user", text)], turn_complete))
    }
}

/// Answers a tool call. `id` is the call's id from the `TOOL_CALL` event (required on the
/// Gemini API; NULL omits it), `name` the function name, `response_json` a JSON object (by
/// convention `{"output": ...}` or `{"error": ...}`), `scheduling` a `GEMINI_LIVE_SCHEDULING_*`
/// value (`NONE` omits it), `will_continue` -1 (omit), 0 (false) or 1 (true: more responses to
/// this call follow).
///
/// Size: the encoded JSON message must fit the message limit (`GEMINI_LIVE_MAX_MESSAGE_BYTES`,
/// 16 MiB, unless changed with `gemini_live_config_set_max_message_bytes`); a larger one returns
/// `GEMINI_LIVE_RESULT_TOO_LARGE` and nothing is queued. JSON escaping can make text grow
/// (a control character becomes 6 bytes), so stay well below the limit.
///
/// Ownership: the strings are copied (encoded) before the call returns; the caller keeps them.
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently. Errors: `NULL_ARGUMENT` (session, name, response_json),
/// `INVALID_UTF8`, `INVALID_JSON` (not an object), `INVALID_ARGUMENT` (empty name, unknown
/// scheduling, will_continue not -1/0/1), `TOO_LARGE`, `QUEUE_FULL`, `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_tool_response(
    session: *mut gemini_live_session,
    id: *const c_char,
    name: *const c_char,
    response_json: *const c_char,
    scheduling: u32,
    will_continue: i32,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        let id = unsafe { try_opt_str(id, "id")? };
        let name = unsafe { super::ptr::try_nonempty_str(name, "name")? };
        let response = unsafe { try_json(response_json, "response_json")? };
        if !response.is_object() {
            return Err(Error::json("`response_json` must be a JSON object"));
        }
        s.send(protocol::encode_tool_response(&[FunctionResponse {
            id: id.map(str::to_owned),
            name: name.to_owned(),
            response,
            scheduling: scheduling_arg(scheduling, "scheduling")?,
            will_continue: will_continue_arg(will_continue, "will_continue")?,
            parts: Vec::new(),
        }]))
    }
}

fn scheduling_arg(value: u32, name: &str) -> Result<Option<Scheduling>, Error> {
    match value {
        0 => Ok(None),
        1 => Ok(Some(Scheduling::Silent)),
        2 => Ok(Some(Scheduling::WhenIdle)),
        3 => Ok(Some(Scheduling::Interrupt)),
        v => Err(Error::invalid(format!("`{name}` has no value {v}"))),
    }
}

fn will_continue_arg(value: i32, name: &str) -> Result<Option<bool>, Error> {
    match value {
        -1 => Ok(None),
        0 => Ok(Some(false)),
        1 => Ok(Some(true)),
        v => Err(Error::invalid(format!("`{name}` {v} is not -1, 0 or 1"))),
    }
}

// ---- Several function responses (with media parts) in one `toolResponse`.

/// Media that goes with a function's result (`FunctionResponse.parts[]`): either inline bytes
/// (`data`/`data_len` with `mime_type`, sent as `inlineData`) or a file reference (`file_uri`,
/// `mime_type` optional, sent as `fileData`); exactly one of `data` and `file_uri` is set.
/// `display_name` may be NULL.
#[repr(C)]
pub struct gemini_live_function_response_part {
    /// MIME type (`image/png`, `application/pdf`): required with `data`, optional with
    /// `file_uri` (NULL omits it).
    pub mime_type: *const c_char,
    /// Inline bytes (sent base64-encoded), or NULL for a file reference.
    pub data: *const u8,
    pub data_len: usize,
    /// A file URI (`gs://...`, `https://...`), or NULL for inline bytes.
    pub file_uri: *const c_char,
    /// A name the model can refer to, or NULL.
    pub display_name: *const c_char,
}

/// One function's answer in `gemini_live_session_send_tool_responses`: the fields of
/// `gemini_live_session_send_tool_response` plus `parts_count` media parts at `parts` (NULL
/// when `parts_count` is 0).
#[repr(C)]
pub struct gemini_live_function_response {
    /// The call's id from the `TOOL_CALL` event (required on the Gemini API); NULL omits it.
    pub id: *const c_char,
    /// The function name (required, non-empty).
    pub name: *const c_char,
    /// A JSON object (required): `{"output": ...}` or `{"error": ...}` by convention.
    pub response_json: *const c_char,
    /// A `GEMINI_LIVE_SCHEDULING_*` value (`NONE` omits the field).
    pub scheduling: u32,
    /// -1 omits `willContinue`, 0 false, 1 true (Gemini API only).
    pub will_continue: i32,
    pub parts: *const gemini_live_function_response_part,
    pub parts_count: usize,
}

/// Most function responses in one `toolResponse`, and most parts in one response.
const MAX_FUNCTION_RESPONSES: usize = 1024;

/// # Safety
/// The pointers in `part` must be NULL or valid as documented on the struct.
unsafe fn function_response_part(
    part: &gemini_live_function_response_part,
    at: &str,
) -> Result<protocol::FunctionResponsePart, Error> {
    let display_name = try_opt_str(part.display_name, &format!("{at}.display_name"))?.map(str::to_owned);
    let mime_type = try_opt_str(part.mime_type, &format!("{at}.mime_type"))?;
    match (part.data.is_null(), part.file_uri.is_null()) {
        (false, true) => {
            let data = try_bytes(
                part.data,
                part.data_len,
                &format!("{at}.data"),
                super::ptr::MAX_INPUT_BYTES,
            )?;
            let mime_type = mime_type
                .filter(|m| !m.is_empty())
                .ok_or_else(|| Error::invalid(format!("`{at}.mime_type` is required with `data`")))?;
            Ok(protocol::FunctionResponsePart::InlineData(
                protocol::FunctionResponseBlob {
                    mime_type: mime_type.to_owned(),
                    data: data.to_vec(),
                    display_name,
                },
            ))
        }
        (true, false) => {
            let uri = super::ptr::try_nonempty_str(part.file_uri, &format!("{at}.file_uri"))?;
            Ok(protocol::FunctionResponsePart::FileData(
                protocol::FunctionResponseFileData {
                    file_uri: uri.to_owned(),
                    mime_type: mime_type.unwrap_or("").to_owned(),
                    display_name,
                },
            ))
        }
        _ => Err(Error::invalid(format!(
            "`{at}` must set exactly one of `data` and `file_uri`"
        ))),
    }
}

/// # Safety
/// As [`gemini_live_session_send_tool_responses`].
unsafe fn function_response(r: &gemini_live_function_response, i: usize) -> Result<FunctionResponse, Error> {
    let at = format!("responses[{i}]");
    let id = try_opt_str(r.id, &format!("{at}.id"))?;
    let name = super::ptr::try_nonempty_str(r.name, &format!("{at}.name"))?;
    let response = try_json(r.response_json, &format!("{at}.response_json"))?;
    if !response.is_object() {
        return Err(Error::json(format!("`{at}.response_json` must be a JSON object")));
    }
    if r.parts_count > MAX_FUNCTION_RESPONSES {
        return Err(Error::invalid(format!(
            "`{at}.parts_count` {} is above {MAX_FUNCTION_RESPONSES}",
            r.parts_count
        )));
    }
    let parts = if r.parts_count == 0 {
        Vec::new()
    } else {
        if r.parts.is_null() {
            return Err(Error::null(&format!("{at}.parts")));
        }
        std::slice::from_raw_parts(r.parts, r.parts_count)
            .iter()
            .enumerate()
            .map(|(j, p)| function_response_part(p, &format!("{at}.parts[{j}]")))
            .collect::<Result<_, _>>()?
    };
    Ok(FunctionResponse {
        id: id.map(str::to_owned),
        name: name.to_owned(),
        response,
        scheduling: scheduling_arg(r.scheduling, &format!("{at}.scheduling"))?,
        will_continue: will_continue_arg(r.will_continue, &format!("{at}.will_continue"))?,
        parts,
    })
}

/// Answers several tool calls in one message: `toolResponse.functionResponses` holds the
/// `count` responses at `responses`, in order, each with its media `parts` (see
/// `gemini_live_function_response`). Use it when a `TOOL_CALL` event asks for several calls at
/// once. All or nothing: the first invalid response fails the call and nothing is sent.
///
/// Size: the encoded JSON message must fit the message limit (`GEMINI_LIVE_MAX_MESSAGE_BYTES`,
/// 16 MiB, unless changed with `gemini_live_config_set_max_message_bytes`); a larger one returns
/// `GEMINI_LIVE_RESULT_TOO_LARGE` and nothing is queued. Inline part bytes grow by a third in
/// base64.
///
/// Ownership: everything is copied (encoded) before the call returns; the caller keeps it.
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently. Errors: `NULL_ARGUMENT` (session, responses, a name or
/// response_json, parts with parts_count > 0), `INVALID_UTF8`, `INVALID_JSON` (a response that
/// is not an object), `INVALID_ARGUMENT` (count 0 or above 1024, an empty name, unknown
/// scheduling, will_continue not -1/0/1, a part with both or neither of data and file_uri,
/// inline data without a MIME type or of length 0), `TOO_LARGE`, `QUEUE_FULL`, `CLOSED`. The
/// message names the offending entry (`responses[1].parts[0].mime_type`).
#[no_mangle]
pub extern "C" fn gemini_live_session_send_tool_responses(
    session: *mut gemini_live_session,
    responses: *const gemini_live_function_response,
    count: usize,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        if responses.is_null() {
            return Err(Error::null("responses"));
        }
        if count == 0 || count > MAX_FUNCTION_RESPONSES {
            return Err(Error::invalid(format!("`count` {count} is outside 1..={MAX_FUNCTION_RESPONSES}")));
        }
        let items = unsafe { std::slice::from_raw_parts(responses, count) };
        let list = items
            .iter()
            .enumerate()
            .map(|(i, r)| unsafe { function_response(r, i) })
            .collect::<Result<Vec<_>, _>>()?;
        s.send(protocol::encode_tool_response(&list))
    }
}

/// Sends `contextUpdate`: replaces the system instruction and/or the tools mid-session.
/// NULL leaves that part unchanged (at least one must be given); `tools_json` is a JSON array
/// of Tool objects (`"[]"` clears the tools).
///
/// Size: the encoded JSON message must fit the message limit (`GEMINI_LIVE_MAX_MESSAGE_BYTES`,
/// 16 MiB, unless changed with `gemini_live_config_set_max_message_bytes`); a larger one returns
/// `GEMINI_LIVE_RESULT_TOO_LARGE` and nothing is queued. JSON escaping can make text grow
/// (a control character becomes 6 bytes), so stay well below the limit.
///
/// Ownership: the strings are copied (encoded) before the call returns; the caller keeps them.
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently. Errors: `NULL_ARGUMENT` (session), `INVALID_ARGUMENT` (both
/// NULL), `INVALID_UTF8`, `INVALID_JSON`, `TOO_LARGE`, `QUEUE_FULL`, `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_context_update(
    session: *mut gemini_live_session,
    system_instruction: *const c_char,
    tools_json: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        let instruction = unsafe { try_opt_str(system_instruction, "system_instruction")? };
        let tools = if tools_json.is_null() {
            None
        } else {
            Some(tools_array(unsafe { try_json(tools_json, "tools_json")? }, "tools_json")?)
        };
        if instruction.is_none() && tools.is_none() {
            return Err(Error::invalid("nothing to update: `system_instruction` and `tools_json` are both NULL"));
        }
        s.send(protocol::encode_context_update(instruction, tools.as_deref()))
    }
}

/// Sends a client message built by the application: one JSON object with exactly one of the
/// keys `clientContent`, `realtimeInput`, `toolResponse`, `contextUpdate` (camelCase or
/// snake_case), sent as is.
///
/// Size: the encoded JSON message must fit the message limit (`GEMINI_LIVE_MAX_MESSAGE_BYTES`,
/// 16 MiB, unless changed with `gemini_live_config_set_max_message_bytes`); a larger one returns
/// `GEMINI_LIVE_RESULT_TOO_LARGE` and nothing is queued. JSON escaping can make text grow
/// (a control character becomes 6 bytes), so stay well below the limit.
///
/// Ownership: the strings are copied (encoded) before the call returns; the caller keeps them.
/// Writing: never waits on the network. When the connection is idle and nothing is queued,
/// the frame is written on the calling thread (one non-blocking write); otherwise it is
/// queued for the session's network task.
///
/// Threads: any, concurrently. Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_JSON` (not
/// JSON, not an object, not exactly one known key; `setup` is refused), `TOO_LARGE`,
/// `QUEUE_FULL`, `CLOSED`.
#[no_mangle]
pub extern "C" fn gemini_live_session_send_raw_json(
    session: *mut gemini_live_session,
    json: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        let value = unsafe { try_json(json, "json")? };
        let Some(obj) = value.as_object() else {
            return Err(Error::json("`json` must be a JSON object"));
        };
        if obj.len() != 1 {
            return Err(Error::json(format!("`json` must have exactly one top-level key, it has {}", obj.len())));
        }
        let message = protocol::encode_raw(&value).ok_or_else(|| Error::json("`json` must be a JSON object"))?;
        if matches!(message.kind, MessageKind::Setup) {
            return Err(Error::json("`setup` cannot be sent on an open session"));
        }
        let key = obj.keys().next().map(String::as_str).unwrap_or("");
        let known = [
            "clientContent", "client_content", "realtimeInput", "realtime_input",
            "toolResponse", "tool_response", "contextUpdate", "context_update",
        ];
        if !known.contains(&key) {
            return Err(Error::json(format!("unknown client message key {key:?}")));
        }
        s.send(message)
    }
}

/// Pull mode (sessions created without a callback): waits up to `timeout_ms` milliseconds
/// (0: do not wait; `GEMINI_LIVE_TIMEOUT_INFINITE`: no limit) for the next event. On success
/// `*out` receives an event owned by the caller, freed with `gemini_live_event_free`.
///
/// To wait in an event loop (poll, epoll, kqueue, a language's own poller) instead of in this
/// call, see `gemini_live_session_get_event_fd`.
///
/// Threads: any, but one puller at a time is the intended use (concurrent pullers are
/// serialized). Must not be called from an event callback.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (the session has a callback), `TIMEOUT` (no
/// event in time), `CLOSED` (the `CLOSED` event was already returned).
#[no_mangle]
pub extern "C" fn gemini_live_session_next_event(
    session: *mut gemini_live_session,
    timeout_ms: u32,
    out: *mut *mut gemini_live_event,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        check_out(out, "out")?;
        let Some(pull) = &s.pull else {
            return Err(Error::invalid("the session delivers events to its callback; next_event is for sessions created without one"));
        };
        if pull.closed_delivered.load(Ordering::SeqCst) {
            return Err(Error::closed());
        }
        let mut rx = pull.rx.lock().unwrap_or_else(|e| e.into_inner());
        if pull.closed_delivered.load(Ordering::SeqCst) {
            return Err(Error::closed());
        }
        let event = match rx.try_recv() {
            Ok(e) => Some(e),
            Err(TryRecvError::Disconnected) => None,
            Err(TryRecvError::Empty) if timeout_ms == 0 => match pull.arm(&mut rx) {
                Poll::Ready(e) => e,
                Poll::Pending => return Err(Error::new(gemini_live_result::Timeout, "no event within 0 ms")),
            },
            Err(TryRecvError::Empty) => {
                let wait = rx.recv();
                let got = if timeout_ms == GEMINI_LIVE_TIMEOUT_INFINITE {
                    runtime::callbacks().block_on(wait).map(Ok).unwrap_or(Err(()))
                } else {
                    // The timer is created inside `block_on`, where the runtime is current.
                    let limit = Duration::from_millis(u64::from(timeout_ms));
                    match runtime::callbacks().block_on(async { tokio::time::timeout(limit, wait).await }) {
                        Ok(Some(e)) => Ok(e),
                        Ok(None) => Err(()),
                        // Re-armed so that the readiness descriptor follows a TIMEOUT here too.
                        Err(_) => match pull.arm(&mut rx) {
                            Poll::Ready(e) => e.ok_or(()),
                            Poll::Pending => {
                                return Err(Error::new(
                                    gemini_live_result::Timeout,
                                    format!("no event within {timeout_ms} ms"),
                                ))
                            }
                        },
                    }
                };
                got.ok()
            }
        };
        let Some(framed) = event else {
            pull.mark_closed();
            return Err(Error::closed());
        };
        if framed.event.is_closed() {
            pull.mark_closed();
        }
        let owned = s
            .delivery
            .prepare(framed)
            .ok_or_else(|| Error::new(gemini_live_result::Internal, "an event could not be converted for C"))?;
        unsafe { write_out(out, Box::into_raw(owned).cast::<gemini_live_event>()) };
        Ok(())
    }
}

/// Pull mode: writes to `*out` a file descriptor that becomes readable when an event may be
/// ready, for waiting on many sessions with poll/epoll/kqueue (or a runtime's own poller)
/// instead of blocking a thread in `gemini_live_session_next_event` per session. It is an
/// eventfd on Linux, the read end of a pipe on other Unix systems; non-blocking and
/// close-on-exec.
///
/// Readiness contract: after `gemini_live_session_next_event` returns `TIMEOUT`, the
/// descriptor becomes readable as soon as an event is queued or the session ends. Then call
/// `next_event(session, 0, &event)` until it returns `TIMEOUT` again, and wait again. Readiness
/// may be spurious (`next_event` then returns `TIMEOUT`): just wait again. It is readable when
/// first handed out; after `CLOSED` was returned (the `CLOSED` event, then the `CLOSED`
/// result) it stays readable. Level-triggered and edge-triggered waiting both work, since every
/// wake is a new write.
///
/// Ownership: the session owns the descriptor. Do not read, write or close it (the library
/// drains it inside `next_event`); `dup` it if your poller needs its own. Every call returns
/// the same descriptor, valid until `gemini_live_session_free`, which closes it: remove it from
/// your poll set before freeing.
///
/// Threads: any. Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (the session has a callback),
/// `IO` (the descriptor could not be created, e.g. the process is out of descriptors; or the
/// system is not Unix).
#[no_mangle]
pub extern "C" fn gemini_live_session_get_event_fd(
    session: *const gemini_live_session,
    out: *mut std::ffi::c_int,
) -> gemini_live_result {
    crate::ffi_result! {
        check_out(out, "out")?;
        let fd = unsafe { event_fd_of(session)? };
        unsafe { write_out(out, fd) };
        Ok(())
    }
}

/// `gemini_live_session_get_event_fd`'s descriptor (created on first use), also for event
/// rings.
///
/// # Safety
/// `session` is NULL or a live session.
pub(crate) unsafe fn event_fd_of(session: *const gemini_live_session) -> Result<std::ffi::c_int, Error> {
    let s = unsafe { session_ref(session)? };
    let Some(pull) = &s.pull else {
        return Err(Error::invalid(
            "the session delivers events to its callback; the event fd is for sessions created without one",
        ));
    };
    #[cfg(unix)]
    {
        let fd = pull
            .fd
            .get_or_try_init(super::event_fd::EventFd::new)
            .map_err(|e| Error::new(gemini_live_result::Io, format!("cannot create the event fd: {e}")))?;
        Ok(fd.raw())
    }
    #[cfg(not(unix))]
    {
        let _ = pull;
        Err(Error::new(
            gemini_live_result::Io,
            "event fds exist on Unix systems only",
        ))
    }
}

/// Writes the current phase to `*out`.
///
/// Threads: any. Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_session_get_phase(
    session: *const gemini_live_session,
    out: *mut gemini_live_phase,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        check_out(out, "out")?;
        unsafe { write_out(out, gemini_live_phase::from(s.handle.phase())) };
        Ok(())
    }
}

/// Writes the session id to `*out`: the server's id when it sent one (Vertex), else the
/// library's local id (stable across reconnects). The string is owned by the caller and freed
/// with `gemini_live_string_free`.
///
/// Threads: any. Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_session_get_id(
    session: *const gemini_live_session,
    out: *mut *mut c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        check_out(out, "out")?;
        let id = s.handle.server_session_id().unwrap_or_else(|| s.handle.session_id().to_owned());
        let c = CString::new(id).map_err(|_| Error::new(gemini_live_result::Internal, "session id holds a NUL"))?;
        unsafe { write_out(out, c.into_raw()) };
        Ok(())
    }
}

/// Writes to `*out` how many audio messages were dropped from the reconnect replay buffer
/// because of its bounds (`gemini_live_config_set_replay_bounds`; 0 unless the sender
/// outran them).
///
/// Threads: any. Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_session_get_dropped_audio(
    session: *const gemini_live_session,
    out: *mut u64,
) -> gemini_live_result {
    write_count(session, out, SessionHandle::dropped_audio)
}

/// Writes to `*out` how many video frames were dropped from the reconnect replay buffer
/// because of its bounds. Over a bound video goes first, so a camera stream never pushes the
/// microphone's audio out.
///
/// Threads: any. Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_session_get_dropped_video(
    session: *const gemini_live_session,
    out: *mut u64,
) -> gemini_live_result {
    write_count(session, out, SessionHandle::dropped_video)
}

/// The body of the count getters: `count` of the session into `*out`.
fn write_count(
    session: *const gemini_live_session,
    out: *mut u64,
    count: fn(&SessionHandle) -> u64,
) -> gemini_live_result {
    crate::ffi_result! {
        let s = unsafe { session_ref(session)? };
        check_out(out, "out")?;
        unsafe { write_out(out, count(&s.handle)) };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_constants_match_the_session_layer() {
        assert_eq!(GEMINI_LIVE_MAX_MESSAGE_BYTES, crate::session::MAX_MESSAGE_BYTES);
        assert_eq!(
            GEMINI_LIVE_MAX_AUDIO_BYTES,
            max_pcm_bytes(crate::session::MAX_MESSAGE_BYTES)
        );
        assert_eq!(
            12_582_864,
            (crate::session::MAX_MESSAGE_BYTES - crate::session::encoded_video_len(0, "image/jpeg")) / 4 * 3,
            "the video maximum stated in the send_video doc"
        );
    }
}
