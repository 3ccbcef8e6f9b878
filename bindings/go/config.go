package geminilive

// #include "shims.h"
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"time"
	"unsafe"
)

// Modality is the response modality of a session.
type Modality uint32

// Modalities.
const (
	ModalityUnspecified Modality = C.GEMINI_LIVE_MODALITY_UNSPECIFIED // the service decides
	ModalityText        Modality = C.GEMINI_LIVE_MODALITY_TEXT
	ModalityAudio       Modality = C.GEMINI_LIVE_MODALITY_AUDIO
)

// Sensitivity of the server's start- or end-of-speech detection.
type Sensitivity uint32

// Sensitivities.
const (
	SensitivityDefault Sensitivity = C.GEMINI_LIVE_SENSITIVITY_DEFAULT
	SensitivityHigh    Sensitivity = C.GEMINI_LIVE_SENSITIVITY_HIGH
	SensitivityLow     Sensitivity = C.GEMINI_LIVE_SENSITIVITY_LOW
)

// ActivityHandling says what user activity does to a reply in progress.
type ActivityHandling uint32

// Activity handling values.
const (
	ActivityHandlingDefault                   ActivityHandling = C.GEMINI_LIVE_ACTIVITY_HANDLING_DEFAULT
	ActivityHandlingStartOfActivityInterrupts ActivityHandling = C.GEMINI_LIVE_ACTIVITY_HANDLING_START_OF_ACTIVITY_INTERRUPTS
	ActivityHandlingNoInterruption            ActivityHandling = C.GEMINI_LIVE_ACTIVITY_HANDLING_NO_INTERRUPTION
)

// Scheduling says when a NON_BLOCKING function's result is folded into the conversation.
type Scheduling uint32

// Scheduling values.
const (
	SchedulingNone      Scheduling = C.GEMINI_LIVE_SCHEDULING_NONE
	SchedulingSilent    Scheduling = C.GEMINI_LIVE_SCHEDULING_SILENT
	SchedulingWhenIdle  Scheduling = C.GEMINI_LIVE_SCHEDULING_WHEN_IDLE
	SchedulingInterrupt Scheduling = C.GEMINI_LIVE_SCHEDULING_INTERRUPT
)

// FunctionDeclaration declares a function the model may call. Parameters is any value that
// marshals to a JSON schema object (a map, a struct, or json.RawMessage).
type FunctionDeclaration struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Parameters  any    `json:"parameters,omitempty"`
	// Behavior is "BLOCKING" (default) or "NON_BLOCKING".
	Behavior string `json:"behavior,omitempty"`
}

// VAD configures server-side voice activity detection. Zero durations keep the service
// defaults.
type VAD struct {
	StartSensitivity Sensitivity
	EndSensitivity   Sensitivity
	PrefixPadding    time.Duration
	SilenceDuration  time.Duration
}

// Resumption enables session resumption (needed for transparent reconnects).
type Resumption struct {
	Handle      string // resume this earlier session; "" starts a new resumable one
	Transparent bool   // Vertex only: report the last consumed client message index
}

// The library's default size limits: an encoded client message, and the PCM bytes one
// SendAudio call may carry under it (base64 grows data by a third).
const (
	MaxMessageBytes = C.GEMINI_LIVE_MAX_MESSAGE_BYTES
	MaxAudioBytes   = C.GEMINI_LIVE_MAX_AUDIO_BYTES
)

// ReconnectBudget keeps a flapping session from hammering the service. A connection that
// lived less than StableAfter counts as a consecutive failure (backoff applies, and
// ReconnectAttempts such failures in a row end the session with an ErrorKindRetriesExhausted error); at most
// MaxPerWindow reconnects happen in any Window. StableAfter 0 counts every connection as stable.
type ReconnectBudget struct {
	StableAfter  time.Duration // library default 10 s
	Window       time.Duration // library default 5 min
	MaxPerWindow int           // library default 20
}

