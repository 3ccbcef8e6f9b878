package geminilive

// #include "shims.h"
import "C"

import (
	"encoding/json"
	"time"
	"unsafe"
)

// EventKind is the C library's gemini_live_event_kind.
type EventKind uint32

// Event kinds (GEMINI_LIVE_EVENT_KIND_*).
const (
	KindConnected            EventKind = C.GEMINI_LIVE_EVENT_KIND_CONNECTED
	KindAudio                EventKind = C.GEMINI_LIVE_EVENT_KIND_AUDIO
	KindText                 EventKind = C.GEMINI_LIVE_EVENT_KIND_TEXT
	KindThought              EventKind = C.GEMINI_LIVE_EVENT_KIND_THOUGHT
	KindInputTranscription   EventKind = C.GEMINI_LIVE_EVENT_KIND_INPUT_TRANSCRIPTION
	KindOutputTranscription  EventKind = C.GEMINI_LIVE_EVENT_KIND_OUTPUT_TRANSCRIPTION
	KindToolCall             EventKind = C.GEMINI_LIVE_EVENT_KIND_TOOL_CALL
	KindToolCallCancellation EventKind = C.GEMINI_LIVE_EVENT_KIND_TOOL_CALL_CANCELLATION
	KindInterrupted          EventKind = C.GEMINI_LIVE_EVENT_KIND_INTERRUPTED
	KindGenerationComplete   EventKind = C.GEMINI_LIVE_EVENT_KIND_GENERATION_COMPLETE
	KindTurnComplete         EventKind = C.GEMINI_LIVE_EVENT_KIND_TURN_COMPLETE
	KindVoiceActivity        EventKind = C.GEMINI_LIVE_EVENT_KIND_VOICE_ACTIVITY
	KindUsageMetadata        EventKind = C.GEMINI_LIVE_EVENT_KIND_USAGE_METADATA
	KindGoAway               EventKind = C.GEMINI_LIVE_EVENT_KIND_GO_AWAY
	KindResumptionUpdate     EventKind = C.GEMINI_LIVE_EVENT_KIND_RESUMPTION_UPDATE
	KindReconnecting         EventKind = C.GEMINI_LIVE_EVENT_KIND_RECONNECTING
	KindReconnected          EventKind = C.GEMINI_LIVE_EVENT_KIND_RECONNECTED
	KindPhaseChanged         EventKind = C.GEMINI_LIVE_EVENT_KIND_PHASE_CHANGED
	KindError                EventKind = C.GEMINI_LIVE_EVENT_KIND_ERROR
	KindClosed               EventKind = C.GEMINI_LIVE_EVENT_KIND_CLOSED
	KindRaw                  EventKind = C.GEMINI_LIVE_EVENT_KIND_RAW
)

// Event is one thing that happened in a session. The concrete types are *Connected, *Audio,
// *Text, *Thought, *InputTranscription, *OutputTranscription, *ToolCall,
// *ToolCallCancellation, *Interrupted, *GenerationComplete, *TurnComplete, *VoiceActivity,
// *UsageMetadata, *GoAway, *ResumptionUpdate, *Reconnecting, *Reconnected, *PhaseChanged,
// *ErrorEvent, *Closed and *Raw. Every field is a Go copy; nothing refers to C memory.
type Event interface {
	Kind() EventKind
}

// Connected: setupComplete arrived; the session is ready.
type Connected struct {
	SessionID string // the server's session id (Vertex only), else ""
}

// Audio is model audio: 16-bit little-endian mono PCM.
type Audio struct {
	Data       []byte
	SampleRate int // 24000 unless the server said otherwise, or Config.OutputAudioFormat's rate
}

// Text is model text.
type Text struct{ Text string }

// Thought is a thought summary (Config.IncludeThoughts).
type Thought struct{ Text string }

// InputTranscription is a transcription of the user's audio. An Interim one is replaced by a
// later one.
type InputTranscription struct {
	Text     string
	Finished bool
	Interim  bool
}

// OutputTranscription is a fragment of the transcription of the model's audio.
type OutputTranscription struct {
	Text     string
	Finished bool
}

