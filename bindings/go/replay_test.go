package geminilive

import (
	"context"
	"errors"
	"testing"
	"time"
)

// droppedOnce connects with Vertex transparent resumption and a replay buffer of maxBytes to
// a mock 50 ms away that drops the TCP connection after 300 messages.
func droppedOnce(t *testing.T, maxBytes int) (*MockServer, *Session) {
	m := startMock(t, `{"faults":[{"kind":"drop_tcp","connection":1,"after_messages":300}],
		"latency":{"client_to_server_ms":50,"server_to_client_ms":50,"seed":3},
		"resumption_update_interval_ms":500}`)
	s := connect(t, m, Config{
		Modality:        ModalityText,
		Vertex:          &Vertex{Project: "test-project", Location: "us-central1", AccessToken: "test-token"},
		Resumption:      &Resumption{Transparent: true},
		ReconnectBudget: &ReconnectBudget{StableAfter: 0, Window: time.Minute, MaxPerWindow: 20},
		ReplayBounds:    &ReplayBounds{MaxBytes: maxBytes, MaxAge: time.Minute},
	})
	return m, s
}

// A sender that outruns a small replay buffer loses audio across a TCP drop: the loss reaches
// Go as Reconnected.LostMessages, the drops as DroppedAudio and an ErrorKindReplayOverflow
// ErrorEvent, and the mock's session lacks exactly what was reported (Vertex transparent
// resumption makes the report exact).
func TestReplayBoundsLossIsReported(t *testing.T) {
	m, s := droppedOnce(t, 64<<10)
	chunk := make([]byte, 640)
	const chunks = 2000
	// Unpaced: far more than 64 KiB is in flight when the mock drops the connection.
	for i := 0; i < chunks; i++ {
		chunk[0], chunk[1] = byte(i), byte(i>>8)
		for {
			err := s.SendAudio(chunk)
			if errors.Is(err, ErrQueueFull) {
				continue
			}
			if err != nil {
				t.Fatalf("SendAudio %d: %v", i, err)
			}
			break
		}
	}
	ev := until(t, s, 20*time.Second, is[*Reconnected])
	r := ev[len(ev)-1].(*Reconnected)
	if !r.Resumed || r.LostMessages == 0 || r.LostBytes < r.LostMessages*853 {
		t.Fatalf("Reconnected %+v: a 64 KiB buffer behind %d unpaced chunks must lose audio", r, chunks)
	}
	overflow := false
	for _, e := range ev {
		if x, ok := e.(*ErrorEvent); ok && x.Type == ErrorKindReplayOverflow && !x.Fatal {
			overflow = true
		}
	}
	if !overflow {
		t.Errorf("no ErrorKindReplayOverflow event: %s", describe(ev))
	}
	dropped, err := s.DroppedAudio()
	if err != nil || dropped < r.LostMessages {
		t.Errorf("DroppedAudio %d (%v) < lost %d", dropped, err, r.LostMessages)
	}
	// Everything not lost reaches the session, once: the mock's session (keyed by the Vertex
	// session id) ends with exactly (sent - lost) chunks of audio.
	id, err := s.ID()
	if err != nil {
		t.Fatal(err)
	}
	want := (int64(chunks) - int64(r.LostMessages)) * int64(len(chunk))
	if err := m.WaitFor("/sessions/"+id+"/audio_bytes", want, 20*time.Second); err != nil {
		t.Fatalf("the session does not hold %d bytes (%d sent - %d lost chunks): %v", want, chunks, r.LostMessages, err)
	}
	if got := stat(t, m, "sessions", id, "audio_bytes"); int64(got) != want {
		t.Errorf("the session holds %v audio bytes, want exactly %d", got, want)
	}
}

// A camera stream beside the microphone outgrows the replay buffer: video frames are dropped
// (DroppedVideo), never audio, so every audio byte reaches the resumed session.
func TestReplayBoundsDropVideoBeforeAudio(t *testing.T) {
	// Room for all the audio (1.8 MiB of JSON), not for the video beside it (5.6 MiB).
	m, s := droppedOnce(t, 3<<20)
	chunk := make([]byte, 640)
	frame := make([]byte, 20<<10)
	const chunks = 2000
	send := func(what string, i int, f func() error) {
		for {
			err := f()
			if errors.Is(err, ErrQueueFull) {
				continue
			}
			if err != nil {
				t.Fatalf("%s %d: %v", what, i, err)
			}
			return
		}
	}
	for i := 0; i < chunks; i++ {
		chunk[0], chunk[1] = byte(i), byte(i>>8)
		send("SendAudio", i, func() error { return s.SendAudio(chunk) })
		if i%10 == 0 {
			frame[0], frame[1] = byte(i), byte(i>>8)
			send("SendVideo", i, func() error { return s.SendVideo(frame, "image/jpeg") })
		}
	}
	ev := until(t, s, 20*time.Second, is[*Reconnected])
	r := ev[len(ev)-1].(*Reconnected)
	video, err := s.DroppedVideo()
	if err != nil || video == 0 {
		t.Fatalf("DroppedVideo %d (%v): the video never outgrew the buffer, the test's premise broke", video, err)
	}
	if audio, err := s.DroppedAudio(); err != nil || audio != 0 {
		t.Errorf("DroppedAudio %d (%v): audio was dropped while video could go", audio, err)
	}
	if !r.Resumed || r.LostMessages > video {
		t.Errorf("Reconnected %+v: only the %d dropped video frames can be lost", r, video)
	}
	id, err := s.ID()
	if err != nil {
		t.Fatal(err)
	}
	want := int64(chunks) * int64(len(chunk))
	if err := m.WaitFor("/sessions/"+id+"/audio_bytes", want, 20*time.Second); err != nil {
		t.Fatalf("the session does not hold all %d audio bytes: %v", want, err)
	}
	if got := stat(t, m, "sessions", id, "audio_bytes"); int64(got) != want {
		t.Errorf("the session holds %v audio bytes, want exactly %d", got, want)
	}
}

func TestReplayBoundsRefusesNonsense(t *testing.T) {
	m := startMock(t, `{}`)
	for _, b := range []ReplayBounds{{MaxBytes: -1}, {MaxBytes: 1<<30 + 1}, {MaxAge: -time.Second}} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := Connect(ctx, mockConfig(m, Config{Modality: ModalityText, ReplayBounds: &b}))
		cancel()
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("ReplayBounds %+v: %v, want ErrInvalidArgument", b, err)
		}
	}
}