// ReplayBounds sizes the replay buffer, which keeps each message written until the server
// has certainly read it, so that a reconnect can re-send it. Over either bound realtime media
// is dropped, the oldest video frame first and audio only when no video is left (DroppedVideo
// and DroppedAudio count them, an ErrorKindReplayOverflow ErrorEvent reports them at the next
// reconnect, and Reconnected.LostMessages counts what the resumed session lacks). Tool
// responses, text and control messages are always kept and do not count towards MaxBytes.
// A sender much faster than real time behind a slow link needs room for everything it sends
// between two resumable handles. Both bounds apply as given (the library's defaults are 8 MiB
// and 120 s); 0 keeps no audio for replay.
type ReplayBounds struct {
	MaxBytes int           // of audio and video JSON, at most 1 GiB; 20 ms of 16 kHz audio is 929 bytes
	MaxAge   time.Duration // whole milliseconds, at most about 49 days
}

// ContextCompression enables sliding-window context compression. Zero counts keep the
// service defaults.
type ContextCompression struct {
	TriggerTokens int64
	TargetTokens  int64
}

// AudioPacing paces SendAudio to real time; a caller running ahead sleeps inside the send.
type AudioPacing struct {
	SampleRate int           // 16000 when 0
	Burst      time.Duration // allowed burst
}

// Vertex selects Vertex AI.
type Vertex struct {
	Project     string
	Location    string
	AccessToken string // may be empty when Config.Credentials supplies it
	// ADC uses Application Default Credentials instead of AccessToken: CredentialsFile if set,
	// else GOOGLE_APPLICATION_CREDENTIALS, gcloud's well-known file, or the metadata server.
	// The library fetches, caches and refreshes access tokens, before every connection.
	ADC             bool
	CredentialsFile string // with ADC: a service-account key or authorized_user JSON file
}

// Config describes a session. The zero value uses the library's defaults (the default native
// audio model, server-side VAD, 10 s connect and 15 s setup timeouts); credentials are required.
type Config struct {
	Model             string   // model id or full name; "" keeps the library default
	Modality          Modality // response modality
	Voice             string   // prebuilt voice ("Puck", "Kore", ...)
	Language          string   // BCP-47 speech language
	SystemInstruction string
	Temperature       *float32 // nil keeps the service default
	IncludeThoughts   bool

	// Tools are Tool objects sent verbatim, e.g. json.RawMessage(`{"googleSearch":{}}`).
	Tools []json.RawMessage
	// FunctionDeclarations are added as one more Tool {"functionDeclarations": [...]}.
	FunctionDeclarations []FunctionDeclaration

	InputTranscription  bool
	OutputTranscription bool

	VAD              *VAD // nil: server-side VAD with default settings
	ManualActivity   bool // turn server-side VAD off; bracket speech with ActivityStart/End
	ActivityHandling ActivityHandling

	Resumption         *Resumption
	ContextCompression *ContextCompression
	// ReconnectAttempts bounds transparent reconnects (library default when 0); a negative
	// value turns reconnecting off. Reconnects need Resumption.
	ReconnectAttempts int
	// ReconnectBudget replaces the library's default budget (see ReconnectBudget).
	ReconnectBudget *ReconnectBudget
	// MigrationWait bounds how long a goAway move holds new messages back while waiting for a
	// resumable handle that covers everything written (Gemini API mode); library default when 0.
	MigrationWait time.Duration
	// ReplayBounds replaces the replay buffer's default bounds (see ReplayBounds).
	ReplayBounds *ReplayBounds

	// Credentials: exactly one of APIKey, EphemeralToken or Vertex (or only Credentials).
	APIKey         string
	EphemeralToken string
	Vertex         *Vertex
	// Credentials, when set, is asked for a fresh secret (API key, ephemeral token or Vertex
	// access token, matching the backend) before every connection attempt, reconnects included.
	// It runs on a library thread and may block; its ctx is cancelled when Connect's ctx is
	// cancelled during the connect, or when the session is closed.
	Credentials func(ctx context.Context) (string, error)

	BaseURL       string // e.g. a mock server's URL; "" is the service
	AllowInsecure bool   // allow ws:// to non-loopback hosts
	APIVersion    string
	CAFile        string // extra trusted CA certificates (PEM)

	ConnectTimeout time.Duration // TCP+TLS+upgrade; library default when 0
	SetupTimeout   time.Duration // writing setup and reading setupComplete; library default when 0
	WriteTimeout   time.Duration // every socket write; library default when 0
	CloseTimeout   time.Duration // a graceful close, queued messages included; library default when 0
	SendQueueSize  int           // outgoing queue length in messages; library default when 0
	// MaxMessageBytes caps each encoded client message (library default 16 MiB when 0, for
	// proxies with smaller frames); larger sends fail with ErrTooLarge.
	MaxMessageBytes int
	// OutputAudioFormat, when set, delivers reply audio (*Audio events) in this format instead
	// of 24 kHz PCM16 mono, converted with state kept across events
	// (gemini_live_config_set_output_audio_format). A bound Playout still gets 24 kHz PCM16.
	OutputAudioFormat *AudioFormat
	AudioPacing       *AudioPacing

	// SetupJSON is deep-merged into the setup message, for fields without a setting here.
	SetupJSON json.RawMessage

	// Typed setup settings and connection options (setup.go); a zero value sends nothing, so
	// the model's default applies. Each is checked by the library when Connect builds the
	// config (an out-of-range value fails with ErrInvalidArgument).
	Setup Setup

	// EventBuffer is the capacity of the channel of Session.Events (default 256). When it is
	// full, the goroutine feeding it waits, then the library's own queue of 320 events fills
	// and the session's network reading pauses: nothing is dropped. Receive does not use it.
	EventBuffer int

	// KeepRawJSON fills every event's Frame.RawJSON (RawJSON(e)) with the text of the server
	// message it came from. Off by default: that text is one more copy into Go memory per
	// message (for audio, about 4/3 of its PCM again) that most programs never read; server
	// data without a typed field arrives as *Raw events either way.
	KeepRawJSON bool
}

