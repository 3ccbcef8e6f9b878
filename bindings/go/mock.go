package geminilive

// #include "shims.h"
import "C"

import (
	"encoding/json"
	"sync"
	"time"
	"unsafe"
)

// MockServer is the library's mock Gemini Live server, for offline tests: it speaks the Live
// protocol on a loopback port with a deterministic built-in model.
type MockServer struct {
	mu  sync.RWMutex
	ptr *C.gemini_live_mock_server
	url string
}

// StartMockServer starts a mock server. configJSON is a JSON object of mock settings
// (snake_case, all optional, e.g. `{"api_keys":["k"],"realtime_output":true}`; see the
// repository's docs/mock.md, "Options"); "" uses the defaults (a free loopback port,
// any non-empty API key accepted).
func StartMockServer(configJSON string) (*MockServer, error) {
	var cfg *C.char
	if configJSON != "" {
		cfg = cstr(configJSON)
		defer C.free(unsafe.Pointer(cfg))
	}
	var out *C.gemini_live_mock_server
	if err := call(func(e **C.gemini_live_error) C.gemini_live_result { return C.golive_mock_server_start(cfg, &out, e) }); err != nil {
		return nil, err
	}
	return &MockServer{ptr: out, url: C.GoString(C.gemini_live_mock_server_url(out))}, nil
}

// URL is the server's base URL (ws://127.0.0.1:PORT), for Config.BaseURL.
func (m *MockServer) URL() string { return m.url }

// HTTPURL is the base URL of the server's REST side (http://127.0.0.1:PORT): token minting
// (TokenRequest.BaseURL), its OAuth token endpoint and its metadata server (GCE_METADATA_HOST
// is its host:port).
func (m *MockServer) HTTPURL() string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.ptr == nil {
		return ""
	}
	return C.GoString(C.gemini_live_mock_server_http_url(m.ptr))
}

// CredentialsJSON makes a test credentials file's JSON for Application Default Credentials:
// kind "service_account" (a new key whose signed assertions the mock's token endpoint
// verifies) or "authorized_user"; both name the mock's token endpoint as token_uri.
func (m *MockServer) CredentialsJSON(kind string) (string, error) {
	k := cstr(kind)
	defer C.free(unsafe.Pointer(k))
	var out *C.char
	if err := m.do(func(p *C.gemini_live_mock_server, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_mock_server_credentials_json(p, k, &out, e)
	}); err != nil {
		return "", err
	}
	defer C.gemini_live_string_free(out)
	return C.GoString(out), nil
}

func (m *MockServer) do(f func(p *C.gemini_live_mock_server, e **C.gemini_live_error) C.gemini_live_result) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.ptr == nil {
		return &Error{Code: ResultClosed, Message: "mock server is closed"}
	}
	p := m.ptr
	return call(func(e **C.gemini_live_error) C.gemini_live_result { return f(p, e) })
}

// StatsJSON returns a JSON snapshot of the server's counters (connections, setups, messages
// by kind under "messages", tool responses, closes sent, texts received, ...).
func (m *MockServer) StatsJSON() (json.RawMessage, error) {
	var out *C.char
	if err := m.do(func(p *C.gemini_live_mock_server, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_mock_server_stats_json(p, &out, e)
	}); err != nil {
		return nil, err
	}
	defer C.gemini_live_string_free(out)
	return json.RawMessage(C.GoString(out)), nil
}

// WaitFor waits until the number at jsonPointer (e.g. "/messages/realtime_text") in the stats
// is at least atLeast, or fails with ErrTimeout after timeout.
func (m *MockServer) WaitFor(jsonPointer string, atLeast int64, timeout time.Duration) error {
	jp := cstr(jsonPointer)
	defer C.free(unsafe.Pointer(jp))
	return m.do(func(p *C.gemini_live_mock_server, e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_mock_server_wait_for(p, jp, C.int64_t(atLeast), msC(timeout), e)
	})
}

// Close stops the server (open connections get close 1001). Idempotent.
func (m *MockServer) Close() error {
	m.mu.Lock()
	p := m.ptr
	m.ptr = nil
	m.mu.Unlock()
	if p != nil {
		C.gemini_live_mock_server_free(p)
	}
	return nil
}
