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
	KindImage                EventKind = C.GEMINI_LIVE_EVENT_KIND_IMAGE
	KindVideo                EventKind = C.GEMINI_LIVE_EVENT_KIND_VIDEO
	KindInlineData           EventKind = C.GEMINI_LIVE_EVENT_KIND_INLINE_DATA
	KindThoughtSignature     EventKind = C.GEMINI_LIVE_EVENT_KIND_THOUGHT_SIGNATURE
	KindExecutableCode       EventKind = C.GEMINI_LIVE_EVENT_KIND_EXECUTABLE_CODE
	KindCodeExecutionResult  EventKind = C.GEMINI_LIVE_EVENT_KIND_CODE_EXECUTION_RESULT
	KindFileData             EventKind = C.GEMINI_LIVE_EVENT_KIND_FILE_DATA
	KindServerToolCall       EventKind = C.GEMINI_LIVE_EVENT_KIND_SERVER_TOOL_CALL
	KindServerToolResponse   EventKind = C.GEMINI_LIVE_EVENT_KIND_SERVER_TOOL_RESPONSE
	KindGroundingMetadata    EventKind = C.GEMINI_LIVE_EVENT_KIND_GROUNDING_METADATA
	KindURLContextMetadata   EventKind = C.GEMINI_LIVE_EVENT_KIND_URL_CONTEXT_METADATA
	KindTurnStatus           EventKind = C.GEMINI_LIVE_EVENT_KIND_TURN_STATUS
)

// Event is one thing that happened in a session. The concrete types are *Connected, *Audio,
// *Text, *Thought, *InputTranscription, *OutputTranscription, *ToolCall,
// *ToolCallCancellation, *Interrupted, *GenerationComplete, *TurnComplete, *VoiceActivity,
// *UsageMetadata, *GoAway, *ResumptionUpdate, *Reconnecting, *Reconnected, *PhaseChanged,
// *ErrorEvent, *Closed, *Raw, *Image, *Video, *InlineData, *ThoughtSignature,
// *ExecutableCode, *CodeExecutionResult, *FileData, *ServerToolCall, *ServerToolResponse,
// *GroundingMetadata, *URLContextMetadata and *TurnStatus. Every field is a Go copy; nothing
// refers to C memory. With Config.KeepRawJSON, RawJSON(e) gives the JSON of the server message
// an event came from.
type Event interface {
	Kind() EventKind
}

// Frame is embedded in every event. With Config.KeepRawJSON, RawJSON is the text of the server
// message the event came from, exactly as received (every field the server sent, including
// ones this package has no field for), or nil for events the library makes itself (phases,
// reconnects, Closed); the events of one message share the same slice: do not modify it.
// Without KeepRawJSON (the default) it is always nil: the text is not copied into Go memory,
// which for an audio message is as many bytes again as its PCM, base64-encoded. Server data
// without a typed field still arrives, as *Raw events.
type Frame struct {
	RawJSON json.RawMessage
}

func (f *Frame) frame() *Frame { return f }

// RawJSON returns the JSON of the server message e came from, or nil (always nil unless the
// session's Config.KeepRawJSON is set).
func RawJSON(e Event) json.RawMessage {
	if f, ok := e.(interface{ frame() *Frame }); ok {
		return f.frame().RawJSON
	}
	return nil
}

// Connected: setupComplete arrived; the session is ready.
type Connected struct {
	Frame
	SessionID             string // the server's session id (Vertex only), else ""
	VoiceConsentSignature string // voiceConsentSignature.signature (replicated voices), else ""
}

// Audio is model audio: 16-bit little-endian mono PCM (inline data whose MIME type starts
// with audio/pcm; anything else arrives as Image, Video or InlineData).
type Audio struct {
	Frame
	Data       []byte
	SampleRate int    // 24000 unless the server said otherwise, or Config.OutputAudioFormat's rate
	MIMEType   string // as sent
}

// Image is an image from the model (image/* inline data).
type Image struct {
	Frame
	Data     []byte
	MIMEType string
}

