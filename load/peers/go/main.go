// Command peers drives N real-time Live sessions against the mock server (a separate
// process in load mode) with one of two Go clients, on the same load and with the same
// measurements as the Rust load tool (load/src) and the Python peer (load/bench/python_peer.py):
//
//	-client genai    the official Go SDK, google.golang.org/genai (client.Live.Connect)
//	-client binding  this repository's Go binding (bindings/go), the C library through cgo
//
// Each session has one sender goroutine, as the SDK's users write it (-sender shared: one
// goroutine sends for every session, as the Rust tool's driver thread): 640 bytes of 16 kHz
// PCM16 every 20 ms and a "ping:<ns>" realtime text once per second; one receive goroutine
// per session counts reply audio, turnComplete and "pong:<ns>" answers. Session i starts
// floor(i*spread/N) ms after the first. CPU (utime+stime of this process), context switches
// (summed over /proc/self/task/*/status), threads and RSS (/proc/self/statm minus the value
// at start) are taken over the steady window: after the warm-up, once every session runs.
// Loss: the mock owes 48,000 audio bytes per full second of audio sent; with a spawned mock
// its counters tell answers it skipped (it fell behind) from audio the client lost.
//
//	peers -client genai|binding [-sessions N] [-seconds S] [-warmup S] [-start-spread-ms MS]
//	      [-ping-hz F] [-sender per-session|shared] [-mock-bin PATH | -mock-url ws://HOST:PORT]
//	      [-mock-threads N] [-json] [-cpuprofile FILE]
//
// Exit status: 0 when nothing was lost and no send failed, 1 otherwise, 2 on a setup error.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

const (
	chunkNS     = 20_000_000
	chunkBytes  = 640
	lateNS      = 20_000_000
	answerBytes = 48_000 // 1 s of 24 kHz PCM16
	chunksPerS  = 50
)

var epoch = time.Now()

// nowNS is a monotonic clock in ns, the timestamp carried by pings.
func nowNS() int64 { return int64(time.Since(epoch)) }

func sleepUntil(t int64) {
	if d := t - nowNS(); d > 0 {
		time.Sleep(time.Duration(d))
	}
}

// histogram of lateness: 10 µs buckets up to 200 ms, one overflow bucket (as load/src/stats.rs).
type histogram struct {
	buckets [20_001]atomic.Uint32
	count   atomic.Uint64
	max     atomic.Int64
}

func (h *histogram) record(ns int64) {
	i := ns / 10_000
	if i < 0 {
		i = 0
	}
	if i > 20_000 {
		i = 20_000
	}
	h.buckets[i].Add(1)
	h.count.Add(1)
	for {
		m := h.max.Load()
		if ns <= m || h.max.CompareAndSwap(m, ns) {
			return
		}
	}
}

func (h *histogram) pctMS(p float64) any {
	n := h.count.Load()
	if n == 0 {
		return nil
	}
	rank := uint64(math.Max(1, math.Ceil(p/100*float64(n))))
	var seen uint64
	for i := range h.buckets {
		seen += uint64(h.buckets[i].Load())
		if seen >= rank {
			if i == 20_000 {
				return float64(h.max.Load()) / 1e6
			}
			return float64((i+1)*10_000) / 1e6
		}
	}
	return float64(h.max.Load()) / 1e6
}

// pct is the nearest-rank percentile of sorted ns samples, in ms (nil when empty).
func pct(sorted []int64, p float64) any {
	if len(sorted) == 0 {
		return nil
	}
	rank := int(math.Max(1, math.Ceil(p/100*float64(len(sorted)))))
	return float64(sorted[rank-1]) / 1e6
}

func num(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return x
}

type window struct {
	cpu, mockCPU, secs float64
	switches           uint64
	sent               uint64 // chunks sent during the window
	rss, cHeap         uint64
	goHeap             uint64
	threads            int
}

func goHeapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func main() {
	client := flag.String("client", "", "genai (google.golang.org/genai) or binding (bindings/go)")
	n := flag.Int("sessions", 10, "concurrent sessions")
	seconds := flag.Float64("seconds", 10, "seconds of real-time audio per session")
	warmup := flag.Float64("warmup", 2, "seconds left out of the CPU window at the start")
	spread := flag.Int64("start-spread-ms", 1000, "session start offsets span this many ms (>= 20)")
	pingHz := flag.Float64("ping-hz", 1, "ping: markers per second per session")
	mockURL := flag.String("mock-url", "", "an already running mock in load mode (else one is spawned)")
	mockBin := flag.String("mock-bin", "target/release/gemini-live-mock", "the mock binary to spawn")
	mockThreads := flag.Int("mock-threads", 1, "--threads of a spawned mock")
	connectPar := flag.Int("connect-parallel", 4, "sessions connecting at once")
	sender := flag.String("sender", "per-session", "per-session (one sender goroutine per session) or shared (one for all)")
	asJSON := flag.Bool("json", false, "print one JSON object")
	cpuProfile := flag.String("cpuprofile", "", "write a Go CPU profile of the steady window to this file")
	flag.Parse()

	var dial dialer
	var peerName string
	switch *client {
	case "genai":
		dial, peerName = dialGenai, "google.golang.org/genai "+moduleVersion("google.golang.org/genai")
	case "binding":
		dial, peerName = dialBinding, "gemini-live Go binding (cgo)"
	default:
		fmt.Fprintln(os.Stderr, "peers: -client genai|binding is required")
		os.Exit(2)
	}
	if *sender != "per-session" && *sender != "shared" {
		fmt.Fprintln(os.Stderr, "peers: -sender per-session|shared")
		os.Exit(2)
	}
	if *n < 1 || *seconds <= 0 || *pingHz <= 0 || *pingHz > 50 {
		fmt.Fprintln(os.Stderr, "peers: need -sessions >= 1, -seconds > 0, 0 < -ping-hz <= 50")
		os.Exit(2)
	}
	*warmup = math.Max(0, math.Min(*warmup, *seconds/2))

	rssBase, cHeapBase, goHeapBase, threadsBase := rssBytes(), cHeapInUse(), goHeapInUse(), threads()

	var mock *mockProc
	url := *mockURL
	if url == "" {
		m, err := spawnMock(*mockBin, *mockThreads)
		if err != nil {
			fmt.Fprintln(os.Stderr, "peers: cannot start the mock:", err)
			os.Exit(2)
		}
		mock, url = m, m.url
		defer mock.stop()
	}

	// Connect every session (a few at a time), each with its receive goroutine running.
	ctx := context.Background()
	tConnect := time.Now()
	sessions := make([]session, *n)
	ctrs := make([]*counters, *n)
	{
		var next atomic.Int64
		var failed atomic.Pointer[error]
		var wg sync.WaitGroup
		for w := 0; w < min(*connectPar, *n); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= *n || failed.Load() != nil {
						return
					}
					c := &counters{}
					s, err := dial(ctx, url, c)
					if err != nil {
						err = fmt.Errorf("session %d: %w", i, err)
						failed.Store(&err)
						return
					}
					sessions[i], ctrs[i] = s, c
				}
			}()
		}
		wg.Wait()
		if e := failed.Load(); e != nil {
			fmt.Fprintln(os.Stderr, "peers: connect:", *e)
			for _, s := range sessions {
				if s != nil {
					s.close()
				}
			}
			if mock != nil {
				mock.stop()
			}
			os.Exit(2)
		}
	}
	connectS := time.Since(tConnect).Seconds()

	// The schedule (as load/src/ticker.rs): tick k starts at t0 + k*20 ms; session i sends its
	// `ticks` chunks from tick phase_i/20 on, phase_i%20 ms into each tick, and a ping after
	// its chunk when (k + i) % pingEvery == 0.
	ticks := int64(math.Round(*seconds * 1e9 / chunkNS))
	warmTicks := int64(math.Round(*warmup * 1e9 / chunkNS))
	pingEvery := max(1, int64(math.Round(1e9 / *pingHz / chunkNS)))
	sp := max(20, *spread)
	phase := make([]int64, *n)
	var lastStart int64
	for i := range phase {
		phase[i] = int64(i) * sp / int64(*n)
		lastStart = max(lastStart, phase[i]/20)
	}
	windowFirst := min(max(warmTicks, lastStart), ticks-1)
	pcm := make([]byte, chunkBytes)
	for i := 0; i < chunkBytes/2; i++ {
		v := int16(math.Sin(float64(i)*0.157) * 3000)
		pcm[2*i], pcm[2*i+1] = byte(v), byte(uint16(v)>>8)
	}

	var lateness histogram
	var late, sendErrors, sentTotal atomic.Uint64
	chunksOK := make([]uint64, *n)
	pingsOK := make([]uint64, *n)
	t0 := nowNS() + chunkNS
	// send is session i's chunk of tick k, then its ping when due.
	send := func(i int, k int64) {
		s := sessions[i]
		due := t0 + k*chunkNS + (phase[i]%20)*1_000_000
		sleepUntil(due)
		err := s.sendAudio(pcm)
		lag := nowNS() - due
		lateness.record(lag)
		if lag > lateNS {
			late.Add(1)
		}
		if err == nil {
			chunksOK[i]++
			sentTotal.Add(1)
		} else {
			sendErrors.Add(1)
		}
		if (k+int64(i))%pingEvery == 0 {
			if s.sendText(fmt.Sprintf("ping:%d", nowNS())) == nil {
				pingsOK[i]++
			} else {
				sendErrors.Add(1)
			}
		}
	}
	var wg sync.WaitGroup
	switch *sender {
	case "per-session":
		// One sender goroutine per session, as the Go SDK's users write it.
		for i := range sessions {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				first := phase[i] / 20
				for k := first; k < first+ticks; k++ {
					send(i, k)
				}
			}(i)
		}
	case "shared":
		// One goroutine for every session, in the order of their offsets (load/src/ticker.rs).
		order := make([]int, *n)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return phase[order[a]]%20 < phase[order[b]]%20 })
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int64(0); k < ticks+lastStart; k++ {
				for _, i := range order {
					if first := phase[i] / 20; k >= first && k < first+ticks {
						send(i, k)
					}
				}
			}
		}()
	}

	// The steady window, sampled by its own goroutine at the same ticks as the Rust tool.
	mockPID := ""
	if mock != nil {
		mockPID = mock.pid()
	}
	var w window
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		sleepUntil(t0 + windowFirst*chunkNS)
		start := nowNS()
		cpu0, mock0, sw0, sent0 := cpuSeconds("self"), 0.0, contextSwitches(), sentTotal.Load()
		if *cpuProfile != "" {
			if f, err := os.Create(*cpuProfile); err == nil {
				if pprof.StartCPUProfile(f) == nil {
					defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
				}
			}
		}
		if mockPID != "" {
			mock0 = cpuSeconds(mockPID)
		}
		sleepUntil(t0 + ticks*chunkNS)
		w.cpu = cpuSeconds("self") - cpu0
		if mockPID != "" {
			w.mockCPU = cpuSeconds(mockPID) - mock0
		}
		w.switches = contextSwitches() - sw0
		w.sent = sentTotal.Load() - sent0
		w.secs = float64(nowNS()-start) / 1e9
		w.rss, w.cHeap, w.goHeap, w.threads = rssBytes(), cHeapInUse(), goHeapInUse(), threads()
	}()
	wg.Wait()
	<-sampled

	d := drainAll(ctrs, chunksOK, pingsOK, mock)

	var rtts []int64
	for _, c := range ctrs {
		c.mu.Lock()
		rtts = append(rtts, c.rtts...)
		c.mu.Unlock()
	}
	sort.Slice(rtts, func(a, b int) bool { return rtts[a] < rtts[b] })
	tFree := time.Now()
	for _, s := range sessions {
		s.close()
	}
	freeS := time.Since(tFree).Seconds()

	var errs, closedEarly uint64
	for _, c := range ctrs {
		errs += c.errors.Load()
		closedEarly += c.closed.Load()
	}
	nf := float64(*n)
	sessionMinutes := nf * w.secs / 60
	perSessionKiB := func(now, base uint64) any {
		if now < base {
			return 0.0
		}
		return float64(now-base) / nf / 1024
	}
	var chunks, pings uint64
	for i := range chunksOK {
		chunks += chunksOK[i]
		pings += pingsOK[i]
	}
	spawned := mock != nil
	mockCores := any(nil)
	if spawned {
		mockCores = num(w.mockCPU / w.secs)
	}
	rep := map[string]any{
		// The Python peer's flat fields (load/bench/python_peer.py, load/bench/summarize.py).
		"peer":                     peerName,
		"sessions":                 *n,
		"window_s":                 w.secs,
		"cpu_s_per_session_minute": num(w.cpu / sessionMinutes),
		"core_fraction":            num(w.cpu / w.secs),
		"chunks_late_over_20ms":    late.Load(),
		"lateness_max_ms":          float64(lateness.max.Load()) / 1e6,
		"expected_audio_bytes":     d.expected,
		"received_audio_bytes":     d.received,
		"lost_audio_bytes":         d.lost,
		"lost_pongs":               d.lostPongs,
		"rtt_p50_ms":               pct(rtts, 50),
		"rtt_p99_ms":               pct(rtts, 99),
		"loadavg":                  loadavg(),
		// The Rust load tool's sections (load/src/main.rs), same names and meanings.
		"run": map[string]any{
			"sessions": *n, "seconds": *seconds, "start_spread_ms": *spread, "codec": "pcm",
			"audio_bytes_unit": "24 kHz PCM16 bytes", "window_s": w.secs, "connect_all_s": connectS,
			"free_all_s": freeS, "mock": map[bool]string{true: "spawned", false: "external"}[spawned],
			"loadavg": loadavg(), "client": *client, "go": runtime.Version(), "gomaxprocs": runtime.GOMAXPROCS(0),
			"sender": *sender,
		},
		"cpu": map[string]any{
			"client_cpu_s_per_session_minute": num(w.cpu / sessionMinutes),
			"client_core_fraction":            num(w.cpu / w.secs),
			"context_switches_per_s":          num(float64(w.switches) / w.secs),
			// Per minute of audio actually sent in the window: the same as the figure per
			// session-minute when the sends keep their schedule, higher when they fall behind
			// (a client starved of CPU then does less work in the window).
			"cpu_s_per_sent_audio_minute": num(w.cpu / (float64(w.sent) * 0.02 / 60)),
			"chunks_sent_in_window":       w.sent,
			"mock_core_fraction":          mockCores,
		},
		"memory": map[string]any{
			"rss_baseline_kib":        rssBase / 1024,
			"rss_steady_kib":          w.rss / 1024,
			"rss_per_session_kib":     perSessionKiB(w.rss, rssBase),
			"heap_per_session_kib":    perSessionKiB(w.cHeap, cHeapBase),
			"go_heap_per_session_kib": perSessionKiB(w.goHeap, goHeapBase),
			"threads_baseline":        threadsBase,
			"threads_steady":          w.threads,
		},
		"schedule": map[string]any{
			"chunks_sent":           chunks,
			"send_errors":           sendErrors.Load(),
			"chunks_late_over_20ms": late.Load(),
			"lateness_p50_ms":       lateness.pctMS(50),
			"lateness_p99_ms":       lateness.pctMS(99),
			"lateness_max_ms":       float64(lateness.max.Load()) / 1e6,
		},
		"loss": map[string]any{
			"verdict":                     d.verdict(),
			"expected_audio_bytes":        d.expected,
			"received_audio_bytes":        d.received,
			"shortfall_audio_bytes":       d.expected - min(d.expected, d.received),
			"skipped_by_mock_audio_bytes": d.skipped,
			"never_answered_audio_bytes":  d.neverAnswered,
			"queued_at_mock_audio_bytes":  d.queued,
			"lost_by_client_audio_bytes":  d.sentNotDelivered,
			"lost_audio_bytes":            d.lost,
			"pings_sent":                  pings,
			"lost_pongs":                  d.lostPongs,
			"error_events":                errs,
			"closed_early":                d.closedEarly,
		},
		"drain": map[string]any{"end": d.end, "at_s": d.atS, "bound_s": drainBoundS, "mock_counters_error": d.mockErr},
		"rtt": map[string]any{
			"samples": len(rtts),
			"p50_ms":  pct(rtts, 50),
			"p99_ms":  pct(rtts, 99),
			"max_ms":  pct(rtts, 100),
		},
	}
	if *asJSON {
		b, _ := json.Marshal(rep)
		fmt.Println(string(b))
	} else {
		keys := make([]string, 0, len(rep))
		for k := range rep {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b, _ := json.Marshal(rep[k])
			fmt.Printf("%-26s %s\n", k, b)
		}
	}
	if mock != nil {
		mock.stop()
	}
	if d.lost != 0 || d.lostPongs != 0 || sendErrors.Load() != 0 || d.closedEarly != 0 {
		os.Exit(1)
	}
}

// moduleVersion is the version of a dependency linked into this binary.
func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == path {
				return m.Version
			}
		}
	}
	return "(unknown version)"
}
