package geminilive

// #include "shims.h"
import "C"

import (
	"runtime"
	"strconv"
	"strings"
)

// Result is a gemini_live_result code of the C library. Numbers are stable across releases.
type Result uint32

// The library's result codes (GEMINI_LIVE_RESULT_*).
const (
	ResultOK              Result = C.GEMINI_LIVE_RESULT_OK
	ResultNullArgument    Result = C.GEMINI_LIVE_RESULT_NULL_ARGUMENT
	ResultInvalidUTF8     Result = C.GEMINI_LIVE_RESULT_INVALID_UTF8
	ResultInvalidArgument Result = C.GEMINI_LIVE_RESULT_INVALID_ARGUMENT
	ResultInvalidJSON     Result = C.GEMINI_LIVE_RESULT_INVALID_JSON
	ResultQueueFull       Result = C.GEMINI_LIVE_RESULT_QUEUE_FULL
	ResultClosed          Result = C.GEMINI_LIVE_RESULT_CLOSED
	ResultTimeout         Result = C.GEMINI_LIVE_RESULT_TIMEOUT
	ResultConnectFailed   Result = C.GEMINI_LIVE_RESULT_CONNECT_FAILED
	ResultServerClosed    Result = C.GEMINI_LIVE_RESULT_SERVER_CLOSED
	ResultProtocol        Result = C.GEMINI_LIVE_RESULT_PROTOCOL
	ResultConfig          Result = C.GEMINI_LIVE_RESULT_CONFIG
	ResultTLS             Result = C.GEMINI_LIVE_RESULT_TLS
	ResultIO              Result = C.GEMINI_LIVE_RESULT_IO
	ResultPanic           Result = C.GEMINI_LIVE_RESULT_PANIC
	ResultInternal        Result = C.GEMINI_LIVE_RESULT_INTERNAL
	ResultBufferTooSmall  Result = C.GEMINI_LIVE_RESULT_BUFFER_TOO_SMALL
	ResultCredential      Result = C.GEMINI_LIVE_RESULT_CREDENTIAL
	ResultTooLarge        Result = C.GEMINI_LIVE_RESULT_TOO_LARGE
)

// String returns the library's stable name of the code, e.g. "GEMINI_LIVE_RESULT_QUEUE_FULL".
func (r Result) String() string {
	return C.GoString(C.gemini_live_result_name(C.uint32_t(r)))
}

// Error is a failure reported by the library: its result code and its message.
//
// Compare with errors.Is against the sentinels (ErrClosed, ErrQueueFull, ErrServerClosed, ...),
// which match any *Error with the same Code. For ResultServerClosed, CloseCode and Reason
// hold the WebSocket close code and the server's reason, verbatim.
type Error struct {
	Code    Result
	Message string
	// CloseCode is the WebSocket close code when the server refused or closed the session
	// (e.g. 1007 for a bad API key); 0 otherwise.
	CloseCode int
	// Reason is the server's close reason, verbatim, when CloseCode is set.
	Reason string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "gemini-live: " + e.Code.String()
	}
	return "gemini-live: " + e.Message + " (" + e.Code.String() + ")"
}

// Is reports whether target is a sentinel (an *Error without a message) with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinel errors, for errors.Is.
var (
	ErrClosed          = &Error{Code: ResultClosed}
	ErrQueueFull       = &Error{Code: ResultQueueFull}
	ErrServerClosed    = &Error{Code: ResultServerClosed}
	ErrTimeout         = &Error{Code: ResultTimeout}
	ErrConnectFailed   = &Error{Code: ResultConnectFailed}
	ErrInvalidArgument = &Error{Code: ResultInvalidArgument}
	ErrInvalidJSON     = &Error{Code: ResultInvalidJSON}
	ErrConfig          = &Error{Code: ResultConfig}
	ErrCredential      = &Error{Code: ResultCredential}
	ErrProtocol        = &Error{Code: ResultProtocol}
	ErrTLS             = &Error{Code: ResultTLS}
	ErrIO              = &Error{Code: ResultIO}
	// ErrTooLarge: the encoded message would exceed the message limit (MaxMessageBytes).
	ErrTooLarge = &Error{Code: ResultTooLarge}
)

func newError(code Result, msg string) *Error {
	e := &Error{Code: code, Message: msg}
	if code == ResultServerClosed {
		// "closed by server (<code>): <reason>"
		const prefix = "closed by server ("
		if i := strings.Index(msg, prefix); i >= 0 {
			rest := msg[i+len(prefix):]
			if j := strings.Index(rest, "): "); j >= 0 {
				if n, err := strconv.Atoi(rest[:j]); err == nil {
					e.CloseCode = n
					e.Reason = rest[j+3:]
				}
			} else if j := strings.Index(rest, ")"); j >= 0 {
				if n, err := strconv.Atoi(rest[:j]); err == nil {
					e.CloseCode = n
				}
			}
		}
	}
	return e
}

// call runs one C function and turns a failure into an *Error. The library's last-error
// message is thread-local, so the goroutine is locked to its OS thread for the call and the
// read of the message: both then run on the same thread.
func call(f func() C.gemini_live_result) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	r := f()
	if r == C.GEMINI_LIVE_RESULT_OK {
		return nil
	}
	return newError(Result(r), C.GoString(C.gemini_live_last_error_message()))
}

// Version returns the version of the linked library, e.g. "0.1.0".
func Version() string { return C.GoString(C.gemini_live_version()) }

// HeaderVersion is the version of gemini_live.h this package was compiled against.
const HeaderVersion = C.GEMINI_LIVE_VERSION