// ToolCall asks for a function call; answer with Respond or Session.SendToolResponse.
type ToolCall struct {
	ID   string
	Name string
	Args json.RawMessage // the arguments object
}

// ToolCallCancellation lists earlier tool calls that should not run.
type ToolCallCancellation struct{ IDs []string }

// Interrupted: the user interrupted the model; flush playback now.
type Interrupted struct{}

// GenerationComplete: the model finished generating (TurnComplete may come later).
type GenerationComplete struct{}

// TurnComplete: the model's turn is over.
type TurnComplete struct {
	Reason            string // the turn-complete reason, or ""
	InteractionStatus string // or ""
	WaitingForInput   bool
}

// VoiceActivity reports the start or end of user speech.
type VoiceActivity struct {
	Type    string // ACTIVITY_START, ACTIVITY_END, VAD_SIGNAL_TYPE_SOS, VAD_SIGNAL_TYPE_EOS
	Started bool
	Offset  time.Duration // audio offset of the activity; negative when absent
}

// UsageMetadata reports token usage. Counts are -1 when absent.
type UsageMetadata struct {
	PromptTokenCount        int64
	CachedContentTokenCount int64
	ResponseTokenCount      int64
	ToolUsePromptTokenCount int64
	ThoughtsTokenCount      int64
	TotalTokenCount         int64
	JSON                    json.RawMessage // the full usage object
}

// GoAway: the server will close this connection soon (the library reconnects if it can).
type GoAway struct {
	TimeLeft time.Duration // negative when absent
}

// ResumptionUpdate carries a new session resumption handle.
type ResumptionUpdate struct {
	Handle            string // "" when none
	Resumable         bool
	LastConsumedIndex int64 // -1 when absent
}

// Reconnecting: the connection was lost or is being replaced.
type Reconnecting struct {
	Attempt int
	Reason  string
}

// Reconnected: a new connection is active.
type Reconnected struct {
	Resumed bool // the server restored the session state
	// Client messages the server had not certainly read, written again on the new
	// connection (nothing lost; at most these may reach the session twice), and their JSON bytes.
	ResentMessages, ResentBytes uint64
	// Messages the new session does not have (it could not be resumed), and their JSON bytes.
	LostMessages, LostBytes uint64
}

// PhaseChanged: the session moved to a new phase.
type PhaseChanged struct{ Phase Phase }

// ErrorEvent: something went wrong in the session. If Fatal, a *Closed event follows.
type ErrorEvent struct {
	Code    Result
	Type    ErrorKind
	Message string
	Fatal   bool
}

// Err returns the event as an *Error.
func (e *ErrorEvent) Err() error { return &Error{Code: e.Code, Message: e.Message} }

// Closed: the session ended. It is always the last event.
type Closed struct {
	Code   int    // WebSocket close code; 1006 when the connection dropped without one
	Reason string // the server's reason, verbatim (may be empty)
	Class  CloseClass
}

// Raw is server data without an event of its own (unknown fields, code execution, grounding).
type Raw struct{ JSON json.RawMessage }

func (*Connected) Kind() EventKind            { return KindConnected }
func (*Audio) Kind() EventKind                { return KindAudio }
func (*Text) Kind() EventKind                 { return KindText }
func (*Thought) Kind() EventKind              { return KindThought }
func (*InputTranscription) Kind() EventKind   { return KindInputTranscription }
func (*OutputTranscription) Kind() EventKind  { return KindOutputTranscription }
func (*ToolCall) Kind() EventKind             { return KindToolCall }
func (*ToolCallCancellation) Kind() EventKind { return KindToolCallCancellation }
func (*Interrupted) Kind() EventKind          { return KindInterrupted }
func (*GenerationComplete) Kind() EventKind   { return KindGenerationComplete }
func (*TurnComplete) Kind() EventKind         { return KindTurnComplete }
func (*VoiceActivity) Kind() EventKind        { return KindVoiceActivity }
func (*UsageMetadata) Kind() EventKind        { return KindUsageMetadata }
func (*GoAway) Kind() EventKind               { return KindGoAway }
func (*ResumptionUpdate) Kind() EventKind     { return KindResumptionUpdate }
func (*Reconnecting) Kind() EventKind         { return KindReconnecting }
func (*Reconnected) Kind() EventKind          { return KindReconnected }
func (*PhaseChanged) Kind() EventKind         { return KindPhaseChanged }
func (*ErrorEvent) Kind() EventKind           { return KindError }
func (*Closed) Kind() EventKind               { return KindClosed }
func (*Raw) Kind() EventKind                  { return KindRaw }

