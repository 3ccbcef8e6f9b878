package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// mockConfig is load mode: every second of audio received is answered with 1 s of 24 kHz
// audio in five 200 ms chunks, then turnComplete (the Rust load tool's MOCK_CONFIG).
const mockConfig = `{"answer_audio_continuously": true, "audio_chunk_ms": 200}`

// mockProc is gemini-live-mock as a separate process: its URL is the last word of the first
// line it prints; a "stats" line on its stdin answers one JSON line of counters; closing
// stdin makes it exit.
type mockProc struct {
	cmd    *exec.Cmd
	url    string
	cfg    string
	stdin  io.WriteCloser
	stdout *bufio.Reader
	once   sync.Once
}

type mockCounters struct {
	OutputAudioBytes uint64 `json:"output_audio_bytes"`
	AnswersQueued    uint64 `json:"answers_queued"`
	AnswersSkipped   uint64 `json:"answers_skipped"`
	TurnsCompleted   uint64 `json:"turns_completed"`
	ConnectionsOpen  uint64 `json:"connections_open"`
}

func spawnMock(bin string, threads int) (*mockProc, error) {
	f, err := os.CreateTemp("", "gemini-live-peer-mock-*.json")
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(mockConfig); err != nil {
		return nil, err
	}
	f.Close()
	cmd := exec.Command(bin, "--port", "0", "--exit-on-stdin-eof", "--threads", fmt.Sprint(threads), "--config", f.Name())
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("mock output: %w", err)
	}
	fields := strings.Fields(line)
	if len(fields) == 0 || !strings.HasPrefix(fields[len(fields)-1], "ws://") {
		return nil, fmt.Errorf("unexpected mock output: %q", line)
	}
	return &mockProc{cmd: cmd, url: fields[len(fields)-1], cfg: f.Name(), stdin: in, stdout: r}, nil
}

func (m *mockProc) pid() string { return fmt.Sprint(m.cmd.Process.Pid) }

func (m *mockProc) counters() (mockCounters, error) {
	var c mockCounters
	if _, err := io.WriteString(m.stdin, "stats\n"); err != nil {
		return c, err
	}
	line, err := m.stdout.ReadString('\n')
	if err != nil {
		return c, err
	}
	err = json.Unmarshal([]byte(line), &c)
	return c, err
}

func (m *mockProc) stop() { m.once.Do(m.doStop) }

func (m *mockProc) doStop() {
	m.stdin.Close()
	done := make(chan struct{})
	go func() { _ = m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-done
	}
	os.Remove(m.cfg)
}
