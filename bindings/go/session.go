package geminilive

// #include "shims.h"
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// core is what the library's callbacks reach through the cgo.Handle: the event channel and
// its state. It never holds a C pointer.
type core struct {
	events chan Event
	done   chan struct{} // closed by Close (or an abandoned Connect): deliveries stop waiting
	stopMu sync.Once

	mu       sync.Mutex // serializes deliver and finish
	evClosed bool
	closed   atomic.Pointer[Closed]
	frames   frameCache // the last frame's text, shared by its events (callback thread only)
}

func newCore(buffer int) *core {
	if buffer <= 0 {
		buffer = 256
	}
	return &core{events: make(chan Event, buffer), done: make(chan struct{})}
}

func (c *core) stop() { c.stopMu.Do(func() { close(c.done) }) }

// deliver runs on the library's callback thread. It waits while the channel is full (the
// library then pauses this session's network reading, nothing is lost) unless the session is
// being closed, so Close never waits on a consumer.
func (c *core) deliver(e Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.evClosed {
		return
	}
	select {
	case c.events <- e:
	case <-c.done:
	}
	if cl, ok := e.(*Closed); ok {
		c.closed.Store(cl)
		close(c.events)
		c.evClosed = true
	}
}

// finish runs from the userdata finalizer, after the last callback.
func (c *core) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.evClosed {
		close(c.events)
		c.evClosed = true
	}
}

// credState is what the credential callback reaches through its cgo.Handle.
type credState struct {
	fn    func(context.Context) (string, error)
	ctx   context.Context
	calls atomic.Int64
}

func (cs *credState) context() context.Context { return cs.ctx }

// Session is a live session. All methods are safe for concurrent use.
type Session struct {
	c *core

	mu  sync.RWMutex // read-held during every C call on ptr; Close takes it to clear ptr
	ptr *C.gemini_live_session

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
	s := &Session{c: newCore(cfg.EventBuffer), cancel: cancel}
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

	h := newHandle(s.c)
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
			return C.golive_session_new(ccfg, C.uintptr_t(h), &out, e)
		})
		C.gemini_live_config_free(ccfg)
		if err != nil {
			// Nothing was created: the finalizer will never run, the handle is ours again.
			s.c.finish()
			deleteHandle(h)
		}
		mu.Lock()
		gone := isAbandoned
		mu.Unlock()
		if gone {
			if out != nil {
				C.gemini_live_session_free(out) // runs the finalizer: the handle is released
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
		s.ptr = r.ptr
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
				s.ptr = r.ptr
				_ = s.Close()
			} else {
				s.releaseCredentials()
			}
			return nil, ctx.Err()
		default:
		}
		isAbandoned = true
		abandoned.Add(1)
		mu.Unlock()
		s.c.stop()
		cancel()
		return nil, ctx.Err()
	}
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
		s.c.stop()
		s.cancel()
		s.mu.Lock()
		p := s.ptr
		s.ptr = nil
		s.mu.Unlock()
		if p != nil {
			// Waits for a callback in progress (which no longer blocks: done is closed) and
			// runs the userdata finalizer, which releases the event handle.
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

// Receive waits for the next event. After the *Closed event, or after Close, it returns an
// error matching ErrClosed.
func (s *Session) Receive(ctx context.Context) (Event, error) {
	// Prefer pending events over the closed state, unless Close was called.
	select {
	case <-s.c.done:
		return nil, errSessionClosed
	default:
	}
	select {
	case e, ok := <-s.c.events:
		if !ok {
			return nil, s.endErr()
		}
		return e, nil
	case <-s.c.done:
		return nil, errSessionClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Session) endErr() error {
	if cl := s.c.closed.Load(); cl != nil {
		return &Error{Code: ResultClosed, Message: "session ended: close " + itoa(int64(cl.Code)) + " " + cl.Reason}
	}
	return errSessionClosed
}

// Events returns the event channel; it is closed after the *Closed event or by Close. Use
// either Events or Receive, not both for the same events.
func (s *Session) Events() <-chan Event { return s.c.events }

// AudioOption adjusts SendAudio.
type AudioOption func(*audioOptions)

type audioOptions struct{ rate int }

// WithSampleRate sets the sample rate of the PCM (default 16000; 8000..48000).
func WithSampleRate(hz int) AudioOption { return func(o *audioOptions) { o.rate = hz } }

// SendAudio sends PCM16 little-endian mono audio (16 kHz unless WithSampleRate). The bytes
// are copied before it returns. It never waits on the network: a full queue gives ErrQueueFull
// (unless Config.AudioPacing, which sleeps instead).
func (s *Session) SendAudio(pcm []byte, opts ...AudioOption) error {
	o := audioOptions{rate: 16000}
	for _, f := range opts {
		f(&o)
	}
	if len(pcm) == 0 {
		return &Error{Code: ResultInvalidArgument, Message: "empty audio"}
	}
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_audio(p, (*C.uint8_t)(unsafe.Pointer(&pcm[0])), C.size_t(len(pcm)), C.uint32_t(o.rate), e)
	})
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
