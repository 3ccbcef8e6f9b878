package geminilive

// #include "shims.h"
import "C"

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
	ResultHTTP            Result = C.GEMINI_LIVE_RESULT_HTTP
)

// String returns the library's stable name of the code, e.g. "GEMINI_LIVE_RESULT_QUEUE_FULL".
func (r Result) String() string {
	return C.GoString(C.gemini_live_result_name(C.uint32_t(r)))
}

// Error is a failure reported by the library: its result code and its message, and for
// ResultServerClosed the WebSocket close code and the server's reason, verbatim. All four come
// from the library's error object as data (gemini_live_last_error_take); nothing is parsed
// out of the message.
//
// Compare with errors.Is against the sentinels (ErrClosed, ErrQueueFull, ErrServerClosed, ...),
// which match any *Error with the same Code.
type Error struct {
	Code    Result
	Message string
	// CloseCode is the WebSocket close code when the server refused or closed the session
	// (e.g. 1007 for a bad API key); 0 otherwise.
	CloseCode int
	// Reason is the server's close reason, verbatim, when CloseCode is set, or the service's
	// error message, verbatim, when HTTPStatus is set.
	Reason string
	// HTTPStatus is the HTTP status of a REST request the service refused (ResultHTTP, e.g.
	// 400 for a bad API key when minting a token); 0 otherwise.
	HTTPStatus int
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
	// ErrHTTP: the service refused a REST request (see Error.HTTPStatus and Error.Reason).
	ErrHTTP = &Error{Code: ResultHTTP}
)

// errorFrom builds the *Error of a failed call from the error object the shim took on the
// failing thread (nil only if the library recorded none): code, message, close code and reason
// are read as data. It frees the object.
func errorFrom(code Result, e *C.gemini_live_error) *Error {
	if e == nil {
		return &Error{Code: code}
	}
	defer C.gemini_live_error_free(e)
	return &Error{
		Code:      code,
		Message:   C.GoString(C.gemini_live_error_message(e)),
		CloseCode: int(C.gemini_live_error_close_code(e)),
		Reason:    C.GoString(C.gemini_live_error_reason(e)),
		// The HTTP status of a refused REST request.
		HTTPStatus: int(C.gemini_live_error_http_status(e)),
	}
}

// call runs one C call through its shim (golive_<name>, see shims.h), which takes the error
// object in the same C call as the failing function, so no goroutine is locked to an OS thread.
func call(f func(e **C.gemini_live_error) C.gemini_live_result) error {
	var e *C.gemini_live_error
	r := f(&e)
	if r == C.GEMINI_LIVE_RESULT_OK {
		return nil
	}
	return errorFrom(Result(r), e)
}

// Version returns the version of the linked library, e.g. "0.1.0".
func Version() string { return C.GoString(C.gemini_live_version()) }

// HeaderVersion is the version of gemini_live.h this package was compiled against.
const HeaderVersion = C.GEMINI_LIVE_VERSION
