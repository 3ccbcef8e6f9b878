package geminilive

// #include "shims.h"
import "C"

import (
	"encoding/json"
	"time"
	"unsafe"
)

// TokenRequest describes an ephemeral token to mint. The zero value asks for the service's
// defaults: one use, valid 30 minutes, new sessions within 60 seconds, nothing locked.
type TokenRequest struct {
	// Uses is how many new sessions the token may open; nil keeps the default (1), 0 is
	// unlimited. Resuming a session is not a use.
	Uses *int
	// ExpireAfter is how long sessions opened with it may run (under 20 h); 0: 30 min.
	ExpireAfter time.Duration
	// NewSessionExpireAfter is how long it may open new sessions; 0: 60 s.
	NewSessionExpireAfter time.Duration
	// Setup locks setup fields: the setup message's JSON (camelCase), e.g.
	// json.RawMessage(`{"model":"models/x","generationConfig":{"temperature":0.7}}`).
	Setup json.RawMessage
	// FieldMask lists the locked paths, comma-separated ("model,generationConfig.temperature");
	// "" with a Setup locks all of it.
	FieldMask string

	// BaseURL replaces the service's URL (e.g. MockServer.HTTPURL); plain http only to
	// loopback unless AllowInsecure.
	BaseURL       string
	APIVersion    string // default "v1alpha"
	AllowInsecure bool
	CAFile        string // extra trusted CA certificates (PEM)
	// Timeout bounds the request; 0: 30 s.
	Timeout time.Duration
}

// Token is a minted ephemeral token: hand Name to the client (Config.EphemeralToken).
type Token struct {
	Name                 string
	ExpireTime           time.Time // sessions opened with it stop being accepted
	NewSessionExpireTime time.Time // it opens no new session after this
}

// MintToken mints an ephemeral token with apiKey (blocking). When the service refuses, the
// error is an *Error with Code ResultHTTP, HTTPStatus and the service's message in Reason.
func MintToken(apiKey string, req TokenRequest) (*Token, error) {
	body := map[string]any{}
	if req.Uses != nil {
		body["uses"] = *req.Uses
	}
	if req.ExpireAfter > 0 {
		body["expire_seconds"] = int64((req.ExpireAfter + time.Second - 1) / time.Second)
	}
	if req.NewSessionExpireAfter > 0 {
		body["new_session_expire_seconds"] = int64((req.NewSessionExpireAfter + time.Second - 1) / time.Second)
	}
	if len(req.Setup) > 0 {
		body["setup"] = req.Setup
	}
	if req.FieldMask != "" {
		body["field_mask"] = req.FieldMask
	}
	if req.BaseURL != "" {
		body["base_url"] = req.BaseURL
	}
	if req.APIVersion != "" {
		body["api_version"] = req.APIVersion
	}
	if req.AllowInsecure {
		body["allow_insecure"] = true
	}
	if req.CAFile != "" {
		body["ca_file"] = req.CAFile
	}
	text, err := json.Marshal(body)
	if err != nil {
		return nil, &Error{Code: ResultInvalidJSON, Message: err.Error()}
	}
	key, js := cstr(apiKey), cstr(string(text))
	defer C.free(unsafe.Pointer(key))
	defer C.free(unsafe.Pointer(js))
	var out *C.gemini_live_auth_token
	var timeout C.uint32_t // 0: the library's default
	if req.Timeout > 0 {
		timeout = msC(req.Timeout)
	}
	if err := call(func(e **C.gemini_live_error) C.gemini_live_result {
		return C.golive_auth_token_create(key, js, timeout, &out, e)
	}); err != nil {
		return nil, err
	}
	defer C.gemini_live_auth_token_free(out)
	return &Token{
		Name:                 C.GoString(C.gemini_live_auth_token_name(out)),
		ExpireTime:           time.Unix(int64(C.gemini_live_auth_token_expire_time(out)), 0),
		NewSessionExpireTime: time.Unix(int64(C.gemini_live_auth_token_new_session_expire_time(out)), 0),
	}, nil
}
