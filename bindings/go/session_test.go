package geminilive

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTextTurn(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText, SystemInstruction: "be brief"})
	if err := s.SendClientText("hello there", true); err != nil {
		t.Fatal(err)
	}
	ev := until(t, s, 5*time.Second, is[*TurnComplete])
	if _, ok := find[*Connected](ev); !ok {
		t.Errorf("no Connected event: %s", describe(ev))
	}
	if _, ok := find[*PhaseChanged](ev); !ok {
		t.Errorf("no PhaseChanged event: %s", describe(ev))
	}
	var text string
	for _, e := range ev {
		if x, ok := e.(*Text); ok {
			text += x.Text
		}
	}
	if text != "You said: hello there" {
		t.Errorf("text %q", text)
	}
	if _, ok := find[*GenerationComplete](ev); !ok {
		t.Errorf("no GenerationComplete: %s", describe(ev))
	}
	if u, ok := find[*UsageMetadata](ev); !ok || u.TotalTokenCount <= 0 || len(u.JSON) == 0 {
		t.Errorf("usage %+v", u)
	}
	if s.Phase() != PhaseActive {
		t.Errorf("phase %v", s.Phase())
	}
	if id, err := s.ID(); err != nil || id == "" {
		t.Errorf("ID %q %v", id, err)
	}
	// Realtime text takes the other path to the same model.
	if err := s.SendText("again"); err != nil {
		t.Fatal(err)
	}
	ev = until(t, s, 5*time.Second, is[*TurnComplete])
	if x, ok := find[*Text](ev); !ok || !strings.HasPrefix(x.Text, "You said: again") {
		t.Errorf("realtime text reply: %s", describe(ev))
	}
}

func TestAudioTurnWithTranscription(t *testing.T) {
	m := startMock(t, `{"audio_transcript":"what is the weather in Paris"}`)
	s := connect(t, m, Config{Modality: ModalityAudio, InputTranscription: true, OutputTranscription: true})
	w := s.AudioWriter(16000)
	audio := pcm(600*time.Millisecond, 900*time.Millisecond)
	if n, err := w.Write(audio); err != nil || n != len(audio) {
		t.Fatalf("Write: %d %v", n, err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	ev := until(t, s, 10*time.Second, is[*TurnComplete])
	var starts, ends int
	var final, interim bool
	var out string
	var audioBytes int
	for _, e := range ev {
		switch x := e.(type) {
		case *VoiceActivity:
			if x.Started {
				starts++
			} else {
				ends++
			}
		case *InputTranscription:
			if x.Interim {
				interim = true
			}
			if x.Finished && x.Text == "what is the weather in Paris" {
				final = true
			}
		case *OutputTranscription:
			out += x.Text
		case *Audio:
			if x.SampleRate != 24000 || len(x.Data)%2 != 0 {
				t.Errorf("audio %d bytes @%d", len(x.Data), x.SampleRate)
			}
			audioBytes += len(x.Data)
		}
	}
	if starts != 1 || ends != 1 || !final || !interim || audioBytes == 0 {
		t.Errorf("starts %d ends %d final %v interim %v audio %d: %s", starts, ends, final, interim, audioBytes, describe(ev))
	}
	if out != "You said: what is the weather in Paris" {
		t.Errorf("output transcription %q", out)
	}
	// 1.5 s in 20 ms chunks = 75 messages.
	if err := m.WaitFor("/messages/realtime_audio", 75, 5*time.Second); err != nil {
		t.Error(err)
	}
}

var weatherTool = FunctionDeclaration{
	Name:        "get_weather",
	Description: "weather of a city",
	Parameters:  map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}},
}

