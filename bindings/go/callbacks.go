package geminilive

// This file holds the //export-ed Go functions the C shims (shims.c) call. cgo allows only
// declarations in the preamble of a file with //export, hence the split.

// #include "shims.h"
import "C"

import (
	"runtime/cgo"
	"sync/atomic"
	"unsafe"
)

// liveHandles counts cgo.Handles this package created and has not deleted yet (tests check
// that every handle is released exactly once).
var liveHandles atomic.Int64

func newHandle(v any) cgo.Handle {
	liveHandles.Add(1)
	return cgo.NewHandle(v)
}

func deleteHandle(h cgo.Handle) {
	h.Delete() // panics on a second delete: the exactly-once rule is checked for free
	liveHandles.Add(-1)
}

// goliveCredential answers the library's credential callback with Config.Credentials.
//
//export goliveCredential
func goliveCredential(userdata C.uintptr_t, buf *C.char, capacity C.size_t, outLen *C.size_t) (r C.uint32_t) {
	r = C.GEMINI_LIVE_RESULT_CREDENTIAL
	defer func() {
		if recover() != nil {
			r = C.GEMINI_LIVE_RESULT_CREDENTIAL
		}
	}()
	cs, ok := cgo.Handle(userdata).Value().(*credState)
	if !ok {
		return r
	}
	secret, err := cs.fn(cs.context())
	cs.calls.Add(1)
	if err != nil || secret == "" {
		return r
	}
	if uint64(len(secret)) > uint64(capacity) {
		return C.GEMINI_LIVE_RESULT_BUFFER_TOO_SMALL
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(capacity)), secret)
	*outLen = C.size_t(len(secret))
	return C.GEMINI_LIVE_RESULT_OK
}
