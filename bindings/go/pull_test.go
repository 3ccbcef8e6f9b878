package geminilive

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// Receive parks on the event fd; its context ending wakes it, and the session goes on working
// afterwards (the fd's read deadline is reset).
func TestReceiveContextEndWakesPark(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText})
	until(t, s, 5*time.Second, is[*Connected])

	for i := 0; i < 20; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		got := make(chan error, 1)
		go func() {
			_, err := s.Receive(ctx)
			got <- err
		}()
		if i%2 == 1 {
			time.Sleep(time.Duration(i) * time.Millisecond) // sometimes parked, sometimes not yet
		}
		cancel()
		select {
		case err := <-got:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("round %d: Receive after cancel: %v", i, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: Receive not woken by cancel", i)
		}
	}
	// A deadline works the same way.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := s.Receive(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Receive past its deadline: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("deadline woke after %v", d)
	}
	// Still usable: the next Receive (without a deadline) parks and is woken by the event.
	for i := 0; i < 3; i++ {
		if err := s.SendText(fmt.Sprintf("ping:%d", i)); err != nil {
			t.Fatal(err)
		}
		ev := until(t, s, 5*time.Second, is[*Text])
		if x := ev[len(ev)-1].(*Text); x.Text != fmt.Sprintf("pong:%d", i) {
			t.Fatalf("got %q", x.Text)
		}
	}
}

// Close wakes every goroutine in Receive (the one parked on the fd and those waiting for
// their turn) with ErrClosed, also when it races with their pulls.
func TestCloseDuringParkedReceive(t *testing.T) {
	m := startMock(t, "")
	for round := 0; round < 10; round++ {
		s := connect(t, m, Config{Modality: ModalityText})
		until(t, s, 5*time.Second, is[*Connected])
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					_, err := s.Receive(context.Background())
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		if round%2 == 0 {
			// Events flowing while Close runs.
			for i := 0; i < 5; i++ {
				_ = s.SendText(fmt.Sprintf("ping:%d", i))
			}
		}
		time.Sleep(time.Duration(round) * time.Millisecond)
		closed := make(chan struct{})
		go func() { _ = s.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Fatal("Close blocked")
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("a Receive was not woken by Close")
		}
		close(errs)
		for err := range errs {
			if !errors.Is(err, ErrClosed) {
				t.Fatalf("Receive after Close: %v", err)
			}
		}
	}
}

// A reader slower than the server: the library's queue fills, the session's network reading
// pauses, and every audio byte the mock sent still arrives, once, in order of turns.
func TestSlowReaderLosesNothing(t *testing.T) {
	m := startMock(t, `{"audio_chunk_ms":20}`)
	s := connect(t, m, Config{Modality: ModalityAudio})
	until(t, s, 5*time.Second, is[*Connected])
	const turns = 40
	for i := 0; i < turns; i++ {
		if err := s.SendClientText(fmt.Sprintf("turn number %d, say something long enough to take a while", i), true); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var bytes, events, completed int
	for completed < turns {
		e, err := s.Receive(ctx)
		if err != nil {
			t.Fatalf("Receive after %d events, %d turns: %v", events, completed, err)
		}
		events++
		switch v := e.(type) {
		case *Audio:
			bytes += len(v.Data)
		case *TurnComplete:
			completed++
		}
		if events < 1000 && events%4 == 0 {
			time.Sleep(2 * time.Millisecond) // slow: the 256-event queue fills meanwhile
		}
	}
	want := int(stat(t, m, "output_audio_bytes"))
	if bytes != want || bytes == 0 {
		t.Fatalf("received %d audio bytes in %d events, the mock sent %d", bytes, events, want)
	}
	t.Logf("%d events, %d audio bytes", events, bytes)
}

// Events still works: a lazily started goroutine feeds the channel, which closes after the
// *Closed event.
func TestEventsChannel(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText, EventBuffer: 2})
	ch := s.Events()
	if ch != s.Events() {
		t.Fatal("Events returns a new channel")
	}
	if err := s.SendClientText("over the channel", true); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(10 * time.Second)
	var text string
	var closed bool
	for !closed {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatal("channel closed before the Closed event")
			}
			switch v := e.(type) {
			case *Text:
				text += v.Text
			case *TurnComplete:
				if err := s.RequestClose(); err != nil {
					t.Fatal(err)
				}
			case *Closed:
				closed = true
			}
		case <-timeout:
			t.Fatal("no Closed event")
		}
	}
	if text != "You said: over the channel" {
		t.Errorf("text %q", text)
	}
	select {
	case _, ok := <-ch:
		if ok {
			t.Error("event after Closed")
		}
	case <-time.After(5 * time.Second):
		t.Error("channel not closed after Closed")
	}
	if _, err := s.Receive(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Receive after Closed: %v", err)
	}
}

// The hot paths allocate nothing in Go: SendAudio (50 calls a second per session in real
// time) and a Receive that finds an event pending or parks (its pull, its RawRead function).
// Only the event itself (its Go value and copied payload) is allocated.
func TestHotPathsAllocateNothing(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText})
	until(t, s, 5*time.Second, is[*Connected])
	pcm := make([]byte, 640)
	if n := testing.AllocsPerRun(50, func() {
		if err := s.SendAudio(pcm); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("SendAudio: %v allocations per call", n)
	}
	// Receive: a pull that finds an event, or one that parks first (context.Background
	// cannot end, so no AfterFunc), allocates only the event: a *Text and its string.
	const pongs = 30
	for i := 0; i < pongs; i++ {
		if err := s.SendText(fmt.Sprintf("ping:%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	if n := testing.AllocsPerRun(pongs-1, func() {
		for {
			ev, err := s.Receive(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := ev.(*Text); ok {
				return
			}
		}
	}); n > 2 {
		t.Errorf("Receive of a pong: %v Go allocations, want at most 2 (the event and its text)", n)
	}
}

// The event ring: with nobody receiving, 600 pongs fill the ring (64 slots) and the session's
// queue behind it, the library waits for room; receiving then gets every pong, in order.
func TestFullRingLosesNothingInOrder(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText})
	const n = 600
	for i := 0; i < n; i++ {
		if err := s.SendText(fmt.Sprintf("ping:%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// Wait (without sleeping) until the library reports the ring full.
	full := (*uint32)(unsafe.Pointer(&s.ring.full))
	deadline := time.Now().Add(20 * time.Second)
	for atomic.LoadUint32(full) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the ring never filled")
		}
		runtime.Gosched()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for want := 0; want < n; {
		e, err := s.Receive(ctx)
		if err != nil {
			t.Fatalf("Receive at pong %d: %v", want, err)
		}
		if v, ok := e.(*Text); ok {
			if v.Text != fmt.Sprintf("pong:%d", want) {
				t.Fatalf("got %q, want pong:%d", v.Text, want)
			}
			want++
		}
	}
}
