package geminilive

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPlayoutBoundToSession(t *testing.T) {
	m := startMock(t, `{"realtime_output":true,"audio_chunk_ms":40}`)
	s := connect(t, m, Config{Modality: ModalityAudio})
	p, err := NewPlayout(24000, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := s.SetPlayout(p); err != nil {
		t.Fatal(err)
	}
	pull := func(ms int) int {
		frame := make([]int16, 480) // 20 ms device frames
		n := 0
		for i := 0; i < ms/20; i++ {
			n += p.Pull(frame)
		}
		return n
	}

	// Turn 1 plays out.
	if err := s.SendText("hello there"); err != nil {
		t.Fatal(err)
	}
	until(t, s, 10*time.Second, is[*TurnComplete])
	length := p.Buffered()
	if length < 200*time.Millisecond || p.CurrentTurn() != 1 {
		t.Fatalf("buffered %v, turn %d", length, p.CurrentTurn())
	}
	if n := pull(int(length/time.Millisecond) + 100); n != int(length/time.Millisecond)*24 {
		t.Errorf("pulled %d samples of audio for %v", n, length)
	}
	if played, final, err := p.TurnPlayed(1); err != nil || played != length || !final {
		t.Errorf("turn 1: %v %v %v", played, final, err)
	}

	// Turn 2 is interrupted after 40 ms were played.
	if err := s.SendText(strings.Repeat("word ", 50)); err != nil {
		t.Fatal(err)
	}
	until(t, s, 10*time.Second, is[*Audio])
	if n := pull(40); n != 960 {
		t.Fatalf("pulled %d", n)
	}
	if err := s.SendText("stop"); err != nil {
		t.Fatal(err)
	}
	until(t, s, 10*time.Second, is[*Interrupted])
	if played, final, err := p.TurnPlayed(2); err != nil || played != 40*time.Millisecond || !final {
		t.Errorf("turn 2: %v %v %v", played, final, err)
	}
	if err := s.SetPlayout(nil); err != nil {
		t.Fatal(err)
	}
}

func TestPlayoutStandalone(t *testing.T) {
	if _, err := NewPlayout(4000, time.Second); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad rate: %v", err)
	}
	p, err := NewPlayout(8000, 10*time.Millisecond) // 80 samples
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if n := p.Push(make([]int16, 100)); n != 80 {
		t.Errorf("pushed %d", n)
	}
	out := []int16{1, 1, 1}
	p.Flush()
	if n := p.Pull(out); n != 0 || out[0] != 0 {
		t.Errorf("after flush: %d %v", n, out)
	}
	if _, _, err := p.TurnPlayed(7); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("unknown turn: %v", err)
	}
}
