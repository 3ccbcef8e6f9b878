//! Process CPU time and resident memory, from `/proc` (Linux).

/// Clock ticks per second of `/proc/*/stat` (USER_HZ, 100 on every Linux this runs on).
const USER_HZ: f64 = 100.0;

/// User + system CPU seconds of process `pid` ("self" for this one); 0 if unreadable.
pub fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / USER_HZ
}

/// Resident set size of this process in bytes (`/proc/self/statm`, pages of 4 KiB).
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// OS threads of this process.
pub fn threads() -> u64 {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.count() as u64)
        .unwrap_or(0)
}

/// Context switches (voluntary + involuntary) summed over this process's live threads.
pub fn context_switches() -> u64 {
    context_switches_by_thread().values().sum()
}

/// Context switches (voluntary + involuntary) of this process's live threads, summed per
/// thread name (`gemini-live-io`, `gemini-live-cb`, the driver's `main`, ...): where the
/// wake-ups happen.
pub fn context_switches_by_thread() -> std::collections::BTreeMap<String, u64> {
    let mut by_name = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return by_name;
    };
    for task in tasks.flatten() {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        let mut name = String::new();
        let mut switches = 0;
        for line in status.lines() {
            if let Some(n) = line.strip_prefix("Name:") {
                name = n.trim().to_owned();
            } else if let Some(v) = line
                .strip_prefix("voluntary_ctxt_switches:")
                .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))
            {
                switches += v.trim().parse::<u64>().unwrap_or(0);
            }
        }
        *by_name.entry(name).or_insert(0) += switches;
    }
    by_name
}

/// Heap bytes handed out by the C allocator and not yet freed, all arenas (glibc
/// `mallinfo2`: `uordblks` plus mmapped blocks). Unlike RSS it does not count memory freed but
/// kept by the allocator, so it tells live memory from fragmentation.
pub fn heap_in_use() -> u64 {
    #[repr(C)]
    struct MallInfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }
    extern "C" {
        fn mallinfo2() -> MallInfo2;
    }
    // SAFETY: glibc's mallinfo2 takes no arguments and returns a plain struct.
    let m = unsafe { mallinfo2() };
    (m.uordblks + m.hblkhd) as u64
}

/// Raises this process's open-file limit to its hard limit (children inherit it), so that
/// thousands of sessions (a socket each, and the mock's end of each) fit. Returns the limit now
/// in force.
pub fn raise_open_files() -> u64 {
    #[repr(C)]
    struct RLimit {
        cur: u64,
        max: u64,
    }
    const RLIMIT_NOFILE: i32 = 7;
    extern "C" {
        fn getrlimit(resource: i32, rlim: *mut RLimit) -> i32;
        fn setrlimit(resource: i32, rlim: *const RLimit) -> i32;
    }
    let mut lim = RLimit { cur: 0, max: 0 };
    // SAFETY: plain libc calls with a valid struct of the kernel's layout (two rlim_t, 64-bit).
    unsafe {
        if getrlimit(RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        if lim.cur < lim.max {
            let raised = RLimit {
                cur: lim.max,
                max: lim.max,
            };
            if setrlimit(RLIMIT_NOFILE, &raised) == 0 {
                lim.cur = lim.max;
            }
        }
    }
    lim.cur
}
