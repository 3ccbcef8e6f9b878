package geminilive

// #include "shims.h"
import "C"

import (
	"sort"
	"unsafe"
)

// MediaResolution is setup.generationConfig.mediaResolution: tokens per image or video frame.
type MediaResolution uint32

// Media resolutions.
const (
	MediaResolutionUnspecified MediaResolution = C.GEMINI_LIVE_MEDIA_RESOLUTION_UNSPECIFIED
	MediaResolutionLow         MediaResolution = C.GEMINI_LIVE_MEDIA_RESOLUTION_LOW
	MediaResolutionMedium      MediaResolution = C.GEMINI_LIVE_MEDIA_RESOLUTION_MEDIUM
	MediaResolutionHigh        MediaResolution = C.GEMINI_LIVE_MEDIA_RESOLUTION_HIGH
)

// ThinkingLevel is setup.generationConfig.thinkingConfig.thinkingLevel (3.x Live models).
type ThinkingLevel uint32

// Thinking levels.
const (
	ThinkingLevelUnspecified ThinkingLevel = C.GEMINI_LIVE_THINKING_LEVEL_UNSPECIFIED
	ThinkingLevelMinimal     ThinkingLevel = C.GEMINI_LIVE_THINKING_LEVEL_MINIMAL
	ThinkingLevelLow         ThinkingLevel = C.GEMINI_LIVE_THINKING_LEVEL_LOW
	ThinkingLevelMedium      ThinkingLevel = C.GEMINI_LIVE_THINKING_LEVEL_MEDIUM
	ThinkingLevelHigh        ThinkingLevel = C.GEMINI_LIVE_THINKING_LEVEL_HIGH
)

// TurnCoverage is setup.realtimeInputConfig.turnCoverage: which input a user turn includes.
type TurnCoverage uint32

// Turn coverage values.
const (
	TurnCoverageUnspecified              TurnCoverage = C.GEMINI_LIVE_TURN_COVERAGE_UNSPECIFIED
	TurnCoverageOnlyActivity             TurnCoverage = C.GEMINI_LIVE_TURN_COVERAGE_ONLY_ACTIVITY
	TurnCoverageAllInput                 TurnCoverage = C.GEMINI_LIVE_TURN_COVERAGE_ALL_INPUT
	TurnCoverageAudioActivityAndAllVideo TurnCoverage = C.GEMINI_LIVE_TURN_COVERAGE_AUDIO_ACTIVITY_AND_ALL_VIDEO
)

// HarmCategory is setup.safetySettings[].category.
type HarmCategory uint32

// Harm categories.
const (
	HarmCategoryHarassment       HarmCategory = C.GEMINI_LIVE_HARM_CATEGORY_HARASSMENT
	HarmCategoryHateSpeech       HarmCategory = C.GEMINI_LIVE_HARM_CATEGORY_HATE_SPEECH
	HarmCategorySexuallyExplicit HarmCategory = C.GEMINI_LIVE_HARM_CATEGORY_SEXUALLY_EXPLICIT
	HarmCategoryDangerousContent HarmCategory = C.GEMINI_LIVE_HARM_CATEGORY_DANGEROUS_CONTENT
	HarmCategoryCivicIntegrity   HarmCategory = C.GEMINI_LIVE_HARM_CATEGORY_CIVIC_INTEGRITY
)

// HarmThreshold is setup.safetySettings[].threshold.
type HarmThreshold uint32

// Harm thresholds.
const (
	HarmThresholdBlockLowAndAbove    HarmThreshold = C.GEMINI_LIVE_HARM_THRESHOLD_BLOCK_LOW_AND_ABOVE
	HarmThresholdBlockMediumAndAbove HarmThreshold = C.GEMINI_LIVE_HARM_THRESHOLD_BLOCK_MEDIUM_AND_ABOVE
	HarmThresholdBlockOnlyHigh       HarmThreshold = C.GEMINI_LIVE_HARM_THRESHOLD_BLOCK_ONLY_HIGH
	HarmThresholdBlockNone           HarmThreshold = C.GEMINI_LIVE_HARM_THRESHOLD_BLOCK_NONE
	HarmThresholdOff                 HarmThreshold = C.GEMINI_LIVE_HARM_THRESHOLD_OFF
)

// More response modalities for Setup.Modalities (with ModalityText and ModalityAudio).
const (
	ModalityImage Modality = C.GEMINI_LIVE_MODALITY_IMAGE
	ModalityVideo Modality = C.GEMINI_LIVE_MODALITY_VIDEO
)

// SafetySetting is one entry of setup.safetySettings.
type SafetySetting struct {
	Category  HarmCategory
	Threshold HarmThreshold
}

// Translation is setup.generationConfig.translationConfig (live translation).
type Translation struct {
	TargetLanguage string // BCP-47 code of the spoken reply
	Echo           bool   // also repeat input already in the target language
}

// Proactivity is setup.proactivity (2.5 native audio): the model decides when to answer.
type Proactivity struct {
	Audio bool
	Video bool // requires Audio
}