// Phase is where a session is in its life (gemini_live_phase).
type Phase uint32

// Session phases.
const (
	PhaseDisconnected Phase = C.GEMINI_LIVE_PHASE_DISCONNECTED
	PhaseConnecting   Phase = C.GEMINI_LIVE_PHASE_CONNECTING
	PhaseSetupSent    Phase = C.GEMINI_LIVE_PHASE_SETUP_SENT
	PhaseActive       Phase = C.GEMINI_LIVE_PHASE_ACTIVE
	PhaseGoingAway    Phase = C.GEMINI_LIVE_PHASE_GOING_AWAY
	PhaseReconnecting Phase = C.GEMINI_LIVE_PHASE_RECONNECTING
	PhaseClosing      Phase = C.GEMINI_LIVE_PHASE_CLOSING
	PhaseClosed       Phase = C.GEMINI_LIVE_PHASE_CLOSED
)

func (p Phase) String() string {
	names := [...]string{"Disconnected", "Connecting", "SetupSent", "Active", "GoingAway", "Reconnecting", "Closing", "Closed"}
	if int(p) < len(names) {
		return names[p]
	}
	return "Phase(" + itoa(int64(p)) + ")"
}

// ErrorKind is the precise category of an ErrorEvent (gemini_live_error_kind).
type ErrorKind uint32

// Error kinds.
const (
	ErrorKindNone             ErrorKind = C.GEMINI_LIVE_ERROR_KIND_NONE
	ErrorKindMalformedFrame   ErrorKind = C.GEMINI_LIVE_ERROR_KIND_MALFORMED_FRAME
	ErrorKindFrameTooLarge    ErrorKind = C.GEMINI_LIVE_ERROR_KIND_FRAME_TOO_LARGE
	ErrorKindConnection       ErrorKind = C.GEMINI_LIVE_ERROR_KIND_CONNECTION
	ErrorKindServerClosed     ErrorKind = C.GEMINI_LIVE_ERROR_KIND_SERVER_CLOSED
	ErrorKindReplayOverflow   ErrorKind = C.GEMINI_LIVE_ERROR_KIND_REPLAY_OVERFLOW
	ErrorKindRetriesExhausted ErrorKind = C.GEMINI_LIVE_ERROR_KIND_RETRIES_EXHAUSTED
	ErrorKindInternal         ErrorKind = C.GEMINI_LIVE_ERROR_KIND_INTERNAL
)

// CloseClass says how a session ended (gemini_live_close_class).
type CloseClass uint32

// Close classes.
const (
	CloseNormal    CloseClass = C.GEMINI_LIVE_CLOSE_CLASS_NORMAL
	CloseFatal     CloseClass = C.GEMINI_LIVE_CLOSE_CLASS_FATAL
	CloseRetryable CloseClass = C.GEMINI_LIVE_CLOSE_CLASS_RETRYABLE
)

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [24]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

func goStr(p *C.char, n C.size_t) string {
	if p == nil {
		return ""
	}
	return C.GoStringN(p, C.int(n))
}

func goJSON(p *C.char, n C.size_t) json.RawMessage {
	if p == nil {
		return nil
	}
	return json.RawMessage(C.GoBytes(unsafe.Pointer(p), C.int(n)))
}

func millis(ms C.int64_t) time.Duration {
	if ms < 0 {
		return -1
	}
	return time.Duration(ms) * time.Millisecond
}