// Video is video from the model (video/* inline data).
type Video struct {
	Frame
	Data     []byte
	MIMEType string
}

// InlineData is other inline data: not PCM audio, image or video (MIMEType may be "").
type InlineData struct {
	Frame
	Data     []byte
	MIMEType string
}

// Text is model text.
type Text struct {
	Frame
	Text string
}

// Thought is a thought summary (Config.IncludeThoughts).
type Thought struct {
	Frame
	Text string
}

// ThoughtSignature is a part's thoughtSignature (base64 as sent), delivered right after the
// event of the part that carried it. Send it back on that part when replaying the turn.
type ThoughtSignature struct {
	Frame
	Signature string
}

// InputTranscription is a transcription of the user's audio. An Interim one is replaced by a
// later one.
type InputTranscription struct {
	Frame
	Text         string
	Finished     bool
	Interim      bool
	LanguageCode string          // "" when not sent
	Speaker      string          // speakerLabel, "" when not sent
	Words        json.RawMessage // [{"word","startOffset","endOffset"}] as sent, or nil
}

// OutputTranscription is a fragment of the transcription of the model's audio.
type OutputTranscription struct {
	Frame
	Text         string
	Finished     bool
	LanguageCode string
	Speaker      string
	Words        json.RawMessage
}

// ToolCall asks for a function call; answer with Respond or Session.SendToolResponse.
//
// Streamed arguments (Vertex): one call arrives as several ToolCall events with the same ID,
// each with WillContinue true and its fragment in PartialArgs, ended by one with WillContinue
// false; run the call after that one.
type ToolCall struct {
	Frame
	ID           string
	Name         string
	Args         json.RawMessage // the arguments object
	WillContinue bool
	PartialArgs  json.RawMessage // the partialArgs array as sent, or nil
}

// ToolCallCancellation lists earlier tool calls that should not run.
type ToolCallCancellation struct {
	Frame
	IDs []string
}

// ExecutableCode is code the model wrote for code execution.
type ExecutableCode struct {
	Frame
	Code, Language, ID string
	JSON               json.RawMessage // the executableCode object
}

// CodeExecutionResult is the result of code execution.
type CodeExecutionResult struct {
	Frame
	Output, Outcome, ID string
	JSON                json.RawMessage // the codeExecutionResult object
}

// FileData is a file reference from the model.
type FileData struct {
	Frame
	FileURI, MIMEType, DisplayName string
	JSON                           json.RawMessage // the fileData object
}

// ServerToolCall is a server-side tool call part.
type ServerToolCall struct {
	Frame
	JSON json.RawMessage
}

// ServerToolResponse is a server-side tool result part.
type ServerToolResponse struct {
	Frame
	JSON json.RawMessage
}

// GroundingMetadata is search grounding (the groundingMetadata object).
type GroundingMetadata struct {
	Frame
	JSON json.RawMessage
}

// URLContextMetadata is URL-context retrieval results (the urlContextMetadata object).
type URLContextMetadata struct {
	Frame
	JSON json.RawMessage
}

// Interrupted: the user interrupted the model; flush playback now.
type Interrupted struct{ Frame }

// GenerationComplete: the model finished generating (TurnComplete may come later).
type GenerationComplete struct{ Frame }

// TurnComplete: the model's turn is over.
type TurnComplete struct {
	Frame
	Reason            string // the turn-complete reason, or ""
	InteractionStatus string // or ""
	WaitingForInput   bool
}

// TurnStatus: turnCompleteReason, interactionStatus or waitingForInput sent without
// turnComplete.
type TurnStatus struct {
	Frame
	Reason            string
	InteractionStatus string
	WaitingForInput   bool
}

// VoiceActivity reports the start or end of user speech.
type VoiceActivity struct {
	Frame
	Type    string // ACTIVITY_START, ACTIVITY_END, VAD_SIGNAL_TYPE_SOS, VAD_SIGNAL_TYPE_EOS
	Started bool
	Offset  time.Duration // audio offset of the activity; negative when absent
}

