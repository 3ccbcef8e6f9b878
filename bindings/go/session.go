package geminilive

// #include "shims.h"
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// credState is what the credential callback reaches through its cgo.Handle.
type credState struct {
	fn    func(context.Context) (string, error)
	ctx   context.Context
	calls atomic.Int64
}

func (cs *credState) context() context.Context { return cs.ctx }

// Session is a live session. All methods are safe for concurrent use.
//
// Events come through an event ring (gemini_live_event_ring_new): the library pulls the
// session's events on its network threads into a ring of event pointers, and Receive takes
// them from memory in the caller's goroutine, with no cgo call per event (a cgo call after the
// process was idle wakes Go's monitor thread, which was the largest cost of the earlier pull
// per event). A goroutine with nothing to take parks on Go's netpoller (a dup of the ring's
// fd), so no OS thread waits per session and each event is handed over once, from the
// library to the goroutine that called Receive.
type Session struct {
	mu  sync.RWMutex // read-held during every C call on ptr; Close takes it to clear ptr
	ptr *C.gemini_live_session

	ring  *C.gemini_live_event_ring // the library's ring of pulled events; freed by Close
	slots []*C.gemini_live_event    // ring.slots
	tail  uint64                    // the next ring position to take (under turn)
	drain [8]byte                   // read buffer for emptying the ring's fd (under turn)

	file *os.File        // a dup of the ring's fd: readable when an event may be ready
	rc   syscall.RawConn // file's, to park on the netpoller without reading the fd

	turn   chan struct{}          // one slot: held by the one goroutine pulling (Receive)
	frames *frameCache            // the last frame's text, shared by its events (under turn); nil without KeepRawJSON
	ended  atomic.Pointer[Closed] // the *Closed event was pulled

	// Receive's state, under turn: its ctx, the AfterFunc that wakes the park when ctx ends,
	// and what the pull got; pullFn (s.pullReady) and expire are made once, in attach.
	rcvCtx  context.Context
	rcvStop func() bool
	rcvEv   Event
	rcvErr  error
	pullFn  func(uintptr) bool
	expire  func()
	done    chan struct{} // closed by Close

	evOnce sync.Once
	evBuf  int
	events chan Event // Events(): created, and fed by one goroutine, on first use

	closeOnce sync.Once
	cancel    context.CancelFunc // the credential context
	credH     cgo.Handle         // 0 when no Credentials
}

// abandoned tracks Connect calls that returned ctx.Err() while the C connect was still
// running; the goroutine finishing such a connect frees what it created.
var abandoned sync.WaitGroup

// Connect dials the service, sends setup and returns once the session is ready. It honours
// ctx for the dial and the setup: when ctx ends first, Connect returns ctx.Err() at once and
// the session the library may still create is freed in the background.
func Connect(ctx context.Context, cfg Config) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sessCtx, cancel := context.WithCancel(context.Background())
	s := &Session{cancel: cancel, turn: make(chan struct{}, 1), done: make(chan struct{}), evBuf: cfg.EventBuffer}
	if s.evBuf <= 0 {
		s.evBuf = 256
	}
	if cfg.KeepRawJSON {
		s.frames = &frameCache{}
	}
	var cs *credState
	if cfg.Credentials != nil {
		cs = &credState{fn: cfg.Credentials, ctx: sessCtx}
		s.credH = newHandle(cs)
	}
	ccfg, err := cfg.build(uintptr(s.credH))
	if err != nil {
		s.releaseCredentials()
		return nil, err
	}
	// While connecting, cancelling ctx also cancels the credential callback's context.
	stopAfter := context.AfterFunc(ctx, cancel)

	type result struct {
		ptr *C.gemini_live_session
		err error
	}
	var (
		mu          sync.Mutex
		isAbandoned bool
	)
	res := make(chan result, 1)
	go func() {
		var out *C.gemini_live_session
		err := call(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_session_new(ccfg, &out, e)
		})
		C.gemini_live_config_free(ccfg)
		mu.Lock()
		gone := isAbandoned
		mu.Unlock()
		if gone {
			if out != nil {
				C.gemini_live_session_free(out)
			}
			s.releaseCredentials()
			abandoned.Done()
			return
		}
		res <- result{out, err}
	}()

	select {
	case r := <-res:
		stopAfter()
		if r.err != nil {
			s.releaseCredentials()
			return nil, r.err
		}
		if err := s.attach(r.ptr); err != nil {
			return nil, err
		}
		if ctx.Err() != nil { // cancelled at the last moment: honour it
			_ = s.Close()
			return nil, ctx.Err()
		}
		return s, nil
	case <-ctx.Done():
		mu.Lock()
		select {
		case r := <-res: // finished meanwhile
			mu.Unlock()
			if r.err == nil {
				if s.attach(r.ptr) == nil {
					_ = s.Close()
				}
			} else {
				s.releaseCredentials()
			}
			return nil, ctx.Err()
		default:
		}
		isAbandoned = true
		abandoned.Add(1)
		mu.Unlock()
		cancel()
		return nil, ctx.Err()
	}
}

