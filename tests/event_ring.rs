//! `gemini_live_event_ring_new` / `gemini_live_event_ring_free` through the C ABI against the
//! mock: a consumer that follows the header's protocol (atomics on the ring's fields, waiting on
//! its fd with poll) gets every event in order, also through a ring so small that the library
//! keeps waiting for room; the end of the session ends the ring; bad arguments are refused.
#![cfg(unix)]

mod cabi;

use cabi::*;
use gemini_live::ffi::enums::gemini_live_event_kind as K;
use gemini_live::ffi::error::gemini_live_result as R;
use gemini_live::ffi::event::gemini_live_event;
use gemini_live::ffi::event_ring::*;
use gemini_live::ffi::session::*;
use gemini_live_mock::{BlockingMockServer, MockConfig};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Instant;

/// The consumer side of a ring, as a C program would write it.
struct Consumer {
    ring: *mut gemini_live_event_ring,
    /// How many times the consumer handed room back to a full ring.
    space_writes: usize,
}

impl Consumer {
    fn u64(&self, f: impl Fn(*mut gemini_live_event_ring) -> *mut u64) -> &AtomicU64 {
        unsafe { AtomicU64::from_ptr(f(self.ring)) }
    }
    fn u32(&self, f: impl Fn(*mut gemini_live_event_ring) -> *mut u32) -> &AtomicU32 {
        unsafe { AtomicU32::from_ptr(f(self.ring)) }
    }

    fn fd(&self) -> i32 {
        unsafe { (*self.ring).fd }
    }

