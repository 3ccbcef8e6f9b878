package geminilive

// #include "shims.h"
import "C"

import (
	"sync"
	"time"
	"unsafe"
)

// Playout is a playout buffer for reply audio with barge-in (gemini_live_playout): PCM16 mono
// pushed in by one producer (the application, or a session it is bound to with SetPlayout),
// pulled out in device-sized frames by one consumer. Pull takes no lock, allocates nothing and
// never blocks; it fills with silence when the buffer runs dry. Close it when neither side uses
// it any more (a bound session keeps its own reference).
type Playout struct {
	ptr  *C.gemini_live_playout
	once sync.Once
}

// NewPlayout creates a buffer for sampleRate Hz (24000 for the service's reply audio) holding
// up to capacity of audio (10 ms .. 10 min).
func NewPlayout(sampleRate int, capacity time.Duration) (*Playout, error) {
	if sampleRate < 0 || sampleRate > 1<<31 || capacity < 0 || capacity > time.Hour {
		return nil, &Error{Code: ResultInvalidArgument, Message: "sample rate or capacity out of range"}
	}
	var p *C.gemini_live_playout
	if err := call(func(e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_playout_new(C.uint32_t(sampleRate), C.uint32_t(capacity/time.Millisecond), &p, e)
	}); err != nil {
		return nil, err
	}
	return &Playout{ptr: p}, nil
}

// Close frees the application's reference. No Push or Pull may run on it afterwards.
func (p *Playout) Close() {
	p.once.Do(func() { C.gemini_live_playout_free(p.ptr) })
}

// Push appends samples (producer side) and returns how many fit; the first push after a turn
// ended opens a new turn.
func (p *Playout) Push(samples []int16) int {
	if len(samples) == 0 {
		return 0
	}
	var n C.size_t
	if err := call(func(e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_playout_push(p.ptr, (*C.int16_t)(unsafe.Pointer(&samples[0])), C.size_t(len(samples)), &n, e)
	}); err != nil {
		return 0
	}
	return int(n)
}

// Pull fills out with the next samples, silence where the buffer runs dry, and returns how many
// were audio (consumer side; never blocks).
func (p *Playout) Pull(out []int16) int {
	if len(out) == 0 {
		return 0
	}
	return int(C.gemini_live_playout_pull(p.ptr, (*C.int16_t)(unsafe.Pointer(&out[0])), C.size_t(len(out))))
}

// EndTurn marks the current turn complete (producer side; a bound session does it on
// TurnComplete).
func (p *Playout) EndTurn() { C.gemini_live_playout_end_turn(p.ptr) }

// Flush drops everything not yet played and ends the turn: barge-in (producer side; a bound
// session does it on Interrupted, before the event reaches Receive).
func (p *Playout) Flush() { C.gemini_live_playout_flush(p.ptr) }

// CurrentTurn is the id of the latest turn (1, 2, ...; 0 before the first push).
func (p *Playout) CurrentTurn() uint64 { return uint64(C.gemini_live_playout_current_turn(p.ptr)) }

// Buffered is how much audio waits to be pulled.
func (p *Playout) Buffered() time.Duration {
	return time.Duration(C.gemini_live_playout_buffered_ms(p.ptr)) * time.Millisecond
}

// TurnPlayed tells how much of turn was actually played, and whether that is final (the turn
// is over and nothing of it is left to play). Only the last 16 turns are kept.
func (p *Playout) TurnPlayed(turn uint64) (played time.Duration, final bool, err error) {
	var ms C.uint64_t
	var done C.bool
	err = call(func(e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_playout_turn_played_ms(p.ptr, C.uint64_t(turn), &ms, &done, e)
	})
	return time.Duration(ms) * time.Millisecond, bool(done), err
}

// SetPlayout binds p to the session, or unbinds with nil: model audio is pushed into it,
// resampled to p's rate (any rate NewPlayout takes: 8000 for a phone line), Interrupted flushes it
// and TurnComplete ends the turn, before each event reaches Receive.
func (s *Session) SetPlayout(p *Playout) error {
	var ptr *C.gemini_live_playout
	if p != nil {
		ptr = p.ptr
	}
	return s.do(func(sp *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_set_playout(sp, ptr, e)
	})
}