func TestToolCallAndResponse(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText, FunctionDeclarations: []FunctionDeclaration{weatherTool}})
	if err := s.SendText("call get_weather for Paris"); err != nil {
		t.Fatal(err)
	}
	ev := until(t, s, 5*time.Second, is[*ToolCall])
	call := ev[len(ev)-1].(*ToolCall)
	if call.Name != "get_weather" || call.ID == "" {
		t.Fatalf("call %+v", call)
	}
	var args map[string]any
	if err := json.Unmarshal(call.Args, &args); err != nil || args["input"] == nil {
		t.Errorf("args %s %v", call.Args, err)
	}
	if err := call.Respond(s, map[string]any{"temp_c": 21}); err != nil {
		t.Fatal(err)
	}
	ev = until(t, s, 5*time.Second, is[*TurnComplete])
	var text string
	for _, e := range ev {
		if x, ok := e.(*Text); ok {
			text += x.Text
		}
	}
	if !strings.Contains(text, "Tool get_weather returned") || !strings.Contains(text, "21") {
		t.Errorf("reply %q", text)
	}
	if got := stat(t, m, "messages", "tool_response"); got != 1 {
		t.Errorf("tool responses %v", got)
	}
	// An error result and explicit fields go through SendToolResponse.
	if err := s.SendText("get_weather again"); err != nil {
		t.Fatal(err)
	}
	ev = until(t, s, 5*time.Second, is[*ToolCall])
	call = ev[len(ev)-1].(*ToolCall)
	if err := s.Respond(call, errors.New("service down")); err != nil {
		t.Fatal(err)
	}
	ev = until(t, s, 5*time.Second, is[*TurnComplete])
	text = ""
	for _, e := range ev {
		if x, ok := e.(*Text); ok {
			text += x.Text
		}
	}
	if !strings.Contains(text, "service down") {
		t.Errorf("error reply %q", text)
	}
	// Explicit fields: an unknown response shape is refused before anything is sent.
	if err := s.SendToolResponse(ToolResponse{ID: "x", Name: "get_weather", Response: []int{1}}); !errors.Is(err, ErrInvalidJSON) {
		t.Errorf("array response: %v", err)
	}
	if err := m.WaitFor("/messages/tool_response", 2, 5*time.Second); err != nil {
		t.Error(err)
	}
}

func TestBargeInCancelsToolCall(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText, FunctionDeclarations: []FunctionDeclaration{weatherTool}})
	if err := s.SendText("get_weather in Rome"); err != nil {
		t.Fatal(err)
	}
	call := until(t, s, 5*time.Second, is[*ToolCall])
	id := call[len(call)-1].(*ToolCall).ID
	if err := s.SendText("never mind"); err != nil {
		t.Fatal(err)
	}
	ev := until(t, s, 5*time.Second, is[*ToolCallCancellation])
	if _, ok := find[*Interrupted](ev); !ok {
		t.Errorf("no Interrupted: %s", describe(ev))
	}
	c := ev[len(ev)-1].(*ToolCallCancellation)
	if len(c.IDs) != 1 || c.IDs[0] != id {
		t.Errorf("cancelled %v, want [%s]", c.IDs, id)
	}
}

func TestBargeInInterruptsAudio(t *testing.T) {
	m := startMock(t, `{"realtime_output":true,"reply_text":"one two three four five six seven eight nine ten eleven twelve"}`)
	s := connect(t, m, Config{Modality: ModalityAudio})
	if err := s.SendText("talk"); err != nil {
		t.Fatal(err)
	}
	until(t, s, 5*time.Second, is[*Audio])
	if err := s.SendText("stop"); err != nil {
		t.Fatal(err)
	}
	until(t, s, 5*time.Second, is[*Interrupted])
}

func TestResumptionGoAwayReconnect(t *testing.T) {
	m := startMock(t, `{"connection_lifetime_ms":1200,"go_away_time_left_ms":400}`)
	// The connection lives 1.2 s; count it as stable so that the move is attempt 1, at once.
	budget := &ReconnectBudget{StableAfter: 0, Window: time.Minute, MaxPerWindow: 20}
	s := connect(t, m, Config{Modality: ModalityText, Resumption: &Resumption{}, ReconnectBudget: budget})
	ev := until(t, s, 5*time.Second, func(e Event) bool { r, ok := e.(*ResumptionUpdate); return ok && r.Resumable })
	if r := ev[len(ev)-1].(*ResumptionUpdate); r.Handle == "" {
		t.Errorf("resumption update without handle: %+v", r)
	}
	ev = until(t, s, 10*time.Second, is[*Reconnected])
	g, ok := find[*GoAway](ev)
	if !ok || g.TimeLeft <= 0 || g.TimeLeft > 400*time.Millisecond {
		t.Errorf("goAway %+v: %s", g, describe(ev))
	}
	if r, ok := find[*Reconnecting](ev); !ok || r.Attempt != 1 {
		t.Errorf("reconnecting %+v", r)
	}
	if r := ev[len(ev)-1].(*Reconnected); !r.Resumed {
		t.Errorf("not resumed")
	}
	if err := s.SendClientText("still there?", true); err != nil {
		t.Fatal(err)
	}
	until(t, s, 5*time.Second, is[*TurnComplete])
	if n := stat(t, m, "resumptions_ok"); n < 1 {
		t.Errorf("resumptions_ok %v", n)
	}
}

