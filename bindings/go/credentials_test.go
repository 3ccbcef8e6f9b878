package geminilive

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMintTokenAndConnectWithIt(t *testing.T) {
	m := startMock(t, `{"api_keys":["backend-key"]}`)

	// The service's refusal, verbatim, as data.
	_, err := MintToken("wrong-key", TokenRequest{BaseURL: m.HTTPURL()})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrHTTP) || e.HTTPStatus != 400 ||
		e.Reason != "API key not valid. Please pass a valid API key." {
		t.Fatalf("bad key: %#v", err)
	}
	if strings.Contains(e.Message, "wrong-key") {
		t.Errorf("the key is echoed: %s", e.Message)
	}

	one := 1
	before := time.Now()
	tok, err := MintToken("backend-key", TokenRequest{
		BaseURL:               m.HTTPURL(),
		Uses:                  &one,
		ExpireAfter:           10 * time.Minute,
		NewSessionExpireAfter: time.Minute,
		Setup:                 json.RawMessage(`{"systemInstruction":{"parts":[{"text":"locked"}]}}`),
		FieldMask:             "systemInstruction",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.Name, "auth_tokens/") {
		t.Errorf("name %q", tok.Name)
	}
	if d := tok.ExpireTime.Sub(before); d < 9*time.Minute || d > 11*time.Minute {
		t.Errorf("expire time %v ahead", d)
	}
	s := connect(t, m, Config{Modality: ModalityText, EphemeralToken: tok.Name, SystemInstruction: "mine"})
	if err := s.SendClientText("hello", true); err != nil {
		t.Fatal(err)
	}
	until(t, s, 5*time.Second, is[*TurnComplete])
	raw, _ := m.StatsJSON()
	if !strings.Contains(string(raw), `"last_system_instruction":"locked"`) {
		t.Errorf("the locked field did not win: %s", raw)
	}
	_ = s.Close()

	// One use: a second new session is refused by the Live endpoint.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = Connect(ctx, mockConfig(m, Config{EphemeralToken: tok.Name}))
	if !errors.As(err, &e) || e.CloseCode != 1007 {
		t.Fatalf("second session: %v", err)
	}
}

func TestVertexADCServiceAccountRefreshesAcrossReconnects(t *testing.T) {
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	t.Setenv("CLOUDSDK_CONFIG", t.TempDir())
	// Tokens live 2 s, inside the refresh margin: every connection asks for a new one.
	m := startMock(t, `{"access_token_lifetime_ms":2000,"bearer_tokens":["never-issued"],
		"connection_lifetime_ms":1200,"go_away_time_left_ms":400}`)
	sa, err := m.CredentialsJSON("service_account")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(file, []byte(sa), 0o600); err != nil {
		t.Fatal(err)
	}
	budget := &ReconnectBudget{StableAfter: 0, Window: time.Minute, MaxPerWindow: 20}
	s := connect(t, m, Config{
		Modality:        ModalityText,
		Vertex:          &Vertex{Project: "mock-project", Location: "us-central1", ADC: true, CredentialsFile: file},
		Resumption:      &Resumption{},
		ReconnectBudget: budget,
	})
	if n := stat(t, m, "oauth_tokens_issued"); n != 1 {
		t.Errorf("tokens after connect: %v", n)
	}
	until(t, s, 10*time.Second, is[*Reconnected])
	if n := stat(t, m, "oauth_tokens_issued"); n != 2 {
		t.Errorf("tokens after the reconnect: %v", n)
	}
	if err := s.SendClientText("still there?", true); err != nil {
		t.Fatal(err)
	}
	until(t, s, 5*time.Second, is[*TurnComplete])
}

func TestVertexADCMetadataServer(t *testing.T) {
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	t.Setenv("CLOUDSDK_CONFIG", t.TempDir())
	m := startMock(t, `{"bearer_tokens":["never-issued"]}`)
	t.Setenv("GCE_METADATA_HOST", strings.TrimPrefix(m.HTTPURL(), "http://"))
	s := connect(t, m, Config{Modality: ModalityText,
		Vertex: &Vertex{Project: "mock-project", Location: "us-central1", ADC: true}})
	if err := s.SendClientText("hi", true); err != nil {
		t.Fatal(err)
	}
	until(t, s, 5*time.Second, is[*TurnComplete])
	if n := stat(t, m, "metadata_tokens_issued"); n != 1 {
		t.Errorf("metadata tokens: %v", n)
	}
}
