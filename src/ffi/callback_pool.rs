//! The callback pool: a few threads, proportional to the cores, that run the event deliveries
//! of every callback-mode session.
//!
//! Each session's delivery is one future (see `dispatch`): it waits on the session's event
//! queue and calls the application's callback synchronously. The pool is a tiny executor for
//! these futures. A task is polled by one thread at a time (a four-state flag, below), so a
//! session's callbacks never overlap and keep their order; different sessions run side by side
//! on different threads.
//!
//! A callback that blocks holds its thread. When work is queued, no thread is idle and no
//! thread has picked up new work for [`STALL`], a monitor adds a thread, up to [`max_threads`];
//! those extra threads leave again after [`EXTRA_IDLE`] without work. So a slow callback delays
//! other sessions by at most about [`STALL`] until `max_threads - base_threads` callbacks block
//! at once.
//!
//! Wake-ups: an event for a session that is already queued or running costs no system call;
//! a worker is woken only when one is idle and not already being woken. On the network
//! threads that signal is deferred (see [`flush_deferred_wakes`]): the events one network
//! thread decodes in one turn of its event loop cost one wake-up, not one each. Under a heavy
//! event load even that stops, and under a light one signals go out at once: see [`Moderation`].

use once_cell::sync::Lazy;
use std::cell::Cell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

/// How long queued work may wait while every thread is busy and none makes progress before the
/// monitor adds a thread.
pub(crate) const STALL: Duration = Duration::from_millis(20);
/// An extra thread with no work for this long leaves.
const EXTRA_IDLE: Duration = Duration::from_secs(2);

/// The threads that always run: one per core, at least two (so one blocking callback never
/// stalls everything on a one-core machine).
pub(crate) fn base_threads() -> usize {
    // Read once: `available_parallelism` reads cgroup files on every call.
    static BASE: Lazy<usize> = Lazy::new(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .max(2)
    });
    *BASE
}

/// The most threads the pool runs at once: the base plus four for callbacks that block.
pub(crate) fn max_threads() -> usize {
    base_threads() + 4
}

/// Wake-ups a network thread may defer before it signals anyway: bounds how long queued work
/// can wait on a network thread that stays busy without parking.
const MAX_DEFERRED: u32 = 8;

/// While batching, how often the collecting worker looks at the queue: the most an event
/// waits for a pool thread beyond an unbatched wake-up.
const BATCH_INTERVAL: Duration = Duration::from_millis(1);
/// Network threads defer their signals while workers are wanted this often (signals sent or
/// saved, per second)...
const DEFER_ON_PER_S: u64 = 500;
/// ...and stop below this.
const DEFER_OFF_PER_S: u64 = 250;
/// Batching starts at this rate...
const BATCH_ON_PER_S: u64 = 2_000;
/// ...and stops below this.
const BATCH_OFF_PER_S: u64 = 1_000;
/// The window over which the rate is measured.
const RATE_WINDOW: Duration = Duration::from_millis(50);

/// Interrupt moderation for the pool, in two levels chosen by how often workers are wanted.
/// Each wake-up of an idle worker costs a futex call and two context switches (about 10 µs of
/// CPU on a virtual machine); at thousands of events a second, spread out in time, that was a
/// tenth of a core. A network card moderates its interrupts the same way, trading a little
/// latency under load for far fewer wake-ups, and none when idle:
/// - **defer** (from [`DEFER_ON_PER_S`]): a network thread signals once per turn of its event
///   loop, when it is about to park (see [`flush_deferred_wakes`]), not once per event. Below
///   the rate it signals at once: deferring a lone event to the end of the turn costs it about
///   50 µs, which only a busy pool earns back.
/// - **batch** (from [`BATCH_ON_PER_S`]): one idle worker, the *collector*, waits with a
///   timeout of [`BATCH_INTERVAL`] and takes whatever was queued meanwhile, and signals it
///   would cover are not sent: at most [`BATCH_INTERVAL`] more latency. A collector that takes
///   a task stops collecting, so a callback that blocks never holds up the others: signals go
///   out again until another idle worker collects.
struct Moderation {
    defer: bool,
    batch: bool,
    /// An idle worker waits with a timeout of [`BATCH_INTERVAL`] (at most one does).
    collector: bool,
    /// Signals wanted (sent or saved) since `window_start`.
    wanted: u64,
    window_start: Instant,
}