// Setup holds the typed setup settings and connection options of a Config. Each field maps
// to one C setter (gemini_live_config_set_<name>; see include/gemini_live.h for the wire
// field, range and models of each). Zero values send nothing.
type Setup struct {
	// Modalities replaces Config.Modality with several response modalities.
	Modalities []Modality
	// SystemInstructionParts are more paragraphs (text parts) after Config.SystemInstruction.
	SystemInstructionParts []string
	TopP                   *float32 // [0, 1]
	TopK                   int      // at least 1; 0: unset
	MaxOutputTokens        int      // at least 1; 0: unset
	Seed                   *int32
	PresencePenalty        *float32 // [-2, 2]
	FrequencyPenalty       *float32 // [-2, 2]
	MediaResolution        MediaResolution
	ThinkingBudget         *int32 // -1 dynamic, 0 off, up to 32768 (2.5 native audio)
	ThinkingLevel          ThinkingLevel
	AffectiveDialog        bool // 2.5 native audio
	Proactivity            *Proactivity
	ExplicitVADSignal      bool // Vertex AI only
	TurnCoverage           TurnCoverage
	// InputTranscriptionLanguages / OutputTranscriptionLanguages turn that transcription on
	// with BCP-47 language hints.
	InputTranscriptionLanguages   []string
	OutputTranscriptionLanguages  []string
	InitialHistoryInClientContent bool
	SafetySettings                []SafetySetting
	Translation                   *Translation
	Labels                        map[string]string // billing labels

	// Headers are extra request headers (e.g. "x-goog-user-project"); credentials and
	// WebSocket headers cannot be replaced.
	Headers map[string]string
	// VertexAPIKey selects Vertex AI express mode (instead of Config.APIKey/Vertex).
	VertexAPIKey string
}

// strList copies strings into a C array of C strings; free releases everything.
func strList(items []string) (**C.char, func()) {
	if len(items) == 0 {
		return nil, func() {}
	}
	arr := (**C.char)(C.calloc(C.size_t(len(items)), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	view := unsafe.Slice(arr, len(items))
	for i, s := range items {
		view[i] = cstr(s)
	}
	return arr, func() {
		for _, p := range view {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(arr))
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// steps adds the setter calls for the set fields.
func (st *Setup) steps(c *C.gemini_live_config, add func(func() error)) {
	do := func(f func(e **C.gemini_live_error) C.gemini_live_result) {
		add(func() error { return call(f) })
	}
	strs := func(a, b string, f func(*C.char, *C.char, **C.gemini_live_error) C.gemini_live_result) {
		add(func() error {
			pa, pb := cstr(a), cstr(b)
			defer C.free(unsafe.Pointer(pa))
			defer C.free(unsafe.Pointer(pb))
			return call(func(e **C.gemini_live_error) C.gemini_live_result { return f(pa, pb, e) })
		})
	}
	if st.VertexAPIKey != "" {
		k := st.VertexAPIKey
		add(func() error {
			p := cstr(k)
			defer C.free(unsafe.Pointer(p))
			return call(func(e **C.gemini_live_error) C.gemini_live_result { return C.golive_config_set_vertex_api_key(c, p, e) })
		})
	}
	for _, name := range sortedKeys(st.Headers) {
		strs(name, st.Headers[name], func(n, v *C.char, e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_add_header(c, n, v, e)
		})
	}
	if len(st.Modalities) > 0 {
		list := make([]C.uint32_t, len(st.Modalities))
		for i, m := range st.Modalities {
			list[i] = C.uint32_t(m)
		}
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_response_modalities(c, &list[0], C.size_t(len(list)), e)
		})
	}
	for _, part := range st.SystemInstructionParts {
		part := part
		add(func() error {
			p := cstr(part)
			defer C.free(unsafe.Pointer(p))
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_add_system_instruction_part(c, p, e)
			})
		})
	}
	if v := st.TopP; v != nil {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_top_p(c, C.float(*v), e)
		})
	}
	if st.TopK != 0 {
		v := st.TopK
		if v < 0 {
			v = 0 // refused by the library
		}
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_top_k(c, C.uint32_t(v), e)
		})
	}
	if st.MaxOutputTokens != 0 {
		v := st.MaxOutputTokens
		if v < 0 {
			v = 0 // refused by the library
		}
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_max_output_tokens(c, C.uint32_t(v), e)
		})
	}
	if v := st.Seed; v != nil {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_seed(c, C.int32_t(*v), e)
		})
	}
	if v := st.PresencePenalty; v != nil {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_presence_penalty(c, C.float(*v), e)
		})
	}
	if v := st.FrequencyPenalty; v != nil {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_frequency_penalty(c, C.float(*v), e)
		})
	}
	if st.MediaResolution != MediaResolutionUnspecified {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_media_resolution(c, C.uint32_t(st.MediaResolution), e)
		})
	}
	if v := st.ThinkingBudget; v != nil {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_thinking_budget(c, C.int32_t(*v), e)
		})
	}
	if st.ThinkingLevel != ThinkingLevelUnspecified {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_thinking_level(c, C.uint32_t(st.ThinkingLevel), e)
		})
	}
	if st.AffectiveDialog {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_affective_dialog(c, true, e)
		})
	}
	if p := st.Proactivity; p != nil {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_proactivity(c, boolC(p.Audio), boolC(p.Video), e)
		})
	}
	if st.ExplicitVADSignal {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_explicit_vad_signal(c, true, e)
		})
	}
	if st.TurnCoverage != TurnCoverageUnspecified {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_turn_coverage(c, C.uint32_t(st.TurnCoverage), e)
		})
	}
	for _, t := range []struct {
		which C.uint32_t
		codes []string
	}{
		{C.GEMINI_LIVE_TRANSCRIPTION_INPUT, st.InputTranscriptionLanguages},
		{C.GEMINI_LIVE_TRANSCRIPTION_OUTPUT, st.OutputTranscriptionLanguages},
	} {
		if len(t.codes) == 0 {
			continue
		}
		t := t
		add(func() error {
			arr, free := strList(t.codes)
			defer free()
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_transcription_languages(c, t.which, arr, C.size_t(len(t.codes)), e)
			})
		})
	}
	if st.InitialHistoryInClientContent {
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_set_initial_history_in_client_content(c, true, e)
		})
	}
	for _, s := range st.SafetySettings {
		s := s
		do(func(e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_add_safety_setting(c, C.uint32_t(s.Category), C.uint32_t(s.Threshold), e)
		})
	}
	if t := st.Translation; t != nil {
		add(func() error {
			p := cstr(t.TargetLanguage)
			defer C.free(unsafe.Pointer(p))
			return call(func(e **C.gemini_live_error) C.gemini_live_result {
				return C.golive_config_set_translation(c, p, boolC(t.Echo), e)
			})
		})
	}
	for _, k := range sortedKeys(st.Labels) {
		strs(k, st.Labels[k], func(a, b *C.char, e **C.gemini_live_error) C.gemini_live_result {
			return C.golive_config_add_label(c, a, b, e)
		})
	}
}