// attach takes the connected C session: it starts the library's event ring for it and puts a
// dup of the ring's fd on Go's netpoller (the ring owns and closes the original). On failure
// it frees the session.
func (s *Session) attach(p *C.gemini_live_session) error {
	var ring *C.gemini_live_event_ring
	if err := call(func(e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_event_ring_new(p, 0, &ring, e)
	}); err != nil {
		C.gemini_live_session_free(p)
		s.releaseCredentials()
		return err
	}
	fail := func(err *Error) error {
		C.gemini_live_event_ring_free(ring)
		C.gemini_live_session_free(p)
		s.releaseCredentials()
		return err
	}
	// Close-on-exec like the original; the dup shares its non-blocking status, so os.NewFile
	// registers it with the netpoller.
	syscall.ForkLock.RLock()
	dup, err := syscall.Dup(int(ring.fd))
	if err == nil {
		syscall.CloseOnExec(dup)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return fail(&Error{Code: ResultIO, Message: "dup of the event ring's fd: " + err.Error()})
	}
	f := os.NewFile(uintptr(dup), "gemini-live-events")
	rc, err := f.SyscallConn()
	if err != nil {
		_ = f.Close()
		return fail(&Error{Code: ResultIO, Message: "event ring fd: " + err.Error()})
	}
	s.ptr, s.ring, s.file, s.rc = p, ring, f, rc
	s.slots = unsafe.Slice((**C.gemini_live_event)(unsafe.Pointer(ring.slots)), int(ring.capacity))
	s.pullFn = s.pullReady
	s.expire = func() { _ = f.SetReadDeadline(time.Unix(1, 0)) }
	return nil
}

func (s *Session) releaseCredentials() {
	s.cancel()
	if s.credH != 0 {
		deleteHandle(s.credH)
		s.credH = 0
	}
}

var errSessionClosed = &Error{Code: ResultClosed, Message: "session is closed"}

// do runs f on the live C session, or fails with ErrClosed after Close.
func (s *Session) do(f func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ptr == nil {
		return errSessionClosed
	}
	p := s.ptr
	return call(func(e **C.gemini_live_error) C.gemini_live_result { return f(p, e) })
}

// Close ends the session and frees it. It is idempotent, may be called from any goroutine,
// also while another one is blocked in Receive (which then returns ErrClosed) or while events
// flow, and it never waits for the consumer of events. Events not yet received are dropped;
// use RequestClose to close gracefully and receive the *Closed event first.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.cancel()
		if s.file != nil {
			// Wakes a Receive parked on the fd (it then sees done) and waits for a pull in
			// progress to leave the fd; the C pull itself never blocks.
			_ = s.file.Close()
		}
		s.mu.Lock() // no C call on the session, and no read of its ring, is in progress once this is held
		p, ring := s.ptr, s.ring
		s.ptr, s.ring, s.slots = nil, nil, nil
		s.mu.Unlock()
		if ring != nil {
			C.gemini_live_event_ring_free(ring) // before the session, which the ring refers to
		}
		if p != nil {
			C.gemini_live_session_free(p)
		}
		s.releaseCredentials()
	})
	return nil
}

// RequestClose asks for a graceful close (WebSocket close 1000) and returns at once: queued
// messages are still sent, then the *Closed event arrives through Receive. Close must still
// be called.
func (s *Session) RequestClose() error {
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_close(p, e)
	})
}

