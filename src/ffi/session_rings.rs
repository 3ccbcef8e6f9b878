//! Which sessions have an event ring (`event_ring`), by session address: a second ring on one
//! session is refused, and `gemini_live_session_free` stops a session's ring before the
//! session goes. A module of its own so that `session` and `event_ring` need not import each
//! other.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, Weak};

/// What `gemini_live_session_free` needs of a ring.
pub(crate) trait Ring: Send + Sync {
    /// The session is about to be freed: stop using it (waiting for a use in progress).
    fn session_freed(&self);
}

type Rings = HashMap<usize, Weak<dyn Ring>>;

static RINGS: Mutex<Option<Rings>> = Mutex::new(None);

fn rings() -> MutexGuard<'static, Option<Rings>> {
    RINGS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Records `ring` as `session`'s; false if the session has a live ring already.
pub(crate) fn register(session: usize, ring: Weak<dyn Ring>) -> bool {
    let mut rings = rings();
    let rings = rings.get_or_insert_with(HashMap::new);
    if rings.get(&session).is_some_and(|w| w.strong_count() > 0) {
        return false;
    }
    rings.insert(session, ring);
    true
}

/// Forgets `ring` (by identity) as `session`'s: after `session_freed`, the address may belong
/// to a new session with a ring of its own, which stays.
pub(crate) fn unregister(session: usize, ring: *const ()) {
    if let Some(rings) = rings().as_mut() {
        if rings
            .get(&session)
            .is_some_and(|w| w.as_ptr().cast::<()>() == ring)
        {
            rings.remove(&session);
        }
    }
}

/// Called by `gemini_live_session_free` while the session is still valid.
pub(crate) fn session_freed(session: usize) {
    let ring = rings()
        .as_mut()
        .and_then(|r| r.remove(&session))
        .and_then(|w| w.upgrade());
    if let Some(ring) = ring {
        ring.session_freed();
    }
}
