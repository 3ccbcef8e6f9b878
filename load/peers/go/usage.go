package main

// #include <malloc.h>
// static unsigned long long heap_in_use(void) {
//     struct mallinfo2 m = mallinfo2();
//     return (unsigned long long)(m.uordblks + m.hblkhd);
// }
import "C"

import (
	"os"
	"strconv"
	"strings"
)

// The same /proc figures as the Rust load tool (load/src/usage.rs).

// userHZ is the clock-tick rate of /proc/*/stat (USER_HZ, 100 on every Linux this runs on).
const userHZ = 100.0

// cpuSeconds is utime + stime of process pid ("self" for this one); 0 if unreadable.
func cpuSeconds(pid string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / userHZ
}

// rssBytes is this process's resident set size (/proc/self/statm, 4 KiB pages).
func rssBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	p, _ := strconv.ParseUint(f[1], 10, 64)
	return p * 4096
}

// threads is the number of OS threads of this process.
func threads() int {
	d, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return 0
	}
	return len(d)
}

// contextSwitches sums voluntary and involuntary switches over this process's live threads.
func contextSwitches() uint64 {
	d, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return 0
	}
	var total uint64
	for _, t := range d {
		b, err := os.ReadFile("/proc/self/task/" + t.Name() + "/status")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			v, ok := strings.CutPrefix(line, "voluntary_ctxt_switches:")
			if !ok {
				v, ok = strings.CutPrefix(line, "nonvoluntary_ctxt_switches:")
			}
			if ok {
				n, _ := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
				total += n
			}
		}
	}
	return total
}

// cHeapInUse is what the C allocator has handed out and not freed (glibc mallinfo2): the
// Rust library's heap in the binding driver.
func cHeapInUse() uint64 { return uint64(C.heap_in_use()) }

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b))
}