impl Moderation {
    /// Counts one wanted signal; true if the collector will take the work in time, so the
    /// signal need not be sent.
    fn want(&mut self) -> bool {
        self.wanted += 1;
        self.review(Instant::now());
        self.collector
    }

    /// At the end of each window, sets the levels by the rate of wanted signals.
    fn review(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.window_start);
        if elapsed < RATE_WINDOW {
            return;
        }
        let per_s = self.wanted * 1_000_000 / (elapsed.as_micros() as u64).max(1);
        let level = |on: &mut bool, up: u64, down: u64| {
            if per_s >= up {
                *on = true;
            } else if per_s < down {
                *on = false;
            }
        };
        level(&mut self.defer, DEFER_ON_PER_S, DEFER_OFF_PER_S);
        level(&mut self.batch, BATCH_ON_PER_S, BATCH_OFF_PER_S);
        self.wanted = 0;
        self.window_start = now;
    }
}

thread_local! {
    /// This thread defers its wake-ups to [`flush_deferred_wakes`] (set on the network
    /// runtime's worker threads, which call it each time they park).
    static DEFERS_WAKES: Cell<bool> = const { Cell::new(false) };
    /// Wake-ups this thread has deferred since its last flush.
    static DEFERRED: Cell<u32> = const { Cell::new(0) };
}

/// Called by a network runtime worker each time it is about to park (it has nothing left to
/// run): signals an idle pool worker if this thread queued work for the pool without doing so.
/// From the first call on, while the pool is busy (the `defer` level of [`Moderation`]), this
/// thread defers its signals until its next park, or until it has deferred [`MAX_DEFERRED`] of
/// them: a burst of events decoded in one turn of the event loop then costs one futex wake,
/// and the pool worker woken finds them all (it wakes a second worker when it leaves work
/// behind). Only threads that call this defer, so a thread that never
/// parks here (an application thread, a blocking-pool thread) always signals at once.
pub(crate) fn flush_deferred_wakes() {
    DEFERS_WAKES.with(|d| d.set(true));
    if DEFERRED.with(|n| n.replace(0)) > 0 {
        let q = POOL.lock();
        POOL.see_to_backlog(q, Signal::Now);
    }
}

/// Whether an idle worker is signalled for queued work.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Signal {
    /// Now.
    Now,
    /// Now, or at the calling thread's next park if it is a network thread that defers
    /// ([`flush_deferred_wakes`]).
    Deferrable,
    /// Not: the calling worker takes the work next itself.
    Not,
}

/// Whether the caller should skip signalling an idle worker now: it is a network thread that
/// will flush at its next park, and it has not yet deferred too many.
fn defer_wake() -> bool {
    DEFERS_WAKES.with(|d| d.get())
        && DEFERRED.with(|n| {
            let deferred = n.get() + 1;
            n.set(if deferred >= MAX_DEFERRED { 0 } else { deferred });
            deferred < MAX_DEFERRED
        })
}

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Not queued, not running: the next wake queues it.
const IDLE: u8 = 0;
/// In the queue.
const QUEUED: u8 = 1;
/// Being polled by a worker.
const RUNNING: u8 = 2;
/// Woken while being polled: the worker queues it again afterwards.
const NOTIFIED: u8 = 3;
/// Finished; wakes are ignored.
const DONE: u8 = 4;

struct Task {
    state: AtomicU8,
    /// Only the worker that moved the state to RUNNING touches it, so the lock is never
    /// contended; it makes the exclusivity safe to express.
    future: Mutex<Option<BoxFuture>>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            let next = match state {
                IDLE => QUEUED,
                RUNNING => NOTIFIED,
                _ => return,
            };
            match self
                .state
                .compare_exchange_weak(state, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        if state == IDLE {
            POOL.push(self.clone(), true);
        }
    }
}