// Receive waits for the next event, pulling it from the library in the calling goroutine:
// the lowest-overhead way to consume events (no channel, no extra goroutine). While nothing
// is pending the goroutine is parked on Go's netpoller, holding no OS thread. ctx ending
// wakes it with ctx.Err(); Close wakes it with ErrClosed. After the *Closed event, or after
// Close, it returns an error matching ErrClosed. Concurrent calls are served one at a time.
//
// While nobody receives, the library queues up to 320 events for the session (256 in the
// session, 64 in its event ring) and then pauses its network reading until they are taken:
// nothing is lost.
func (s *Session) Receive(ctx context.Context) (Event, error) {
	select {
	case <-s.done:
		return nil, errSessionClosed
	default:
	}
	select {
	case s.turn <- struct{}{}:
	case <-s.done:
		return nil, errSessionClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.turn }()
	if s.ended.Load() != nil {
		return nil, s.endErr()
	}
	s.rcvCtx = ctx
	defer func() {
		if s.rcvStop != nil {
			s.rcvStop()
		}
		s.rcvCtx, s.rcvStop, s.rcvEv, s.rcvErr = nil, nil, nil, nil
	}()
	for {
		// The ring is looked at inside RawRead, after the poller's readiness is reset, so a
		// wake that follows "nothing ready" (pull arms the ring) is never lost.
		err := s.rc.Read(s.pullFn)
		if s.rcvEv != nil || s.rcvErr != nil {
			return s.rcvEv, s.rcvErr
		}
		select {
		case <-s.done:
			return nil, errSessionClosed
		default:
		}
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded):
			// Set by an earlier Receive's ctx: clear it and wait again.
			_ = s.file.SetReadDeadline(time.Time{})
			continue
		default:
			return nil, &Error{Code: ResultIO, Message: "waiting on the event fd: " + err.Error()}
		}
	}
}

// pullReady is Receive's function for RawRead (s.pullFn, made once so that a Receive
// allocates nothing for it): it takes from the ring, keeps what it got in s.rcvEv/s.rcvErr,
// and says to park when nothing is ready. It runs under turn.
func (s *Session) pullReady(uintptr) bool {
	s.rcvEv, s.rcvErr = s.pull()
	if s.rcvEv != nil || s.rcvErr != nil {
		return true
	}
	if s.rcvStop == nil && s.rcvCtx.Done() != nil {
		// About to park with a context that can end: its end expires the fd's read
		// deadline, which wakes the park (only the pull in progress sees it).
		s.rcvStop = context.AfterFunc(s.rcvCtx, s.expire)
	}
	return false
}

// pull takes the next event from the ring without waiting and without a cgo call: (nil, nil)
// when none is ready, the ring's fd then armed (the protocol of gemini_live_event_ring_new).
// It runs under turn.
func (s *Session) pull() (Event, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ptr == nil {
		return nil, errSessionClosed
	}
	r := s.ring
	head := (*uint64)(unsafe.Pointer(&r.head))
	done := (*uint32)(unsafe.Pointer(&r.done))
	for {
		t := s.tail
		if atomic.LoadUint64(head) == t {
			if atomic.LoadUint32(done) != 0 {
				return nil, s.ringEnd(r)
			}
			s.drainFd(int(r.fd))
			atomic.StoreUint32((*uint32)(unsafe.Pointer(&r.armed)), 1)
			if atomic.LoadUint64(head) == t && atomic.LoadUint32(done) == 0 {
				return nil, nil
			}
			continue
		}
		ev := s.slots[t&uint64(len(s.slots)-1)]
		e := convertEvent(ev, s.frames)
		s.tail = t + 1
		atomic.StoreUint64((*uint64)(unsafe.Pointer(&r.tail)), t+1) // ev belongs to the library again
		if full := (*uint32)(unsafe.Pointer(&r.full)); atomic.LoadUint32(full) != 0 && atomic.SwapUint32(full, 0) == 1 {
			_, _, _ = syscall.RawSyscall(syscall.SYS_WRITE, uintptr(r.space_fd), uintptr(unsafe.Pointer(&ringOne[0])), 8)
		}
		if e == nil {
			continue // a kind newer than this package
		}
		if cl, ok := e.(*Closed); ok {
			s.ended.Store(cl)
		}
		return e, nil
	}
}