func TestGoAwayThenServerClose(t *testing.T) {
	m := startMock(t, `{"connection_lifetime_ms":600,"go_away_time_left_ms":200}`)
	s := connect(t, m, Config{Modality: ModalityText})
	ev := until(t, s, 5*time.Second, is[*Closed])
	if _, ok := find[*GoAway](ev); !ok {
		t.Errorf("no GoAway: %s", describe(ev))
	}
	cl := ev[len(ev)-1].(*Closed)
	if cl.Code != 1008 || cl.Reason == "" {
		t.Errorf("closed %+v", cl)
	}
	if _, err := s.Receive(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Receive after Closed: %v", err)
	}
	if _, ok := <-s.Events(); ok {
		t.Error("Events not closed")
	}
}

func TestServerCloseCodeAndReason(t *testing.T) {
	m := startMock(t, `{"scenario":[{"on":"realtimeInput.text","close":{"code":1011,"reason":"Internal error occurred."}}]}`)
	s := connect(t, m, Config{Modality: ModalityText})
	if err := s.SendText("boom"); err != nil {
		t.Fatal(err)
	}
	ev := until(t, s, 5*time.Second, is[*Closed])
	cl := ev[len(ev)-1].(*Closed)
	if cl.Code != 1011 || cl.Reason != "Internal error occurred." || cl.Class != CloseRetryable {
		t.Errorf("closed %+v: %s", cl, describe(ev))
	}
	if err := s.SendText("late"); !errors.Is(err, ErrClosed) {
		t.Errorf("send after server close: %v", err)
	}
}

func TestScenarioEvents(t *testing.T) {
	m := startMock(t, `{"scenario":[
		{"on":"message:1","send":{"serverContent":{"modelTurn":{"parts":[{"text":"pondering","thought":true}]}}}},
		{"on":"message:2","send":{"customThing":{"a":1}}},
		{"on":"message:3","raw":"{\"serverContent\":"}]}`)
	s := connect(t, m, Config{Modality: ModalityText})
	for _, msg := range []string{"a", "b", "c"} {
		if err := s.SendText(msg); err != nil {
			t.Fatal(err)
		}
	}
	ev := until(t, s, 5*time.Second, is[*ErrorEvent])
	if th, ok := find[*Thought](ev); !ok || th.Text != "pondering" {
		t.Errorf("thought: %s", describe(ev))
	}
	if r, ok := find[*Raw](ev); !ok || !strings.Contains(string(r.JSON), "customThing") {
		t.Errorf("raw: %s", describe(ev))
	}
	e := ev[len(ev)-1].(*ErrorEvent)
	if e.Type != ErrorKindMalformedFrame || e.Fatal || e.Err() == nil {
		t.Errorf("error event %+v", e)
	}
	// The session continues.
	if err := s.SendClientText("ok?", true); err != nil {
		t.Fatal(err)
	}
	until(t, s, 5*time.Second, is[*TurnComplete])
}

