package geminilive

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// New typed fields (an image part's MIME type and bytes, transcription language and speaker,
// streamed call fragments) and the raw JSON view reach Go users.
func TestTypedFieldsAndRawView(t *testing.T) {
	m := startMock(t, `{"scenario":[
		{"on":"message:1","send":{"serverContent":{
			"modelTurn":{"parts":[{"inlineData":{"mimeType":"image/jpeg","data":"/9j/"}}]},
			"inputTranscription":{"text":"hola","languageCode":"es-ES","speakerLabel":"S1","words":[{"word":"hola"}]},
			"futureField":{"x":1}},
			"toolCall":{"functionCalls":[{"id":"c1","name":"f","willContinue":true,"partialArgs":[{"jsonPath":"$.a","stringValue":"P"}]}]}}}]}`)
	s := connect(t, m, Config{Modality: ModalityText, KeepRawJSON: true})
	if err := s.SendText("go"); err != nil {
		t.Fatal(err)
	}
	ev := until(t, s, 5*time.Second, is[*ToolCall])
	img, ok := find[*Image](ev)
	if !ok || img.MIMEType != "image/jpeg" || !bytes.Equal(img.Data, []byte{0xff, 0xd8, 0xff}) {
		t.Fatalf("image: %s", describe(ev))
	}
	if _, isAudio := find[*Audio](ev); isAudio {
		t.Errorf("an image taken for audio: %s", describe(ev))
	}
	tr, ok := find[*InputTranscription](ev)
	if !ok || tr.LanguageCode != "es-ES" || tr.Speaker != "S1" || !strings.Contains(string(tr.Words), "hola") {
		t.Errorf("transcription: %+v", tr)
	}
	call := ev[len(ev)-1].(*ToolCall)
	if !call.WillContinue || !strings.Contains(string(call.PartialArgs), "$.a") {
		t.Errorf("streamed call: %+v", call)
	}
	// The raw view: the frame's JSON, with the field this package has no type for.
	raw := string(RawJSON(img))
	if !strings.Contains(raw, `"futureField":{"x":1}`) || string(RawJSON(call)) != raw {
		t.Errorf("raw view: %q", raw)
	}
	// One copy per frame: its events share the slice.
	if &RawJSON(img)[0] != &RawJSON(call)[0] {
		t.Errorf("the frame was copied per event")
	}
	if r, ok := find[*Raw](ev); !ok || !strings.Contains(string(r.JSON), "futureField") {
		t.Errorf("unknown serverContent field: %s", describe(ev))
	}
}

// Without Config.KeepRawJSON no frame text is copied: RawJSON is nil for every event, and
// server data without a typed field still arrives as *Raw.
func TestRawJSONOffByDefault(t *testing.T) {
	m := startMock(t, `{"scenario":[
		{"on":"message:1","send":{"serverContent":{
			"modelTurn":{"parts":[{"text":"hi"}]},
			"futureField":{"x":1}}}}]}`)
	s := connect(t, m, Config{Modality: ModalityText})
	if err := s.SendText("go"); err != nil {
		t.Fatal(err)
	}
	ev := until(t, s, 5*time.Second, is[*Raw])
	for _, e := range ev {
		if raw := RawJSON(e); raw != nil {
			t.Errorf("%T: RawJSON %q without KeepRawJSON", e, raw)
		}
	}
	if x, ok := find[*Text](ev); !ok || x.Text != "hi" {
		t.Errorf("text: %s", describe(ev))
	}
	if r := ev[len(ev)-1].(*Raw); !strings.Contains(string(r.JSON), "futureField") {
		t.Errorf("unknown serverContent field: %s", r.JSON)
	}
}
