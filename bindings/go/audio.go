package geminilive

// #include "shims.h"
import "C"

import (
	"time"
	"unsafe"
)

// SampleFormat is how one sample of AudioFormat is stored.
type SampleFormat uint32

const (
	// SampleFormatPCM16 is signed 16-bit little-endian PCM.
	SampleFormatPCM16 SampleFormat = C.GEMINI_LIVE_SAMPLE_FORMAT_PCM16
	// SampleFormatFloat32 is little-endian IEEE float in [-1, 1] (clipped beyond).
	SampleFormatFloat32 SampleFormat = C.GEMINI_LIVE_SAMPLE_FORMAT_FLOAT32
	// SampleFormatMulaw is G.711 μ-law, one byte per sample.
	SampleFormatMulaw SampleFormat = C.GEMINI_LIVE_SAMPLE_FORMAT_MULAW
	// SampleFormatAlaw is G.711 A-law, one byte per sample.
	SampleFormatAlaw SampleFormat = C.GEMINI_LIVE_SAMPLE_FORMAT_ALAW
)

// AudioFormat describes audio given to SendAudioAs: SampleRate 8000..48000 Hz, Channels 1 or 2
// (interleaved, mixed down to mono by their mean).
type AudioFormat struct {
	Format     SampleFormat
	SampleRate int
	Channels   int
}

func (f AudioFormat) c() C.gemini_live_audio_format {
	clamp := func(v int) C.uint32_t {
		if v < 0 || v > 1<<31 {
			return 0 // refused by the library as out of range
		}
		return C.uint32_t(v)
	}
	return C.gemini_live_audio_format{
		sample_format: C.uint32_t(f.Format),
		sample_rate:   clamp(f.SampleRate),
		channels:      clamp(f.Channels),
	}
}

// SendAudioAs sends audio in format f (gemini_live_session_send_audio_ex): it is converted on
// the calling goroutine to the 16 kHz PCM16 mono the service takes, by a converter the session
// keeps across calls (so chunks of any size join without clicks; input short of a 10 ms
// resampling chunk waits for the next call). len(data) must be a non-zero multiple of the frame
// size. Calls on one session are serialised; a call in a different format than the previous one
// restarts the converter. The bytes are copied before it returns. Errors as SendAudio, with
// ErrTooLarge judged on the converted size.
func (s *Session) SendAudioAs(data []byte, f AudioFormat) error {
	if len(data) == 0 {
		return &Error{Code: ResultInvalidArgument, Message: "empty audio"}
	}
	cf := f.c()
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_audio_ex(p, (*C.uint8_t)(unsafe.Pointer(&data[0])), C.size_t(len(data)), &cf, e)
	})
}

// AudioLatency reports the latency SendAudioAs adds for format f: the resampling filter's
// share, and the most input held until a 10 ms chunk is complete (zero when every call carries
// whole 10 ms multiples). Both are zero for 16 kHz PCM16 mono.
func AudioLatency(f AudioFormat) (filter, maxBuffered time.Duration, err error) {
	cf := f.c()
	var fu, bu C.uint32_t
	err = call(func(e **C.gemini_live_error) C.gemini_live_result { return C.golive_audio_latency(&cf, &fu, &bu, e) })
	if err != nil {
		return 0, 0, err
	}
	return time.Duration(fu) * time.Microsecond, time.Duration(bu) * time.Microsecond, nil
}