// ringOne is the 8-byte 1 (native endianness) written to the ring's space_fd.
var ringOne = func() (b [8]byte) {
	*(*uint64)(unsafe.Pointer(&b[0])) = 1
	return
}()

// drainFd empties the ring's fd (an eventfd, or a pipe off Linux) with raw, non-blocking
// reads: no cgo call and no scheduler involvement.
func (s *Session) drainFd(fd int) {
	for {
		n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&s.drain[0])), uintptr(len(s.drain)))
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 || int(n) < len(s.drain) || runtime.GOOS == "linux" || runtime.GOOS == "android" {
			return // an eventfd empties in one read
		}
	}
}

// ringEnd is what Receive returns once the ring is done and empty.
func (s *Session) ringEnd(r *C.gemini_live_event_ring) error {
	if res := Result(atomic.LoadUint32((*uint32)(unsafe.Pointer(&r.result)))); res != ResultClosed {
		return &Error{Code: res, Message: "the library stopped pulling the session's events: " + res.String()}
	}
	return s.endErr()
}

func (s *Session) endErr() error {
	if cl := s.ended.Load(); cl != nil {
		return &Error{Code: ResultClosed, Message: "session ended: close " + itoa(int64(cl.Code)) + " " + cl.Reason}
	}
	return errSessionClosed
}

// Events returns a channel of the session's events (capacity Config.EventBuffer, default
// 256); it is closed after the *Closed event or by Close. The first call starts one goroutine
// that Receives and feeds the channel: a second hand-off per event that Receive avoids. Use
// either Events or Receive, not both for the same events.
func (s *Session) Events() <-chan Event {
	s.evOnce.Do(func() {
		s.events = make(chan Event, s.evBuf)
		go s.pump()
	})
	return s.events
}

func (s *Session) pump() {
	defer close(s.events)
	for {
		e, err := s.Receive(context.Background())
		if err != nil {
			return
		}
		select {
		case s.events <- e:
		case <-s.done:
			return
		}
	}
}

// AudioOption adjusts SendAudio.
type AudioOption func(*audioOptions)

type audioOptions struct{ rate int }

// WithSampleRate sets the sample rate of the PCM (default 16000; 8000..48000).
func WithSampleRate(hz int) AudioOption { return func(o *audioOptions) { o.rate = hz } }

// SendAudio sends PCM16 little-endian mono audio (16 kHz unless WithSampleRate). The bytes
// are copied before it returns. It never waits on the network: a full queue gives ErrQueueFull
// (unless Config.AudioPacing, which sleeps instead).
func (s *Session) SendAudio(pcm []byte, opts ...AudioOption) error {
	rate := 16000
	if len(opts) > 0 { // o escapes to the heap (an option may keep &o): only with options
		o := audioOptions{rate: rate}
		for _, f := range opts {
			f(&o)
		}
		rate = o.rate
	}
	if len(pcm) == 0 {
		return &Error{Code: ResultInvalidArgument, Message: "empty audio"}
	}
	// The hot send: no closure and no pointer for the error (returned by value), so a send
	// allocates nothing in Go.
	s.mu.RLock()
	if s.ptr == nil {
		s.mu.RUnlock()
		return errSessionClosed
	}
	r := C.golive_session_send_audio_r(s.ptr, (*C.uint8_t)(unsafe.Pointer(&pcm[0])), C.size_t(len(pcm)), C.uint32_t(rate))
	s.mu.RUnlock()
	if r.result == C.GEMINI_LIVE_RESULT_OK {
		return nil
	}
	return errorFrom(Result(r.result), r.err)
}

// SendVideo sends one video frame; mimeType is "image/jpeg" or "image/png".
func (s *Session) SendVideo(frame []byte, mimeType string) error {
	if len(frame) == 0 {
		return &Error{Code: ResultInvalidArgument, Message: "empty video frame"}
	}
	m := cstr(mimeType)
	defer C.free(unsafe.Pointer(m))
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_video(p, (*C.uint8_t)(unsafe.Pointer(&frame[0])), C.size_t(len(frame)), m, e)
	})
}