// UsageMetadata reports token usage. Counts are -1 when absent.
type UsageMetadata struct {
	Frame
	PromptTokenCount        int64
	CachedContentTokenCount int64
	ResponseTokenCount      int64
	ToolUsePromptTokenCount int64
	ThoughtsTokenCount      int64
	TotalTokenCount         int64
	JSON                    json.RawMessage // the full usage object (details, trafficType, serviceTier)
}

// GoAway: the server will close this connection soon (the library reconnects if it can).
type GoAway struct {
	Frame
	TimeLeft time.Duration // negative when absent
}

// ResumptionUpdate carries a new session resumption handle.
type ResumptionUpdate struct {
	Frame
	Handle            string // "" when none
	Resumable         bool
	LastConsumedIndex int64 // -1 when absent
}

// Reconnecting: the connection was lost or is being replaced.
type Reconnecting struct {
	Frame
	Attempt int
	Reason  string
}

// Reconnected: a new connection is active.
type Reconnected struct {
	Frame
	Resumed bool // the server restored the session state
	// Client messages the server had not certainly read, written again on the new
	// connection (nothing lost; at most these may reach the session twice), and their JSON bytes.
	ResentMessages, ResentBytes uint64
	// Messages the new session does not have, and their JSON bytes: it could not be resumed,
	// or the replay buffer dropped them over its bounds (exact with Transparent, else an
	// upper bound).
	LostMessages, LostBytes uint64
}

// PhaseChanged: the session moved to a new phase.
type PhaseChanged struct {
	Frame
	Phase Phase
}

// ErrorEvent: something went wrong in the session. If Fatal, a *Closed event follows.
type ErrorEvent struct {
	Frame
	Code    Result
	Type    ErrorKind
	Message string
	Fatal   bool
}

// Err returns the event as an *Error.
func (e *ErrorEvent) Err() error { return &Error{Code: e.Code, Message: e.Message} }

// Closed: the session ended. It is always the last event.
type Closed struct {
	Frame
	Code   int    // WebSocket close code; 1006 when the connection dropped without one
	Reason string // the server's reason, verbatim (may be empty)
	Class  CloseClass
}

// Raw is server data without an event of its own (unknown fields, code execution, grounding).
type Raw struct {
	Frame
	JSON json.RawMessage
}

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
func (*Image) Kind() EventKind                { return KindImage }
func (*Video) Kind() EventKind                { return KindVideo }
func (*InlineData) Kind() EventKind           { return KindInlineData }
func (*ThoughtSignature) Kind() EventKind     { return KindThoughtSignature }
func (*ExecutableCode) Kind() EventKind       { return KindExecutableCode }
func (*CodeExecutionResult) Kind() EventKind  { return KindCodeExecutionResult }
func (*FileData) Kind() EventKind             { return KindFileData }
func (*ServerToolCall) Kind() EventKind       { return KindServerToolCall }
func (*ServerToolResponse) Kind() EventKind   { return KindServerToolResponse }
func (*GroundingMetadata) Kind() EventKind    { return KindGroundingMetadata }
func (*URLContextMetadata) Kind() EventKind   { return KindURLContextMetadata }
func (*TurnStatus) Kind() EventKind           { return KindTurnStatus }

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
//
// cache holds the last frame copied: the events of one frame (same frame_seq) share one Go
// copy of its text, so a frame of a million events is copied once. A nil cache copies no
// text at all (Frame.RawJSON stays nil: Config.KeepRawJSON is off).
func convertEvent(ev *C.gemini_live_event, cache *frameCache) Event {
	e := convertKind(ev)
	if e == nil || ev.raw_json == nil || cache == nil {
		return e
	}
	f, ok := e.(interface{ frame() *Frame })
	if !ok {
		return e
	}
	seq := uint64(ev.frame_seq)
	if seq != 0 && seq == cache.seq {
		f.frame().RawJSON = cache.raw
		return e
	}
	raw := json.RawMessage(C.GoBytes(unsafe.Pointer(ev.raw_json), C.int(ev.raw_json_len)))
	cache.seq, cache.raw = seq, raw
	f.frame().RawJSON = raw
	return e
}