struct Queue {
    tasks: VecDeque<Arc<Task>>,
    /// Threads running (base and extra).
    threads: usize,
    /// Threads waiting for work.
    idle: usize,
    /// Idle threads already signalled and not yet awake: no second signal for them.
    waking: usize,
    /// Tasks taken from the queue so far: the monitor's measure of progress.
    taken: u64,
    /// The monitor thread exists.
    monitor_started: bool,
    /// The monitor waits for a stall to watch (it needs a signal to start watching).
    monitor_parked: bool,
    moderation: Moderation,
}

struct Pool {
    queue: Mutex<Queue>,
    work: Condvar,
    monitor: Condvar,
}

static POOL: Lazy<Pool> = Lazy::new(|| Pool {
    queue: Mutex::new(Queue {
        tasks: VecDeque::new(),
        threads: 0,
        idle: 0,
        waking: 0,
        taken: 0,
        monitor_started: false,
        monitor_parked: false,
        moderation: Moderation {
            defer: false,
            batch: false,
            collector: false,
            wanted: 0,
            window_start: Instant::now(),
        },
    }),
    work: Condvar::new(),
    monitor: Condvar::new(),
});

/// Runs `future` on the pool until it completes or is cancelled.
pub(crate) fn spawn(future: impl Future<Output = ()> + Send + 'static) -> TaskHandle {
    let task = Arc::new(Task {
        state: AtomicU8::new(QUEUED),
        future: Mutex::new(Some(Box::pin(future))),
    });
    POOL.push(task.clone(), true);
    TaskHandle(task)
}

/// A spawned task, to cancel it.
pub(crate) struct TaskHandle(Arc<Task>);

impl TaskHandle {
    /// Drops the task's future on this thread unless a worker is polling it right now (then
    /// it runs to its next await and the caller must make it end itself). So stopping a task
    /// never needs a free worker, even when every worker is held by a callback.
    pub fn cancel(&self) {
        let task = &self.0;
        let mut state = task.state.load(Ordering::Acquire);
        while state == IDLE || state == QUEUED {
            match task
                .state
                .compare_exchange(state, DONE, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => {
                    // A queued copy is skipped by the worker that pops it (see `run`).
                    let future = task.future.lock().unwrap_or_else(|e| e.into_inner()).take();
                    drop(future);
                    return;
                }
                Err(now) => state = now,
            }
        }
    }
}