// SendText sends realtime text (realtimeInput.text): treated like speech, it ends the turn.
func (s *Session) SendText(text string) error {
	t := cstr(text)
	defer C.free(unsafe.Pointer(t))
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_realtime_text(p, t, e)
	})
}

// Content is one conversation turn for SendClientContent.
type Content struct {
	Role  string `json:"role,omitempty"` // "user" or "model"
	Parts []Part `json:"parts"`
}

// Part is one part of a Content.
type Part struct {
	Text       string `json:"text,omitempty"`
	InlineData *Blob  `json:"inlineData,omitempty"`
}

// Blob is inline media data.
type Blob struct {
	MIMEType string `json:"mimeType"`
	Data     []byte `json:"data"`
}

// SendClientContent appends turns to the conversation (clientContent); turnComplete starts
// generation.
func (s *Session) SendClientContent(turns []Content, turnComplete bool) error {
	b, err := json.Marshal(turns)
	if err != nil {
		return &Error{Code: ResultInvalidJSON, Message: err.Error()}
	}
	return s.SendClientContentJSON(b, turnComplete)
}

// SendClientContentJSON is SendClientContent with the turns as a JSON array of Content objects.
func (s *Session) SendClientContentJSON(turns []byte, turnComplete bool) error {
	t := cstr(string(turns))
	defer C.free(unsafe.Pointer(t))
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_client_content(p, t, boolC(turnComplete), e)
	})
}

// SendClientText sends clientContent with one user turn holding text.
func (s *Session) SendClientText(text string, turnComplete bool) error {
	t := cstr(text)
	defer C.free(unsafe.Pointer(t))
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_client_text(p, t, boolC(turnComplete), e)
	})
}

// ActivityStart marks the start of user activity (Config.ManualActivity only).
func (s *Session) ActivityStart() error {
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_activity_start(p, e)
	})
}

// ActivityEnd marks the end of user activity (Config.ManualActivity only).
func (s *Session) ActivityEnd() error {
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_activity_end(p, e)
	})
}

// AudioStreamEnd tells the server the audio stream paused: a pending utterance ends now.
func (s *Session) AudioStreamEnd() error {
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_audio_stream_end(p, e)
	})
}

// ToolResponse answers a tool call.
type ToolResponse struct {
	ID   string // the call's id (required on the Gemini API)
	Name string // the function name
	// Response marshals to a JSON object, by convention {"output": ...} or {"error": ...}.
	Response   any
	Scheduling Scheduling
	// WillContinue, when non-nil, sets willContinue (true: more responses to this call follow).
	WillContinue *bool
	// Parts is media that goes with the result; only SendToolResponses sends it.
	Parts []FunctionResponsePart
}

// SendToolResponse sends a toolResponse.
func (s *Session) SendToolResponse(r ToolResponse) error {
	if len(r.Parts) > 0 {
		return s.SendToolResponses([]ToolResponse{r})
	}
	b, err := marshalResponse(r.Response)
	if err != nil {
		return err
	}
	var id *C.char
	if r.ID != "" {
		id = cstr(r.ID)
		defer C.free(unsafe.Pointer(id))
	}
	name, resp := cstr(r.Name), cstr(string(b))
	defer C.free(unsafe.Pointer(name))
	defer C.free(unsafe.Pointer(resp))
	wc := willContinueC(r.WillContinue)
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_tool_response(p, id, name, resp, C.uint32_t(r.Scheduling), wc, e)
	})
}

func marshalResponse(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &Error{Code: ResultInvalidJSON, Message: err.Error()}
	}
	return b, nil
}

func willContinueC(v *bool) C.int32_t {
	if v == nil {
		return -1
	}
	if *v {
		return 1
	}
	return 0
}

// Respond answers call with result: an error becomes {"error": err.Error()}, anything else
// {"output": result}.
func (s *Session) Respond(call *ToolCall, result any) error {
	var resp any = map[string]any{"output": result}
	if err, ok := result.(error); ok {
		resp = map[string]any{"error": err.Error()}
	}
	return s.SendToolResponse(ToolResponse{ID: call.ID, Name: call.Name, Response: resp})
}

// Respond answers the call on s; see Session.Respond.
func (c *ToolCall) Respond(s *Session, result any) error { return s.Respond(c, result) }

