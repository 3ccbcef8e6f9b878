//! Resumption handles and the "one open connection per session" rule.
//!
//! A handle names a snapshot of the session state taken when it was issued (between turns), so
//! resuming restores exactly that state. Handles stay valid until their TTL passes (the Gemini
//! API documents 2 h); each session keeps only its latest few handles to bound memory.

use super::model::SavedSession;
use super::wire::{self, Fatal};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

const HANDLES_PER_SESSION: usize = 8;
/// How long a resume waits for the session's previous connection to close.
const RELEASE_GRACE: Duration = Duration::from_millis(200);

struct Saved {
    session_id: String,
    state: SavedSession,
    expires: Instant,
}

#[derive(Default)]
struct Inner {
    handles: HashMap<String, Saved>,
    by_session: HashMap<String, VecDeque<String>>,
    /// Session id → connection number currently serving it.
    open: HashMap<String, u64>,
}

pub(crate) struct ResumptionStore {
    ttl: Duration,
    inner: Mutex<Inner>,
    /// Wakes resumes waiting for the old connection of their session to go away.
    released: Notify,
}

impl ResumptionStore {
    pub(crate) fn new(ttl: Duration) -> Self {
        ResumptionStore {
            ttl,
            inner: Mutex::new(Inner::default()),
            released: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Issues a new opaque handle for the current state.
    pub(crate) fn issue(&self, session_id: &str, state: &SavedSession) -> String {
        let mut bytes = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut bytes);
        let handle = URL_SAFE_NO_PAD.encode(bytes);
        let mut inner = self.lock();
        let saved = Saved {
            session_id: session_id.to_string(),
            state: state.clone(),
            expires: Instant::now() + self.ttl,
        };
        inner.handles.insert(handle.clone(), saved);
        let list = inner.by_session.entry(session_id.to_string()).or_default();
        list.push_back(handle.clone());
        if list.len() > HANDLES_PER_SESSION {
            if let Some(old) = list.pop_front() {
                inner.handles.remove(&old);
            }
        }
        handle
    }

    /// Looks a handle up and claims its session for `connection`. If another connection still
    /// serves the session, waits up to [`RELEASE_GRACE`] for it to go away (a client that just
    /// dropped its socket may reconnect before the old connection's task saw the FIN), then
    /// refuses with 1011 like the real service.
    pub(crate) async fn resume(
        &self,
        handle: &str,
        connection: u64,
    ) -> Result<(String, SavedSession), Fatal> {
        let deadline = tokio::time::Instant::now() + RELEASE_GRACE;
        loop {
            // Registered before the check, so a release in between is not missed.
            let released = self.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            match self.try_resume(handle, connection) {
                Err(busy) if busy.code == 1011 && tokio::time::Instant::now() < deadline => {
                    if tokio::time::timeout_at(deadline, released).await.is_err() {
                        return Err(busy);
                    }
                }
                result => return result,
            }
        }
    }

    fn try_resume(&self, handle: &str, connection: u64) -> Result<(String, SavedSession), Fatal> {
        let mut inner = self.lock();
        let now = Instant::now();
        let found = inner
            .handles
            .get(handle)
            .filter(|s| s.expires > now)
            .map(|s| (s.session_id.clone(), s.state.clone()));
        let (session_id, state) = found.ok_or_else(|| Fatal::new(1008, wire::SESSION_NOT_FOUND))?;
        if inner.open.contains_key(&session_id) {
            return Err(Fatal::new(1011, wire::INTERNAL_ERROR));
        }
        inner.open.insert(session_id.clone(), connection);
        Ok((session_id, state))
    }

    /// Claims a brand-new session for `connection`.
    pub(crate) fn open(&self, session_id: &str, connection: u64) {
        self.lock().open.insert(session_id.to_string(), connection);
    }

    /// The connection no longer serves the session.
    pub(crate) fn release(&self, session_id: &str, connection: u64) {
        let mut inner = self.lock();
        if inner.open.get(session_id) == Some(&connection) {
            inner.open.remove(session_id);
            self.released.notify_waiters();
        }
    }
}