// convertEvent copies a borrowed C event into a Go value. It runs inside the callback, before
// the library reclaims the event's memory. It returns nil for a kind this package does not know
// (a newer library); such events are skipped.
func convertEvent(ev *C.gemini_live_event) Event {
	switch EventKind(ev.kind) {
	case KindConnected:
		return &Connected{SessionID: goStr(ev.id, ev.id_len)}
	case KindAudio:
		var data []byte
		if ev.data != nil && ev.data_len > 0 {
			data = C.GoBytes(unsafe.Pointer(ev.data), C.int(ev.data_len))
		}
		return &Audio{Data: data, SampleRate: int(ev.sample_rate)}
	case KindText:
		return &Text{Text: goStr(ev.text, ev.text_len)}
	case KindThought:
		return &Thought{Text: goStr(ev.text, ev.text_len)}
	case KindInputTranscription:
		return &InputTranscription{Text: goStr(ev.text, ev.text_len), Finished: bool(ev.finished), Interim: bool(ev.interim)}
	case KindOutputTranscription:
		return &OutputTranscription{Text: goStr(ev.text, ev.text_len), Finished: bool(ev.finished)}
	case KindToolCall:
		return &ToolCall{ID: goStr(ev.id, ev.id_len), Name: goStr(ev.name, ev.name_len), Args: goJSON(ev.json, ev.json_len)}
	case KindToolCallCancellation:
		ids := make([]string, 0, int(ev.ids_count))
		if ev.ids != nil {
			for _, p := range unsafe.Slice(ev.ids, int(ev.ids_count)) {
				ids = append(ids, C.GoString(p))
			}
		}
		return &ToolCallCancellation{IDs: ids}
	case KindInterrupted:
		return &Interrupted{}
	case KindGenerationComplete:
		return &GenerationComplete{}
	case KindTurnComplete:
		return &TurnComplete{Reason: goStr(ev.name, ev.name_len), InteractionStatus: goStr(ev.text, ev.text_len), WaitingForInput: bool(ev.waiting_for_input)}
	case KindVoiceActivity:
		return &VoiceActivity{Type: goStr(ev.name, ev.name_len), Started: bool(ev.started), Offset: millis(ev.offset_ms)}
	case KindUsageMetadata:
		return &UsageMetadata{
			PromptTokenCount:        int64(ev.prompt_token_count),
			CachedContentTokenCount: int64(ev.cached_content_token_count),
			ResponseTokenCount:      int64(ev.response_token_count),
			ToolUsePromptTokenCount: int64(ev.tool_use_prompt_token_count),
			ThoughtsTokenCount:      int64(ev.thoughts_token_count),
			TotalTokenCount:         int64(ev.total_token_count),
			JSON:                    goJSON(ev.json, ev.json_len),
		}
	case KindGoAway:
		return &GoAway{TimeLeft: millis(ev.time_left_ms)}
	case KindResumptionUpdate:
		return &ResumptionUpdate{Handle: goStr(ev.id, ev.id_len), Resumable: bool(ev.resumable), LastConsumedIndex: int64(ev.last_consumed_index)}
	case KindReconnecting:
		return &Reconnecting{Attempt: int(ev.attempt), Reason: goStr(ev.text, ev.text_len)}
	case KindReconnected:
		return &Reconnected{
			Resumed:        bool(ev.resumed),
			ResentMessages: uint64(ev.resent_messages),
			ResentBytes:    uint64(ev.resent_bytes),
			LostMessages:   uint64(ev.lost_messages),
			LostBytes:      uint64(ev.lost_bytes),
		}
	case KindPhaseChanged:
		return &PhaseChanged{Phase: Phase(ev.phase)}
	case KindError:
		return &ErrorEvent{Code: Result(ev.result), Type: ErrorKind(ev.error_kind), Message: goStr(ev.text, ev.text_len), Fatal: bool(ev.fatal)}
	case KindClosed:
		return &Closed{Code: int(ev.close_code), Reason: goStr(ev.text, ev.text_len), Class: CloseClass(ev.close_class)}
	case KindRaw:
		return &Raw{JSON: goJSON(ev.json, ev.json_len)}
	}
	return nil
}