// FunctionResponsePart is media that goes with a function's result: inline Data (with
// MIMEType) or a FileURI (MIMEType optional); exactly one of Data and FileURI.
type FunctionResponsePart struct {
	MIMEType    string
	Data        []byte
	FileURI     string
	DisplayName string
}

// SendToolResponses answers several tool calls in one toolResponse message, each with its
// media Parts (gemini_live_session_send_tool_responses). All or nothing: an invalid response
// fails the call and nothing is sent.
func (s *Session) SendToolResponses(responses []ToolResponse) error {
	if len(responses) == 0 {
		return &Error{Code: ResultInvalidArgument, Message: "no responses"}
	}
	var frees []unsafe.Pointer
	defer func() {
		for _, p := range frees {
			C.free(p)
		}
	}()
	str := func(v string) *C.char {
		p := cstr(v)
		frees = append(frees, unsafe.Pointer(p))
		return p
	}
	arr := (*C.gemini_live_function_response)(C.calloc(C.size_t(len(responses)), C.size_t(unsafe.Sizeof(C.gemini_live_function_response{}))))
	frees = append(frees, unsafe.Pointer(arr))
	view := unsafe.Slice(arr, len(responses))
	for i, r := range responses {
		b, err := marshalResponse(r.Response)
		if err != nil {
			return err
		}
		out := &view[i]
		if r.ID != "" {
			out.id = str(r.ID)
		}
		out.name = str(r.Name)
		out.response_json = str(string(b))
		out.scheduling = C.uint32_t(r.Scheduling)
		out.will_continue = willContinueC(r.WillContinue)
		if len(r.Parts) > 0 {
			parts := (*C.gemini_live_function_response_part)(C.calloc(C.size_t(len(r.Parts)), C.size_t(unsafe.Sizeof(C.gemini_live_function_response_part{}))))
			frees = append(frees, unsafe.Pointer(parts))
			pview := unsafe.Slice(parts, len(r.Parts))
			for j, p := range r.Parts {
				if p.MIMEType != "" {
					pview[j].mime_type = str(p.MIMEType)
				}
				if p.Data != nil {
					d := C.CBytes(p.Data)
					frees = append(frees, d)
					pview[j].data = (*C.uint8_t)(d)
					pview[j].data_len = C.size_t(len(p.Data))
				}
				if p.FileURI != "" {
					pview[j].file_uri = str(p.FileURI)
				}
				if p.DisplayName != "" {
					pview[j].display_name = str(p.DisplayName)
				}
			}
			out.parts = parts
			out.parts_count = C.size_t(len(r.Parts))
		}
	}
	return s.do(func(p *C.gemini_live_session, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_session_send_tool_responses(p, arr, C.size_t(len(responses)), e)
	})
}