// cstr returns a C copy of s, to be freed with C.free.
func cstr(s string) *C.char { return C.CString(s) }

func boolC(b bool) C.bool { return C.bool(b) }

func msC(d time.Duration) C.uint32_t {
	ms := d.Milliseconds()
	if ms <= 0 {
		ms = 1
	}
	if ms > 0xFFFFFFFE {
		ms = 0xFFFFFFFE
	}
	return C.uint32_t(ms)
}

func msOrDefault(d time.Duration) C.int32_t {
	if d <= 0 {
		return -1
	}
	return C.int32_t(d.Milliseconds())
}

// build creates the C config. credHandle (0 if none) must be registered by the caller.
func (cfg *Config) build(credHandle uintptr) (*C.gemini_live_config, error) {
	var c *C.gemini_live_config
	if err := call(func(e **C.gemini_live_error) C.gemini_live_result { return C.golive_config_new(&c, e) }); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			C.gemini_live_config_free(c)
		}
	}()
	str := func(s string, f func(*C.char, **C.gemini_live_error) C.gemini_live_result) error {
		p := cstr(s)
		defer C.free(unsafe.Pointer(p))
		return call(func(e **C.gemini_live_error) C.gemini_live_result { return f(p, e) })
	}
	var steps []func() error
	add := func(f func() error) { steps = append(steps, f) }

	switch {
	case cfg.Vertex != nil && cfg.Vertex.ADC:
		// Set after the CA file (below), whose trust the token requests use.
	case cfg.Vertex != nil:
		v := cfg.Vertex
		add(func() error {
			p, l := cstr(v.Project), cstr(v.Location)
			defer C.free(unsafe.Pointer(p))
			defer C.free(unsafe.Pointer(l))
			var t *C.char
			if v.AccessToken != "" {
				t = cstr(v.AccessToken)
				defer C.free(unsafe.Pointer(t))
			}
			return call(func(e **C.gemini_live_error) C.gemini_live_result { return C.golive_config_set_vertex(c, p, l, t, e) })
		})
	case cfg.EphemeralToken != "":
		add(func() error {
			return str(cfg.EphemeralToken, func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_ephemeral_token(c, p, e)
			})
		})
	case cfg.APIKey != "":
		add(func() error {
			return str(cfg.APIKey, func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_api_key(c, p, e)
			})
		})
	}
	if credHandle != 0 {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_credentials(c, C.uintptr_t(credHandle), e)
			})
		})
	}
	if cfg.BaseURL != "" {
		add(func() error {
			return str(cfg.BaseURL, func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_base_url(c, p, e)
			})
		})
	}
	if cfg.AllowInsecure {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_allow_insecure(c, true, e)
			})
		})
	}
	if cfg.APIVersion != "" {
		add(func() error {
			return str(cfg.APIVersion, func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_api_version(c, p, e)
			})
		})
	}
	if cfg.Model != "" {
		add(func() error {
			return str(cfg.Model, func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_model(c, p, e)
			})
		})
	}
	if cfg.Modality != ModalityUnspecified {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_response_modality(c, C.uint32_t(cfg.Modality), e)
			})
		})
	}
	if cfg.Voice != "" {
		add(func() error {
			return str(cfg.Voice, func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_voice(c, p, e)
			})
		})
	}
	if cfg.Language != "" {
		add(func() error {
			return str(cfg.Language, func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_language(c, p, e)
			})
		})
	}
	if cfg.SystemInstruction != "" {
		add(func() error {
			return str(cfg.SystemInstruction, func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_system_instruction(c, p, e)
			})
		})
	}
	if cfg.Temperature != nil {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_temperature(c, C.float(*cfg.Temperature), e)
			})
		})
	}
	if cfg.IncludeThoughts {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_include_thoughts(c, true, e)
			})
		})
	}
	if len(cfg.Tools) > 0 || len(cfg.FunctionDeclarations) > 0 {
		add(func() error {
			tools := append([]json.RawMessage(nil), cfg.Tools...)
			if len(cfg.FunctionDeclarations) > 0 {
				fd, err := json.Marshal(map[string]any{"functionDeclarations": cfg.FunctionDeclarations})
				if err != nil {
					return &Error{Code: ResultInvalidJSON, Message: "function declarations: " + err.Error()}
				}
				tools = append(tools, fd)
			}
			b, err := json.Marshal(tools)
			if err != nil {
				return &Error{Code: ResultInvalidJSON, Message: "tools: " + err.Error()}
			}
			return str(string(b), func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_tools_json(c, p, e)
			})
		})
	}
	if cfg.InputTranscription {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_input_transcription(c, true, e)
			})
		})
	}
	if cfg.OutputTranscription {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_output_transcription(c, true, e)
			})
		})
	}
	if cfg.VAD != nil {
		v := cfg.VAD
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_automatic_activity_detection(c, C.uint32_t(v.StartSensitivity),
					C.uint32_t(v.EndSensitivity), msOrDefault(v.PrefixPadding), msOrDefault(v.SilenceDuration), e)
			})
		})
	}
	if cfg.ManualActivity {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_manual_activity_detection(c, true, e)
			})
		})
	}
	if cfg.ActivityHandling != ActivityHandlingDefault {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_activity_handling(c, C.uint32_t(cfg.ActivityHandling), e)
			})
		})
	}
	if r := cfg.Resumption; r != nil {
		add(func() error {
			var h *C.char
			if r.Handle != "" {
				h = cstr(r.Handle)
				defer C.free(unsafe.Pointer(h))
			}
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_session_resumption(c, true, h, boolC(r.Transparent), e)
			})
		})
	}
	if cc := cfg.ContextCompression; cc != nil {
		add(func() error {
			trig, targ := cc.TriggerTokens, cc.TargetTokens
			if trig <= 0 {
				trig = -1
			}
			if targ <= 0 {
				targ = -1
			}
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_context_window_compression(c, true, C.int64_t(trig), C.int64_t(targ), e)
			})
		})
	}
	if cfg.ReconnectAttempts != 0 {
		add(func() error {
			enable, n := cfg.ReconnectAttempts > 0, cfg.ReconnectAttempts
			if !enable {
				n = 0
			}
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_reconnect(c, boolC(enable), C.uint32_t(n), e)
			})
		})
	}
	if b := cfg.ReconnectBudget; b != nil {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				stable := C.uint32_t(0)
				if b.StableAfter > 0 {
					stable = msC(b.StableAfter)
				}
				return C.golive_config_set_reconnect_budget(c, stable, msC(b.Window), C.uint32_t(b.MaxPerWindow), e)
			})
		})
	}
	if b := cfg.ReplayBounds; b != nil {
		add(func() error {
			age := b.MaxAge.Milliseconds()
			if b.MaxBytes < 0 || age < 0 || age > 0xFFFFFFFF {
				return &Error{Code: ResultInvalidArgument, Message: "ReplayBounds: a bound is negative or MaxAge too long"}
			}
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_replay_bounds(c, C.size_t(b.MaxBytes), C.uint32_t(age), e)
			})
		})
	}
	for _, d := range []struct {
		value time.Duration
		set   func(*C.gemini_live_config, C.uint32_t, **C.gemini_live_error) C.gemini_live_result
	}{
		{cfg.MigrationWait, func(c *C.gemini_live_config, ms C.uint32_t, e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_migration_wait_ms(c, ms, e)
		}},
		{cfg.WriteTimeout, func(c *C.gemini_live_config, ms C.uint32_t, e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_write_timeout_ms(c, ms, e)
		}},
		{cfg.CloseTimeout, func(c *C.gemini_live_config, ms C.uint32_t, e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_close_timeout_ms(c, ms, e)
		}},
	} {
		if d.value > 0 {
			d := d
			add(func() error {
				return call(func(e **C.gemini_live_error) C.gemini_live_result { return d.set(c, msC(d.value), e) })
			})
		}
	}
	if cfg.CAFile != "" {
		add(func() error {
			return str(cfg.CAFile, func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_ca_file(c, p, e)
			})
		})
	}
	if v := cfg.Vertex; v != nil && v.ADC {
		add(func() error {
			p, l := cstr(v.Project), cstr(v.Location)
			defer C.free(unsafe.Pointer(p))
			defer C.free(unsafe.Pointer(l))
			var f *C.char
			if v.CredentialsFile != "" {
				f = cstr(v.CredentialsFile)
				defer C.free(unsafe.Pointer(f))
			}
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_vertex_adc(c, p, l, f, e)
			})
		})
	}
	if cfg.ConnectTimeout > 0 {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_connect_timeout_ms(c, msC(cfg.ConnectTimeout), e)
			})
		})
	}
	if cfg.SetupTimeout > 0 {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_setup_timeout_ms(c, msC(cfg.SetupTimeout), e)
			})
		})
	}
	if cfg.OutputAudioFormat != nil {
		f := cfg.OutputAudioFormat.c()
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_output_audio_format(c, &f, e)
			})
		})
	}
	if cfg.MaxMessageBytes > 0 {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_max_message_bytes(c, C.size_t(cfg.MaxMessageBytes), e)
			})
		})
	}
	if cfg.SendQueueSize > 0 {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_send_queue_size(c, C.uint32_t(cfg.SendQueueSize), e)
			})
		})
	}
	if p := cfg.AudioPacing; p != nil {
		add(func() error {
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_audio_pacing(c, true, C.uint32_t(p.SampleRate), C.uint32_t(p.Burst.Milliseconds()), e)
			})
		})
	}
	cfg.Setup.steps(c, add)
	if len(cfg.SetupJSON) > 0 {
		add(func() error {
			return str(string(cfg.SetupJSON), func(p *C.char, e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_merge_setup_json(c, p, e)
			})
		})
	}
	for _, step := range steps {
		if err := step(); err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.Message = "config: " + e.Message
			}
			return nil, err
		}
	}
	ok = true
	return c, nil
}