// ContextUpdate replaces the system instruction and/or the tools mid-session.
type ContextUpdate struct {
	SystemInstruction *string // nil leaves it unchanged
	// Tools replaces the tools when non-nil (an empty, non-nil slice clears them).
	Tools []json.RawMessage
}

// UpdateContext sends contextUpdate.
func (s *Session) UpdateContext(u ContextUpdate) error {
	var si, tools *C.char
	if u.SystemInstruction != nil {
		si = cstr(*u.SystemInstruction)
		defer C.free(unsafe.Pointer(si))
	}
	if u.Tools != nil {
		b, err := json.Marshal(u.Tools)
		if err != nil {
			return &Error{Code: ResultInvalidJSON, Message: err.Error()}
		}
		tools = cstr(string(b))
		defer C.free(unsafe.Pointer(tools))
	}
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_context_update(p, si, tools, e)
	})
}

// SendRawJSON sends a client message built by the application: one JSON object with exactly
// one of clientContent, realtimeInput, toolResponse, contextUpdate.
func (s *Session) SendRawJSON(msg []byte) error {
	m := cstr(string(msg))
	defer C.free(unsafe.Pointer(m))
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_raw_json(p, m, e)
	})
}

// Phase returns the session's current phase (PhaseClosed after Close).
func (s *Session) Phase() Phase {
	var ph C.gemini_live_phase
	if err := s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_get_phase(p, &ph, e)
	}); err != nil {
		return PhaseClosed
	}
	return Phase(ph)
}

// ID returns the session id: the server's (Vertex) or the library's local one.
func (s *Session) ID() (string, error) {
	var out *C.char
	if err := s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_get_id(p, &out, e)
	}); err != nil {
		return "", err
	}
	defer C.gemini_live_string_free(out)
	return C.GoString(out), nil
}

// DroppedAudio returns how many audio messages the reconnect replay buffer dropped.
func (s *Session) DroppedAudio() (uint64, error) {
	var n C.uint64_t
	err := s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_get_dropped_audio(p, &n, e)
	})
	return uint64(n), err
}

// DroppedVideo returns how many video frames the reconnect replay buffer dropped (over its
// bounds video goes before audio).
func (s *Session) DroppedVideo() (uint64, error) {
	var n C.uint64_t
	err := s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_get_dropped_video(p, &n, e)
	})
	return uint64(n), err
}

// AudioWriter is an io.Writer of PCM16 mono audio that sends it in 20 ms messages.
type AudioWriter struct {
	s     *Session
	rate  int
	chunk int
	mu    sync.Mutex
	buf   []byte
}

// AudioWriter returns a writer sending PCM16 little-endian mono audio at sampleRate Hz
// (16000 when 0) in 20 ms messages. A write blocks while the send queue is full.
func (s *Session) AudioWriter(sampleRate int) *AudioWriter {
	if sampleRate <= 0 {
		sampleRate = 16000
	}
	return &AudioWriter{s: s, rate: sampleRate, chunk: sampleRate * 2 * 20 / 1000}
}

func (w *AudioWriter) send(b []byte) error {
	backoff := time.Millisecond
	for {
		err := w.s.SendAudio(b, WithSampleRate(w.rate))
		if !errors.Is(err, ErrQueueFull) {
			return err
		}
		time.Sleep(backoff) // back off until the queue drains
		if backoff < 20*time.Millisecond {
			backoff *= 2
		}
	}
}

// Write buffers p and sends every complete 20 ms chunk.
func (w *AudioWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	prior := len(w.buf)
	w.buf = append(w.buf, p...)
	sent := 0
	for len(w.buf)-sent >= w.chunk {
		if err := w.send(w.buf[sent : sent+w.chunk]); err != nil {
			n := sent - prior
			if n < 0 {
				n = 0
			}
			w.buf = w.buf[:0]
			return n, err
		}
		sent += w.chunk
	}
	w.buf = append(w.buf[:0], w.buf[sent:]...)
	return len(p), nil
}

// Flush sends the buffered remainder (an odd trailing byte is dropped).
func (w *AudioWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(w.buf) &^ 1
	var err error
	if n > 0 {
		err = w.send(w.buf[:n])
	}
	w.buf = w.buf[:0]
	return err
}