func TestEverySend(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText, ManualActivity: true})
	wait := func(ptr string, n int64) {
		t.Helper()
		if err := m.WaitFor(ptr, n, 5*time.Second); err != nil {
			t.Fatalf("%s: %v", ptr, err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.ActivityStart())
	wait("/messages/activity_start", 1)
	must(s.SendAudio(pcm(100*time.Millisecond, 0)))
	must(s.SendAudio(make([]byte, 960), WithSampleRate(24000)))
	wait("/messages/realtime_audio", 2)
	must(s.ActivityEnd())
	wait("/messages/activity_end", 1)
	must(s.SendVideo([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 0xFF, 0xD9}, "image/jpeg"))
	wait("/messages/realtime_video", 1)
	must(s.SendText("text"))
	wait("/messages/realtime_text", 1)
	must(s.SendClientContent([]Content{{Role: "user", Parts: []Part{{Text: "hi"}}}}, false))
	must(s.SendClientContentJSON([]byte(`[{"role":"model","parts":[{"text":"hello"}]}]`), false))
	must(s.SendClientText("hey", false))
	wait("/messages/client_content", 3)
	must(s.AudioStreamEnd())
	wait("/messages/audio_stream_end", 1)
	si := "new instruction"
	must(s.UpdateContext(ContextUpdate{SystemInstruction: &si, Tools: []json.RawMessage{}}))
	wait("/messages/context_update", 1)
	must(s.SendRawJSON([]byte(`{"realtimeInput":{"text":"raw"}}`)))
	wait("/messages/realtime_text", 2)
	// Tool responses are covered by TestToolCallAndResponse (the mock closes on unknown ids).
	if n, err := s.DroppedAudio(); err != nil || n != 0 {
		t.Errorf("dropped %d %v", n, err)
	}
	if n, err := s.DroppedVideo(); err != nil || n != 0 {
		t.Errorf("dropped video %d %v", n, err)
	}

	// Bad input gets the library's codes.
	if err := s.SendRawJSON([]byte(`{"setup":{}}`)); !errors.Is(err, ErrInvalidJSON) {
		t.Errorf("raw setup: %v", err)
	}
	if err := s.SendAudio([]byte{1, 2, 3}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("odd audio: %v", err)
	}
	if err := s.SendVideo([]byte{1}, "image/gif"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("gif: %v", err)
	}
	// Audio whose encoded frame would pass the message limit is refused at the call.
	if err := s.SendAudio(make([]byte, MaxAudioBytes+2)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized audio: %v", err)
	}
	var e *Error
	if err := s.SendClientContentJSON([]byte(`{}`), true); !errors.As(err, &e) || e.Code != ResultInvalidJSON || e.Message == "" {
		t.Errorf("client content object: %v", err)
	}
}

func TestConcurrentSends(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText, SendQueueSize: 4096})
	const goroutines, each = 16, 40
	silence := make([]byte, 640)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := s.SendAudio(silence); err != nil {
					errs <- err
					return
				}
				if i%10 == 0 {
					if err := s.SendClientText("note", false); err != nil {
						errs <- err
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := m.WaitFor("/messages/realtime_audio", goroutines*each, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := m.WaitFor("/messages/client_content", goroutines*each/10, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := stat(t, m, "messages", "realtime_audio"); got != goroutines*each {
		t.Errorf("realtime_audio %v", got)
	}
}

func TestCloseWhileEventsFlow(t *testing.T) {
	m := startMock(t, "")
	// Nobody reading: the library's queue fills and the session's network reading pauses.
	s := connect(t, m, Config{Modality: ModalityText, EventBuffer: 1})
	for i := 0; i < 20; i++ {
		if err := s.SendText("one two three four five six seven eight nine"); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.WaitFor("/turns_completed", 2, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	// A second goroutine blocked in Receive on another session, and concurrent senders.
	s2 := connect(t, m, Config{Modality: ModalityText})
	until(t, s2, 5*time.Second, is[*Connected])
	recvErr := make(chan error, 1)
	go func() {
		_, err := s2.Receive(context.Background())
		recvErr <- err
	}()
	stopSend := make(chan struct{})
	var senders sync.WaitGroup
	for i := 0; i < 4; i++ {
		senders.Add(1)
		go func() {
			defer senders.Done()
			for {
				select {
				case <-stopSend:
					return
				default:
				}
				if err := s.SendText("more"); errors.Is(err, ErrClosed) {
					return
				}
			}
		}()
	}
	closed := make(chan struct{})
	go func() {
		_ = s.Close()
		_ = s2.Close()
		_ = s.Close() // idempotent
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close deadlocked")
	}
	close(stopSend)
	senders.Wait()
	select {
	case err := <-recvErr:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Receive after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Receive not woken by Close")
	}
	if err := s.SendText("after"); !errors.Is(err, ErrClosed) {
		t.Errorf("send after Close: %v", err)
	}
	if s.Phase() != PhaseClosed {
		t.Errorf("phase after Close %v", s.Phase())
	}
	for range s.Events() { // ends: the session is closed
	}
}

func TestRequestCloseGraceful(t *testing.T) {
	m := startMock(t, "")
	s := connect(t, m, Config{Modality: ModalityText})
	if err := s.RequestClose(); err != nil {
		t.Fatal(err)
	}
	ev := until(t, s, 5*time.Second, is[*Closed])
	if cl := ev[len(ev)-1].(*Closed); cl.Code != 1000 || cl.Class != CloseNormal {
		t.Errorf("closed %+v", cl)
	}
	var e *Error
	if err := s.SendText("late"); !errors.As(err, &e) || e.Code != ResultClosed {
		t.Errorf("send after RequestClose: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestConnectCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() { // accept and stall: never answer the WebSocket upgrade
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	cfg := Config{APIKey: "k", BaseURL: "ws://" + ln.Addr().String(), ConnectTimeout: 2 * time.Second,
		Credentials: func(ctx context.Context) (string, error) { return "k", nil }}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	s, err := Connect(ctx, cfg)
	if !errors.Is(err, context.DeadlineExceeded) || s != nil {
		t.Fatalf("Connect: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancel took %v", d)
	}

	// Already cancelled: no C call at all.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := Connect(ctx2, cfg); !errors.Is(err, context.Canceled) {
		t.Errorf("pre-cancelled: %v", err)
	}

	// The abandoned C connect finishes (connect timeout) and frees what it created.
	done := make(chan struct{})
	go func() { abandoned.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("abandoned connect never finished")
	}
}

func TestCredentialsCallback(t *testing.T) {
	m := startMock(t, `{"api_keys":["fresh-key"]}`)
	var calls int
	var mu sync.Mutex
	s := connect(t, m, Config{Modality: ModalityText, Credentials: func(ctx context.Context) (string, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return "fresh-key", nil
	}})
	if err := s.SendClientText("hi", true); err != nil {
		t.Fatal(err)
	}
	until(t, s, 5*time.Second, is[*TurnComplete])
	mu.Lock()
	if calls != 1 {
		t.Errorf("credential calls %d", calls)
	}
	mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Connect(ctx, mockConfig(m, Config{Credentials: func(context.Context) (string, error) {
		return "", errors.New("no token today")
	}}))
	if !errors.Is(err, ErrCredential) {
		t.Errorf("failing credentials: %v", err)
	}
}

func TestBadAPIKey(t *testing.T) {
	m := startMock(t, `{"api_keys":["good"]}`)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Connect(ctx, mockConfig(m, Config{APIKey: "bad"}))
	var e *Error
	if !errors.Is(err, ErrServerClosed) || !errors.As(err, &e) {
		t.Fatalf("Connect: %v", err)
	}
	if e.CloseCode != 1007 || e.Reason != "API key not valid. Please pass a valid API key." {
		t.Errorf("close %d %q (%s)", e.CloseCode, e.Reason, e.Message)
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	temp := float32(5)
	if _, err := Connect(ctx, Config{APIKey: "k", Temperature: &temp}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("temperature: %v", err)
	}
	if _, err := Connect(ctx, Config{BaseURL: "ws://127.0.0.1:1"}); !errors.Is(err, ErrConfig) {
		t.Errorf("no credentials: %v", err)
	}
	if _, err := Connect(ctx, Config{APIKey: "k", Tools: []json.RawMessage{json.RawMessage(`1`)}}); !errors.Is(err, ErrInvalidJSON) {
		t.Errorf("tools: %v", err)
	}
	if _, err := StartMockServer(`{"nope":`); !errors.Is(err, ErrInvalidJSON) {
		t.Errorf("mock config: %v", err)
	}
	if Version() != HeaderVersion {
		t.Errorf("library %s, header %s", Version(), HeaderVersion)
	}
	if ResultQueueFull.String() != "GEMINI_LIVE_RESULT_QUEUE_FULL" {
		t.Error(ResultQueueFull.String())
	}
}

// Errors are data taken in the same C call as the failure (no goroutine is locked to an OS
// thread): failures on many goroutines at once each get their own code, close code and reason.
func TestErrorsAreDataOnAnyGoroutine(t *testing.T) {
	m := startMock(t, `{"api_keys":["good"]}`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	temp := float32(5)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 3; j++ {
				var e *Error
				_, err := Connect(ctx, mockConfig(m, Config{APIKey: "bad"}))
				if !errors.As(err, &e) || e.Code != ResultServerClosed || e.CloseCode != 1007 ||
					e.Reason != "API key not valid. Please pass a valid API key." {
					t.Errorf("bad key: %#v", err)
				}
				_, err = Connect(ctx, mockConfig(m, Config{APIKey: " "}))
				if !errors.As(err, &e) || e.CloseCode != 1008 || !strings.Contains(e.Reason, "unregistered callers") {
					t.Errorf("blank key: %#v", err)
				}
				_, err = Connect(ctx, mockConfig(m, Config{APIKey: "good", Temperature: &temp}))
				if !errors.As(err, &e) || e.Code != ResultInvalidArgument || e.CloseCode != 0 || e.Reason != "" ||
					!strings.Contains(e.Message, "temperature") {
					t.Errorf("temperature: %#v", err)
				}
			}
		}()
	}
	wg.Wait()
}

// A CA file that is unusable at connect time is ErrTLS (not ErrConfig), without close data.
func TestBadCAFileIsTLS(t *testing.T) {
	m := startMock(t, "")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := mockConfig(m, Config{CAFile: ca})
	cfg.BaseURL = "wss" + strings.TrimPrefix(m.URL(), "ws")
	_, err := Connect(context.Background(), cfg)
	var e *Error
	if !errors.Is(err, ErrTLS) || !errors.As(err, &e) || e.CloseCode != 0 || e.Reason != "" {
		t.Errorf("Connect: %#v", err)
	}
}