/// How many pool threads run now.
#[cfg(test)]
fn threads() -> usize {
    POOL.lock().threads
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `task`; `wake_idle`: signal an idle worker for it (not needed when the calling
    /// worker requeues its own task), at once or, on a network thread, at its next park.
    fn push(&'static self, task: Arc<Task>, wake_idle: bool) {
        let mut q = self.lock();
        q.tasks.push_back(task);
        if q.threads < base_threads() {
            // The base threads start with the first work.
            q.threads += 1;
            drop(q);
            self.start_worker(false);
            return;
        }
        let signal = if wake_idle {
            Signal::Deferrable
        } else {
            Signal::Not
        };
        self.see_to_backlog(q, signal);
    }

    /// Makes sure queued work gets a thread: an idle worker not yet signalled is woken (unless
    /// `signal` says the caller takes work next itself or flushes later); with no idle
    /// worker left, the monitor watches for a stall (started on first need). Called on every
    /// push and by a worker that leaves work behind it: a worker that stops being idle must not
    /// strand tasks queued while it was counted idle.
    fn see_to_backlog(&'static self, mut q: MutexGuard<'_, Queue>, signal: Signal) {
        if q.tasks.is_empty() {
            return;
        }
        if q.idle > q.waking {
            // Only a signal that would be sent counts towards the deferral bound.
            let now = match signal {
                Signal::Now => true,
                Signal::Deferrable => !(q.moderation.defer && defer_wake()),
                Signal::Not => false,
            };
            if now && !q.moderation.want() {
                q.waking += 1;
                self.work.notify_one();
            }
            return;
        }
        if q.idle > 0 {
            // Every idle worker is already being woken; each one that takes a task and leaves
            // more behind comes back here.
            return;
        }
        if q.monitor_parked {
            q.monitor_parked = false;
            self.monitor.notify_one();
        } else if !q.monitor_started && q.threads < max_threads() {
            q.monitor_started = true;
            drop(q);
            let spawned = std::thread::Builder::new()
                .name("gemini-live-cb-monitor".into())
                .spawn(move || self.watch());
            if spawned.is_err() {
                self.lock().monitor_started = false;
            }
        }
    }

    fn start_worker(&'static self, extra: bool) {
        let spawned = std::thread::Builder::new()
            .name("gemini-live-cb".into())
            .spawn(move || self.work_loop(extra));
        if spawned.is_err() {
            // Out of threads: the tasks wait for the threads that exist (and the monitor
            // tries again at the next stall).
            self.lock().threads -= 1;
        }
    }

    fn work_loop(&'static self, extra: bool) {
        loop {
            let task = {
                let mut q = self.lock();
                loop {
                    if let Some(task) = q.tasks.pop_front() {
                        q.taken += 1;
                        self.see_to_backlog(q, Signal::Now);
                        break task;
                    }
                    q.idle += 1;
                    let collect = !extra && q.moderation.batch && !q.moderation.collector;
                    q.moderation.collector |= collect;
                    let (guard, timeout) = if collect {
                        let (g, _) = self
                            .work
                            .wait_timeout(q, BATCH_INTERVAL)
                            .unwrap_or_else(|e| e.into_inner());
                        (g, false)
                    } else if extra {
                        let (g, t) = self
                            .work
                            .wait_timeout(q, EXTRA_IDLE)
                            .unwrap_or_else(|e| e.into_inner());
                        (g, t.timed_out())
                    } else {
                        (self.work.wait(q).unwrap_or_else(|e| e.into_inner()), false)
                    };
                    q = guard;
                    q.idle -= 1;
                    // Also after a timeout: a signal that raced it may have been lost, and one
                    // signal too many costs less than work stranded behind a count too high.
                    q.waking = q.waking.saturating_sub(1);
                    if collect {
                        q.moderation.collector = false;
                        q.moderation.review(Instant::now());
                    }
                    if timeout && q.tasks.is_empty() {
                        q.threads -= 1;
                        return;
                    }
                }
            };
            run(task);
        }
    }

    /// The monitor: while work waits and no thread is idle, checks every [`STALL`] whether any
    /// task was taken; if none was, every thread is held by a callback, so it adds one.
    fn watch(&'static self) {
        let mut q = self.lock();
        loop {
            while q.tasks.is_empty() || q.idle > 0 {
                q.monitor_parked = true;
                q = self.monitor.wait(q).unwrap_or_else(|e| e.into_inner());
            }
            let taken = q.taken;
            q = self
                .monitor
                .wait_timeout(q, STALL)
                .unwrap_or_else(|e| e.into_inner())
                .0;
            if !q.tasks.is_empty() && q.idle == 0 && q.taken == taken && q.threads < max_threads() {
                q.threads += 1;
                drop(q);
                self.start_worker(true);
                q = self.lock();
            }
        }
    }
}

/// Polls `task` once and settles its state: done, idle, or queued again if it was woken
/// meanwhile.
fn run(task: Arc<Task>) {
    if task
        .state
        .compare_exchange(QUEUED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return; // cancelled while queued
    }
    let waker = Waker::from(task.clone());
    let mut cx = Context::from_waker(&waker);
    let mut slot = task.future.lock().unwrap_or_else(|e| e.into_inner());
    let finished = match slot.as_mut() {
        // A panic escaping a delivery future ends that future only (the delivery code already
        // guards the callback path; this keeps the pool thread alive regardless).
        Some(future) => {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| future.as_mut().poll(&mut cx)))
                .map(|p| p.is_ready())
                .unwrap_or(true)
        }
        None => true,
    };
    if finished {
        *slot = None;
        task.state.store(DONE, Ordering::Release);
        return;
    }
    drop(slot);
    if task
        .state
        .compare_exchange(RUNNING, IDLE, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        // NOTIFIED: woken while running; back to the end of the queue (fair to the others).
        task.state.store(QUEUED, Ordering::Release);
        POOL.push(task, false);
    }
}

