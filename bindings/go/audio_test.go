package geminilive

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"
)

// μ-law and float32 stereo reach the mock as 16 kHz PCM16: 20 ms in, about 20 ms (640 bytes)
// out per call, short only of what the resampling filter holds back.
func TestSendAudioAs(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const calls = 25
	phone := AudioFormat{Format: SampleFormatMulaw, SampleRate: 8000, Channels: 1}
	frame := make([]byte, 160) // 20 ms of 8 kHz G.711
	for i := range frame {
		frame[i] = 0xFF // μ-law silence
	}
	for i := 0; i < calls; i++ {
		must(s.SendAudioAs(frame, phone))
	}
	mic := AudioFormat{Format: SampleFormatFloat32, SampleRate: 48000, Channels: 2}
	stereo := make([]byte, 960*8) // 20 ms of 48 kHz float stereo
	for i := 0; i < 960; i++ {
		v := float32(0.25 * math.Sin(2*math.Pi*440*float64(i)/48000))
		binary.LittleEndian.PutUint32(stereo[8*i:], math.Float32bits(v))
		binary.LittleEndian.PutUint32(stereo[8*i+4:], math.Float32bits(v))
	}
	for i := 0; i < calls; i++ {
		must(s.SendAudioAs(stereo, mic))
	}
	// The mock handles a connection's messages in order and counts each before handling it: once
	// a later text message is counted, every audio message before it is in the stats.
	must(s.SendText("fence"))
	must(m.WaitFor("/messages/realtime_text", 1, 10*time.Second))
	if n := stat(t, m, "messages", "realtime_audio"); n != 2*calls {
		t.Errorf("%v audio messages", n)
	}
	var total float64
	for _, st := range sessionsOf(t, m) {
		total += st["audio_bytes"].(float64)
	}
	if total > 2*calls*640 || total < 2*calls*640-2*400 {
		t.Errorf("%v bytes of 16 kHz PCM arrived for %d ms of audio", total, 2*calls*20)
	}

	// Bad formats, partial frames and the empty buffer are refused.
	for _, bad := range []AudioFormat{
		{Format: 9, SampleRate: 16000, Channels: 1},
		{Format: SampleFormatPCM16, SampleRate: 7999, Channels: 1},
		{Format: SampleFormatPCM16, SampleRate: 16000, Channels: 3},
		{Format: SampleFormatPCM16, SampleRate: -1, Channels: 1},
	} {
		if err := s.SendAudioAs(frame, bad); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if err := s.SendAudioAs(stereo[:12], mic); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("partial frame: %v", err)
	}
	if err := s.SendAudioAs(nil, mic); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("empty: %v", err)
	}
}

func TestAudioLatency(t *testing.T) {
	for _, f := range []AudioFormat{
		{SampleFormatPCM16, 16000, 1},
		{SampleFormatFloat32, 48000, 2},
		{SampleFormatFloat32, 44100, 2},
		{SampleFormatMulaw, 8000, 1},
	} {
		filter, held, err := AudioLatency(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%+v: filter %v + held at most %v", f, filter, held)
		if (f.SampleRate == 16000) != (filter == 0) || held >= 10*time.Millisecond {
			t.Errorf("%+v: %v %v", f, filter, held)
		}
	}
	if _, _, err := AudioLatency(AudioFormat{SampleFormatPCM16, 100, 1}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad rate: %v", err)
	}
}

func sessionsOf(t *testing.T, m *MockServer) map[string]map[string]any {
	t.Helper()
	raw, err := m.StatsJSON()
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Sessions map[string]map[string]any `json:"sessions"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v.Sessions
}

// With OutputAudioFormat, *Audio events carry the app's format: 8 kHz μ-law here.
func TestOutputAudioFormat(t *testing.T) {
	m := startMock(t, `{"audio_chunk_ms":40}`)
	phone := AudioFormat{Format: SampleFormatMulaw, SampleRate: 8000, Channels: 1}
	s := connect(t, m, Config{Modality: ModalityAudio, OutputAudioFormat: &phone})
	if err := s.SendText("one two three four five six"); err != nil {
		t.Fatal(err)
	}
	events := until(t, s, 10*time.Second, is[*TurnComplete])
	total := 0
	for _, e := range events {
		if a, ok := e.(*Audio); ok {
			if a.SampleRate != 8000 {
				t.Errorf("rate %d", a.SampleRate)
			}
			total += len(a.Data)
		}
	}
	// One byte per 8 kHz sample: the 480 ms reply less what the filter holds back.
	if total > 480*8 || total < 460*8 {
		t.Errorf("%d bytes of μ-law for a 480 ms reply", total)
	}
	bad := AudioFormat{Format: SampleFormatFloat32, SampleRate: 96000, Channels: 1}
	if _, err := Connect(context.Background(), mockConfig(m, Config{Modality: ModalityAudio, OutputAudioFormat: &bad})); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad output format: %v", err)
	}
}
