package geminilive

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	code := m.Run()
	// Abandoned connects finish within their connect timeout; then every cgo.Handle must have
	// been released exactly once.
	done := make(chan struct{})
	go func() { abandoned.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		fmt.Fprintln(os.Stderr, "abandoned connects did not finish")
		code = 1
	}
	if n := liveHandles.Load(); n != 0 && code == 0 {
		fmt.Fprintf(os.Stderr, "%d cgo handles leaked\n", n)
		code = 1
	}
	os.Exit(code)
}

func startMock(t *testing.T, cfg string) *MockServer {
	t.Helper()
	m, err := StartMockServer(cfg)
	if err != nil {
		t.Fatalf("StartMockServer: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func mockConfig(m *MockServer, cfg Config) Config {
	cfg.BaseURL = m.URL()
	if cfg.APIKey == "" && cfg.Credentials == nil && cfg.Vertex == nil && cfg.EphemeralToken == "" {
		cfg.APIKey = "test-key"
	}
	return cfg
}

func connect(t *testing.T, m *MockServer, cfg Config) *Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := Connect(ctx, mockConfig(m, cfg))
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// until receives events until pred returns true, failing after timeout. It returns all
// events received, the matching one last.
func until(t *testing.T, s *Session, timeout time.Duration, pred func(Event) bool) []Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var got []Event
	for {
		e, err := s.Receive(ctx)
		if err != nil {
			t.Fatalf("Receive: %v; events so far: %s", err, describe(got))
		}
		got = append(got, e)
		if pred(e) {
			return got
		}
	}
}

func is[T Event](e Event) bool { _, ok := e.(T); return ok }

func find[T Event](events []Event) (T, bool) {
	for _, e := range events {
		if v, ok := e.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func describe(events []Event) string {
	s := ""
	for _, e := range events {
		switch v := e.(type) {
		case *Audio:
			s += fmt.Sprintf("Audio(%d bytes @%d) ", len(v.Data), v.SampleRate)
		default:
			b, _ := json.Marshal(v)
			s += fmt.Sprintf("%T%s ", e, b)
		}
	}
	return s
}

func stat(t *testing.T, m *MockServer, path ...string) float64 {
	t.Helper()
	raw, err := m.StatsJSON()
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	for _, p := range path {
		v = v.(map[string]any)[p]
	}
	f, _ := v.(float64)
	return f
}

// pcm returns 16 kHz PCM16LE: a loud 440 Hz tone for speech, then silence.
func pcm(speech, silence time.Duration) []byte {
	const rate = 16000
	n1 := int(speech.Seconds() * rate)
	n2 := int(silence.Seconds() * rate)
	b := make([]byte, 2*(n1+n2))
	for i := 0; i < n1; i++ {
		v := int16(8000 * math.Sin(2*math.Pi*440*float64(i)/rate))
		b[2*i] = byte(v)
		b[2*i+1] = byte(uint16(v) >> 8)
	}
	return b
}