/// Returns `Pending` once after waking itself: lets a session that has many events ready give
/// its thread to the others between batches.
pub(crate) async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(move |cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::mpsc;
    use std::time::Instant;

    #[test]
    fn blocked_threads_do_not_stall_other_tasks() {
        blocked_threads_leave_room_for_a_later_task();
    }

    #[test]
    fn blocked_threads_do_not_stall_other_tasks_while_batching() {
        // A collector that takes a blocking task stops collecting: the signals for the rest
        // must go out again (else they wait on an idle worker nobody wakes).
        let _levels = Forced::levels(true, true);
        blocked_threads_leave_room_for_a_later_task();
    }

    /// Taken by the tests that set or watch the moderation levels, one at a time.
    static LEVELS: Mutex<()> = Mutex::new(());

    fn levels_turn() -> MutexGuard<'static, ()> {
        LEVELS.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Holds the moderation levels (no review for an hour) until dropped. Tests running
    /// meanwhile only see their wake-ups moderated differently; the levels are a matter of
    /// latency, never of whether work runs.
    struct Forced(#[allow(dead_code)] MutexGuard<'static, ()>);

    impl Forced {
        fn levels(defer: bool, batch: bool) -> Self {
            let turn = levels_turn();
            let mut q = POOL.lock();
            q.moderation.defer = defer;
            q.moderation.batch = batch;
            q.moderation.window_start = Instant::now() + Duration::from_secs(3600);
            Forced(turn)
        }
    }

    impl Drop for Forced {
        fn drop(&mut self) {
            let mut q = POOL.lock();
            q.moderation.defer = false;
            q.moderation.batch = false;
            q.moderation.wanted = 0;
            q.moderation.window_start = Instant::now();
        }
    }

    #[test]
    fn batching_follows_the_load() {
        // 4,000 tasks a second, each pushed when the workers have gone idle, as events spread
        // over time arrive: batching starts, and every task runs once.
        let _turn = levels_turn();
        settle_idle();
        let (tx, rx) = mpsc::channel();
        let mut next = Instant::now();
        let mut seen_on = false;
        for i in 0..1200 {
            // Paces the load (a busy wait: this thread must not sleep through its schedule).
            while Instant::now() < next {
                std::hint::spin_loop();
            }
            next += Duration::from_micros(250);
            let tx = tx.clone();
            spawn(async move {
                tx.send(i).unwrap();
            });
            seen_on |= POOL.lock().moderation.batch;
        }
        let mut got: Vec<usize> = (0..1200)
            .map(|_| {
                rx.recv_timeout(Duration::from_secs(10))
                    .expect("a task never ran")
            })
            .collect();
        assert!(seen_on, "4,000 wake-ups a second never started batching");
        got.sort_unstable();
        assert_eq!(got, (0..1200).collect::<Vec<_>>());
        // Without load it stops, and no worker keeps waking every millisecond. (Deferral may
        // stay on until the next signal wanted, which then finds the rate low: it costs that
        // one event some latency, never a wake-up.)
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let q = POOL.lock();
            if !q.moderation.batch && !q.moderation.collector {
                break;
            }
            drop(q);
            assert!(Instant::now() < deadline, "batching never stopped without load");
            std::thread::yield_now();
        }
    }

    fn blocked_threads_leave_room_for_a_later_task() {
        // Block every base thread (and then some) in "callbacks"; a later task still runs,
        // once the monitor has added a thread. Start with the workers idle, so that the pushes
        // find them idle and signal them all: then the workers themselves, when they leave
        // tasks behind, must call the monitor (a stranded queue otherwise).
        settle_idle();
        let release = Arc::new((Mutex::new(false), Condvar::new()));
        let blocked = Arc::new(AtomicUsize::new(0));
        for _ in 0..base_threads() + 1 {
            let release = release.clone();
            let blocked = blocked.clone();
            spawn(async move {
                blocked.fetch_add(1, Ordering::SeqCst);
                let mut open = release.0.lock().unwrap();
                while !*open {
                    open = release.1.wait(open).unwrap();
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        let start = Instant::now();
        spawn(async move {
            tx.send(()).unwrap();
        });
        let ran = rx.recv_timeout(Duration::from_secs(10));
        *release.0.lock().unwrap() = true;
        release.1.notify_all();
        assert!(
            ran.is_ok(),
            "a task waited behind blocked callbacks for {:?}",
            start.elapsed()
        );
        assert!(threads() <= max_threads());
    }

    /// Starts the base threads and waits until all of them wait for work, with no signal on
    /// its way to any of them (one still pending would run whatever is pushed next).
    fn settle_idle() {
        for _ in 0..base_threads() {
            spawn(async {});
        }
        let settle = Instant::now() + Duration::from_secs(10);
        loop {
            let q = POOL.lock();
            if q.tasks.is_empty() && q.idle == q.threads && q.waking == 0 && q.threads >= base_threads() {
                break;
            }
            drop(q);
            assert!(Instant::now() < settle, "the pool never went idle");
            std::thread::yield_now();
        }
    }

    /// Spawns `n` tasks from this thread that each report on `tx`.
    fn spawn_reporters(n: usize, tx: &mpsc::Sender<usize>) {
        for i in 0..n {
            let tx = tx.clone();
            spawn(async move {
                tx.send(i).unwrap();
            });
        }
    }

    #[test]
    fn a_network_thread_signals_its_deferred_work_when_it_parks() {
        // Idle workers (so only a signal gets the tasks run), and this thread now defers its
        // signals, as a network thread does after its first park while the pool is busy.
        let _levels = Forced::levels(true, false);
        settle_idle();
        flush_deferred_wakes();
        let (tx, rx) = mpsc::channel();
        spawn_reporters(3, &tx);
        flush_deferred_wakes();
        for _ in 0..3 {
            rx.recv_timeout(Duration::from_secs(10))
                .expect("a task deferred by a network thread never ran after its park");
        }
    }

    #[test]
    fn a_network_thread_that_never_parks_still_signals_every_few_events() {
        let _levels = Forced::levels(true, false);
        settle_idle();
        flush_deferred_wakes();
        let (tx, rx) = mpsc::channel();
        // No flush after these: the bound alone must get them run.
        spawn_reporters(MAX_DEFERRED as usize, &tx);
        for _ in 0..MAX_DEFERRED {
            rx.recv_timeout(Duration::from_secs(10))
                .expect("deferred tasks stranded on a network thread that never parked");
        }
    }

    #[test]
    fn a_network_thread_signals_at_once_while_the_pool_is_not_busy() {
        // Deferring a lone event to the end of the event-loop turn only costs it latency.
        let _levels = Forced::levels(false, false);
        settle_idle();
        flush_deferred_wakes();
        let (tx, rx) = mpsc::channel();
        spawn_reporters(1, &tx);
        rx.recv_timeout(Duration::from_secs(10))
            .expect("a network thread deferred its signal while the pool was not busy");
        // Nothing was left for the next park.
        assert_eq!(DEFERRED.with(Cell::get), 0);
    }

    #[test]
    fn cancel_drops_a_waiting_task_on_the_calling_thread() {
        struct Guard(Arc<AtomicUsize>);
        impl Drop for Guard {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicUsize::new(0));
        let guard = Guard(dropped.clone());
        let (polled_tx, polled_rx) = mpsc::channel();
        let (_never_tx, never_rx) = tokio::sync::oneshot::channel::<()>();
        let handle = spawn(async move {
            let _guard = guard;
            polled_tx.send(()).unwrap();
            let _ = never_rx.await;
        });
        polled_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        // Parked on the oneshot (IDLE) once the worker has settled it; cancel until dropped.
        let deadline = Instant::now() + Duration::from_secs(10);
        while dropped.load(Ordering::SeqCst) == 0 {
            handle.cancel();
            assert!(Instant::now() < deadline, "the task was never dropped");
            std::thread::yield_now();
        }
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_task_woken_while_running_runs_again_in_order() {
        let (tx, rx) = mpsc::channel();
        let (etx, mut erx) = tokio::sync::mpsc::channel::<u32>(4);
        spawn(async move {
            let mut n = 0;
            while let Some(v) = erx.recv().await {
                tx.send(v).unwrap();
                n += 1;
                if n % 3 == 0 {
                    yield_now().await;
                }
            }
        });
        let producer = std::thread::spawn(move || {
            for v in 0..1000 {
                etx.blocking_send(v).unwrap();
            }
        });
        let got: Vec<u32> = (0..1000)
            .map(|_| rx.recv_timeout(Duration::from_secs(10)).unwrap())
            .collect();
        producer.join().unwrap();
        assert_eq!(got, (0..1000).collect::<Vec<_>>());
    }
}
