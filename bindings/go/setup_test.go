package geminilive

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// Several typed setters end to end: the strict mock (which closes on any field it does not
// know) receives them in setup, and one toolResponse carries two function responses, the
// second with an inline part.
func TestTypedSetupAndSeveralToolResponses(t *testing.T) {
	m := startMock(t, `{"strict": true}`)
	topP, budget, seed, temp := float32(0.95), int32(0), int32(7), float32(0.7)
	s := connect(t, m, Config{
		Modality:          ModalityText,
		Temperature:       &temp,
		SystemInstruction: "Be brief.",
		Setup: Setup{
			SystemInstructionParts:        []string{"Be kind."},
			TopP:                          &topP,
			TopK:                          40,
			MaxOutputTokens:               512,
			Seed:                          &seed,
			MediaResolution:               MediaResolutionLow,
			ThinkingBudget:                &budget,
			AffectiveDialog:               true,
			Proactivity:                   &Proactivity{Audio: true},
			TurnCoverage:                  TurnCoverageAllInput,
			InputTranscriptionLanguages:   []string{"en-US", "de-DE"},
			SafetySettings:                []SafetySetting{{HarmCategoryHarassment, HarmThresholdBlockOnlyHigh}},
			Translation:                   &Translation{TargetLanguage: "fr-FR", Echo: true},
			Labels:                        map[string]string{"team": "voice"},
			Headers:                       map[string]string{"x-goog-user-project": "quota-1"},
			InitialHistoryInClientContent: true,
		},
	})
	raw, err := m.StatsJSON()
	if err != nil {
		t.Fatal(err)
	}
	var stats struct {
		LastSetup struct {
			GenerationConfig  map[string]json.RawMessage `json:"generationConfig"`
			SystemInstruction struct {
				Parts []struct{ Text string } `json:"parts"`
			} `json:"systemInstruction"`
			RealtimeInputConfig     struct{ TurnCoverage string } `json:"realtimeInputConfig"`
			InputAudioTranscription struct {
				LanguageCodes []string `json:"languageCodes"`
			} `json:"inputAudioTranscription"`
			SafetySettings []map[string]string `json:"safetySettings"`
			Labels         map[string]string   `json:"labels"`
			Proactivity    map[string]bool     `json:"proactivity"`
		} `json:"last_setup"`
		ToolResponses []struct {
			Name  string            `json:"name"`
			Parts []json.RawMessage `json:"parts"`
		} `json:"tool_responses"`
	}
	if err := json.Unmarshal(raw, &stats); err != nil {
		t.Fatal(err)
	}
	g := stats.LastSetup.GenerationConfig
	for key, want := range map[string]string{
		"temperature":       "0.7",
		"topP":              "0.95",
		"topK":              "40",
		"maxOutputTokens":   "512",
		"seed":              "7",
		"mediaResolution":   `"MEDIA_RESOLUTION_LOW"`,
		"thinkingConfig":    `{"thinkingBudget":0}`,
		"translationConfig": `{"echoTargetLanguage":true,"targetLanguageCode":"fr-FR"}`,
	} {
		if got := string(g[key]); got != want {
			t.Errorf("generationConfig.%s = %s, want %s", key, got, want)
		}
	}
	si := stats.LastSetup.SystemInstruction.Parts
	if len(si) != 2 || si[0].Text != "Be brief." || si[1].Text != "Be kind." {
		t.Errorf("system instruction parts %+v", si)
	}
	if stats.LastSetup.RealtimeInputConfig.TurnCoverage != "TURN_INCLUDES_ALL_INPUT" {
		t.Errorf("turn coverage %+v", stats.LastSetup.RealtimeInputConfig)
	}
	if got := stats.LastSetup.InputAudioTranscription.LanguageCodes; len(got) != 2 {
		t.Errorf("language codes %v", got)
	}
	if got := stats.LastSetup.SafetySettings; len(got) != 1 || got[0]["threshold"] != "BLOCK_ONLY_HIGH" {
		t.Errorf("safety settings %v", got)
	}
	if stats.LastSetup.Labels["team"] != "voice" || !stats.LastSetup.Proactivity["proactiveAudio"] {
		t.Errorf("labels %v proactivity %v", stats.LastSetup.Labels, stats.LastSetup.Proactivity)
	}

	yes := true
	err = s.SendToolResponses([]ToolResponse{
		{ID: "fc-1", Name: "get_weather", Response: map[string]any{"output": "sunny"}, Scheduling: SchedulingInterrupt, WillContinue: &yes},
		{ID: "fc-2", Name: "make_chart", Response: map[string]any{"output": "done"}, Parts: []FunctionResponsePart{
			{MIMEType: "image/png", Data: []byte{0, 1, 2}, DisplayName: "chart"},
			{FileURI: "gs://bucket/report.pdf", MIMEType: "application/pdf"},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.WaitFor("/messages/tool_response", 1, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if raw, err = m.StatsJSON(); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &stats); err != nil {
		t.Fatal(err)
	}
	tr := stats.ToolResponses
	if len(tr) != 2 || tr[0].Name != "get_weather" || tr[1].Name != "make_chart" || len(tr[1].Parts) != 2 {
		t.Fatalf("tool responses %s", raw)
	}
	if got := string(tr[1].Parts[0]); got != `{"inlineData":{"data":"AAEC","displayName":"chart","mimeType":"image/png"}}` {
		t.Errorf("inline part %s", got)
	}

	// Refusals: a part with neither data nor a file, and an empty list.
	err = s.SendToolResponses([]ToolResponse{{ID: "x", Name: "n", Response: map[string]any{}, Parts: []FunctionResponsePart{{MIMEType: "image/png"}}}})
	if !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("empty part: %v", err)
	}
	if err := s.SendToolResponses(nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("no responses: %v", err)
	}
}

func TestTypedSetupRefusesOutOfRange(t *testing.T) {
	m := startMock(t, "")
	bad := float32(1.5)
	for name, setup := range map[string]Setup{
		"top_p":   {TopP: &bad},
		"top_k":   {TopK: -1},
		"header":  {Headers: map[string]string{"Authorization": "Bearer x"}},
		"label":   {Labels: map[string]string{"Bad": "x"}},
		"video":   {Proactivity: &Proactivity{Video: true}},
		"codes":   {InputTranscriptionLanguages: []string{"not a code"}},
		"express": {VertexAPIKey: "k\n"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := Connect(ctx, mockConfig(m, Config{Setup: setup}))
		cancel()
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