// frameCache is the last server frame copied into Go memory, by its frame_seq.
type frameCache struct {
	seq uint64
	raw json.RawMessage
}

func goData(ev *C.gemini_live_event) []byte {
	if ev.data == nil || ev.data_len == 0 {
		return nil
	}
	return C.GoBytes(unsafe.Pointer(ev.data), C.int(ev.data_len))
}

func convertKind(ev *C.gemini_live_event) Event {
	mime := goStr(ev.mime_type, ev.mime_type_len)
	switch EventKind(ev.kind) {
	case KindConnected:
		return &Connected{SessionID: goStr(ev.id, ev.id_len), VoiceConsentSignature: goStr(ev.name, ev.name_len)}
	case KindAudio:
		return &Audio{Data: goData(ev), SampleRate: int(ev.sample_rate), MIMEType: mime}
	case KindImage:
		return &Image{Data: goData(ev), MIMEType: mime}
	case KindVideo:
		return &Video{Data: goData(ev), MIMEType: mime}
	case KindInlineData:
		return &InlineData{Data: goData(ev), MIMEType: mime}
	case KindText:
		return &Text{Text: goStr(ev.text, ev.text_len)}
	case KindThought:
		return &Thought{Text: goStr(ev.text, ev.text_len)}
	case KindThoughtSignature:
		return &ThoughtSignature{Signature: goStr(ev.text, ev.text_len)}
	case KindInputTranscription:
		return &InputTranscription{Text: goStr(ev.text, ev.text_len), Finished: bool(ev.finished), Interim: bool(ev.interim),
			LanguageCode: goStr(ev.language_code, ev.language_code_len), Speaker: goStr(ev.speaker, ev.speaker_len), Words: goJSON(ev.json, ev.json_len)}
	case KindOutputTranscription:
		return &OutputTranscription{Text: goStr(ev.text, ev.text_len), Finished: bool(ev.finished),
			LanguageCode: goStr(ev.language_code, ev.language_code_len), Speaker: goStr(ev.speaker, ev.speaker_len), Words: goJSON(ev.json, ev.json_len)}
	case KindToolCall:
		return &ToolCall{ID: goStr(ev.id, ev.id_len), Name: goStr(ev.name, ev.name_len), Args: goJSON(ev.json, ev.json_len),
			WillContinue: bool(ev.will_continue), PartialArgs: goJSON(ev.partial_args, ev.partial_args_len)}
	case KindExecutableCode:
		return &ExecutableCode{Code: goStr(ev.text, ev.text_len), Language: goStr(ev.name, ev.name_len), ID: goStr(ev.id, ev.id_len), JSON: goJSON(ev.json, ev.json_len)}
	case KindCodeExecutionResult:
		return &CodeExecutionResult{Output: goStr(ev.text, ev.text_len), Outcome: goStr(ev.name, ev.name_len), ID: goStr(ev.id, ev.id_len), JSON: goJSON(ev.json, ev.json_len)}
	case KindFileData:
		return &FileData{FileURI: goStr(ev.text, ev.text_len), MIMEType: mime, DisplayName: goStr(ev.name, ev.name_len), JSON: goJSON(ev.json, ev.json_len)}
	case KindServerToolCall:
		return &ServerToolCall{JSON: goJSON(ev.json, ev.json_len)}
	case KindServerToolResponse:
		return &ServerToolResponse{JSON: goJSON(ev.json, ev.json_len)}
	case KindGroundingMetadata:
		return &GroundingMetadata{JSON: goJSON(ev.json, ev.json_len)}
	case KindURLContextMetadata:
		return &URLContextMetadata{JSON: goJSON(ev.json, ev.json_len)}
	case KindTurnStatus:
		return &TurnStatus{Reason: goStr(ev.name, ev.name_len), InteractionStatus: goStr(ev.text, ev.text_len), WaitingForInput: bool(ev.waiting_for_input)}
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