    /// The next event (copied), or `Err(result)` once the ring is done; panics past DEADLINE.
    fn next(&mut self) -> Result<(u32, String), u32> {
        let head = self.u64(|r| unsafe { std::ptr::addr_of_mut!((*r).head) });
        let tail = self.u64(|r| unsafe { std::ptr::addr_of_mut!((*r).tail) });
        let armed = self.u32(|r| unsafe { std::ptr::addr_of_mut!((*r).armed) });
        let full = self.u32(|r| unsafe { std::ptr::addr_of_mut!((*r).full) });
        let done = self.u32(|r| unsafe { std::ptr::addr_of_mut!((*r).done) });
        let deadline = Instant::now() + DEADLINE;
        loop {
            let t = tail.load(Ordering::Relaxed);
            if head.load(Ordering::SeqCst) != t {
                let (slots, cap) = unsafe { ((*self.ring).slots, (*self.ring).capacity as u64) };
                let ev: &gemini_live_event = unsafe { &**slots.add((t % cap) as usize) };
                let text = if ev.text.is_null() {
                    String::new()
                } else {
                    let b = unsafe { std::slice::from_raw_parts(ev.text.cast::<u8>(), ev.text_len) };
                    String::from_utf8_lossy(b).into_owned()
                };
                let kind = ev.kind as u32;
                tail.store(t + 1, Ordering::SeqCst);
                if full.swap(0, Ordering::SeqCst) == 1 {
                    let one: u64 = 1;
                    let fd = unsafe { (*self.ring).space_fd };
                    assert_eq!(unsafe { libc::write(fd, (&one as *const u64).cast(), 8) }, 8);
                    self.space_writes += 1;
                }
                return Ok((kind, text));
            }
            if done.load(Ordering::SeqCst) == 1 {
                return Err(
                    unsafe { AtomicU32::from_ptr(std::ptr::addr_of_mut!((*self.ring).result)) }
                        .load(Ordering::SeqCst),
                );
            }
            let mut buf = [0u8; 8];
            unsafe { libc::read(self.fd(), buf.as_mut_ptr().cast(), 8) };
            armed.store(1, Ordering::SeqCst);
            if head.load(Ordering::SeqCst) != t || done.load(Ordering::SeqCst) == 1 {
                continue;
            }
            let left = deadline
                .checked_duration_since(Instant::now())
                .expect("an event in time");
            let mut p = libc::pollfd {
                fd: self.fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            unsafe { libc::poll(&mut p, 1, left.as_millis().min(i32::MAX as u128) as i32) };
        }
    }
}

fn mock() -> BlockingMockServer {
    BlockingMockServer::start(MockConfig::default()).expect("mock starts")
}

fn ring_of(session: &Session, capacity: u32) -> Consumer {
    let mut ring = std::ptr::null_mut();
    ok(gemini_live_event_ring_new(session.0, capacity, &mut ring));
    assert!(!ring.is_null());
    Consumer {
        ring,
        space_writes: 0,
    }
}

/// `n` pings, then the pongs in order; returns how often the ring had been full.
fn pings_through(capacity: u32, n: usize) -> usize {
    let server = mock();
    let cfg = Config::for_mock(&server.base_url());
    let session = Session::open(&cfg).expect("session opens");
    let mut c = ring_of(&session, capacity);
    assert_eq!(
        unsafe { (*c.ring).capacity },
        if capacity == 0 { 64 } else { capacity }
    );
    // The connection's events come first (phases, CONNECTED): skip to the pongs.
    for i in 0..n {
        ok(session.send_text(&format!("ping:{i}")));
    }
    let mut want = 0;
    while want < n {
        let (kind, text) = c.next().expect("not done");
        if kind != K::Text as u32 {
            continue;
        }
        assert_eq!(text, format!("pong:{want}"), "pongs in order, none lost");
        want += 1;
    }
    gemini_live_event_ring_free(c.ring);
    c.space_writes
}

#[test]
fn every_event_in_order() {
    pings_through(0, 200);
}

#[test]
fn a_full_ring_waits_for_room_and_loses_nothing() {
    // 2 slots for 300 pongs: the library fills the ring and waits on space_fd many times.
    let full = pings_through(2, 300);
    assert!(full > 0, "the ring was full at least once");
}

#[test]
fn the_end_of_the_session_ends_the_ring() {
    let server = mock();
    let cfg = Config::for_mock(&server.base_url());
    let session = Session::open(&cfg).expect("session opens");
    let mut c = ring_of(&session, 8);
    ok(session.close());
    let mut saw_closed = false;
    let end = loop {
        match c.next() {
            Ok((kind, _)) => saw_closed |= kind == K::Closed as u32,
            Err(result) => break result,
        }
    };
    assert!(saw_closed, "the CLOSED event comes through the ring");
    assert_eq!(end, R::Closed as u32, "then the ring is done with CLOSED");
    gemini_live_event_ring_free(c.ring);
}

#[test]
fn free_with_events_left_then_free_the_session() {
    let server = mock();
    let cfg = Config::for_mock(&server.base_url());
    let session = Session::open(&cfg).expect("session opens");
    let mut c = ring_of(&session, 4);
    for i in 0..20 {
        ok(session.send_text(&format!("ping:{i}")));
    }
    // Take one event, leave the rest (in the ring and in the session's queue).
    c.next().expect("an event");
    gemini_live_event_ring_free(c.ring);
    gemini_live_event_ring_free(std::ptr::null_mut()); // no-op
    drop(session); // gemini_live_session_free after the ring
}

#[test]
fn freeing_the_session_first_ends_the_ring_and_keeps_its_events() {
    let server = mock();
    let cfg = Config::for_mock(&server.base_url());
    let session = Session::open(&cfg).expect("session opens");
    let mut c = ring_of(&session, 64);
    for i in 0..5 {
        ok(session.send_text(&format!("ping:{i}")));
    }
    // Wait until the first pong is in the ring, then free the session under the ring.
    while c.next().expect("not done").1 != "pong:0" {}
    drop(session);
    // Whatever was pulled stays readable; then the ring says it is done, with CLOSED.
    let end = loop {
        match c.next() {
            Ok(_) => {}
            Err(result) => break result,
        }
    };
    assert_eq!(end, R::Closed as u32);
    // A new session may reuse the freed one's address: it gets a ring of its own, and freeing
    // the old ring leaves the new ring's registration alone.
    let again = Session::open(&cfg).expect("session opens");
    let mut c2 = ring_of(&again, 8);
    gemini_live_event_ring_free(c.ring);
    let mut second = std::ptr::null_mut();
    assert_eq!(
        gemini_live_event_ring_new(again.0, 0, &mut second),
        R::InvalidArgument,
        "still one ring per session"
    );
    ok(again.send_text("ping:x"));
    while c2.next().expect("not done").1 != "pong:x" {}
    gemini_live_event_ring_free(c2.ring);
}

extern "C" fn ignore(_: *mut std::ffi::c_void, _: *const gemini_live_event) {}

#[test]
fn bad_arguments() {
    let mut ring = std::ptr::null_mut();
    assert_eq!(
        gemini_live_event_ring_new(std::ptr::null_mut(), 0, &mut ring),
        R::NullArgument
    );
    let server = mock();
    let cfg = Config::for_mock(&server.base_url());
    let session = Session::open(&cfg).expect("session opens");
    assert_eq!(
        gemini_live_event_ring_new(session.0, 0, std::ptr::null_mut()),
        R::NullArgument
    );
    for bad in [1, 3, 100, 131_072] {
        assert_eq!(
            gemini_live_event_ring_new(session.0, bad, &mut ring),
            R::InvalidArgument,
            "{bad}"
        );
    }
    assert!(ring.is_null(), "nothing written on failure");
    ok(gemini_live_event_ring_new(session.0, 0, &mut ring));
    let mut second = std::ptr::null_mut();
    assert_eq!(
        gemini_live_event_ring_new(session.0, 0, &mut second),
        R::InvalidArgument,
        "one ring per session"
    );
    gemini_live_event_ring_free(ring);
    ring = std::ptr::null_mut();
    let mut cb_session = std::ptr::null_mut();
    ok(gemini_live_session_new(
        cfg.0,
        Some(ignore),
        std::ptr::null_mut(),
        None,
        &mut cb_session,
    ));
    assert_eq!(
        gemini_live_event_ring_new(cb_session, 0, &mut ring),
        R::InvalidArgument
    );
    gemini_live_session_free(cb_session);
}

#[test]
fn a_consumer_that_stores_a_stale_tail_for_a_while_loses_nothing() {
    let server = mock();
    let cfg = Config::for_mock(&server.base_url());
    let session = Session::open(&cfg).expect("session opens");
    let mut c = ring_of(&session, 4);
    ok(session.send_text("ping:first"));
    while c.next().expect("not done").1 != "pong:first" {}
    // A consumer bug: `tail` goes back to 0. Believed, the ring would look less than full,
    // and the library would write over events not yet taken; it must clamp and wait instead.
    let tail = c.u64(|r| unsafe { std::ptr::addr_of_mut!((*r).tail) });
    let honest = tail.load(Ordering::SeqCst);
    tail.store(0, Ordering::SeqCst);
    for i in 0..12 {
        ok(session.send_text(&format!("ping:{i}")));
    }
    // The library fills what it has not freed and waits (`full`); then the consumer recovers.
    let full = c.u32(|r| unsafe { std::ptr::addr_of_mut!((*r).full) });
    let deadline = Instant::now() + DEADLINE;
    while full.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the ring never filled");
        std::thread::yield_now();
    }
    tail.store(honest, Ordering::SeqCst);
    let mut want = 0;
    while want < 12 {
        let (kind, text) = c.next().expect("not done");
        if kind == K::Text as u32 {
            assert_eq!(text, format!("pong:{want}"), "in order, none overwritten");
            want += 1;
        }
    }
    gemini_live_event_ring_free(c.ring);
}
