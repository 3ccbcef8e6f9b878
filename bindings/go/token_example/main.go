// Ephemeral tokens, both sides: a backend that holds the API key and mints a short-lived,
// one-use token per request (POST /token), and a client (a browser or phone app in real life)
// that fetches one and opens a Live session with it, never seeing the API key.
//
// With GEMINI_API_KEY set it talks to the real service; without, to the library's mock server
// on loopback (as the tests run it).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	geminilive "github.com/gemini-live/gemini-live/bindings/go"
)

type tokenReply struct {
	Token      string    `json:"token"`
	ExpireTime time.Time `json:"expire_time"`
}

// backend mints one token per POST /token with the API key only it holds.
func backend(apiKey, restURL string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		one := 1
		tok, err := geminilive.MintToken(apiKey, geminilive.TokenRequest{
			BaseURL:               restURL, // "" for the real service
			Uses:                  &one,
			ExpireAfter:           30 * time.Minute,
			NewSessionExpireAfter: time.Minute,
			// The client cannot change the system instruction.
			Setup:     json.RawMessage(`{"systemInstruction":{"parts":[{"text":"Answer briefly."}]}}`),
			FieldMask: "systemInstruction",
			Timeout:   10 * time.Second,
		})
		if err != nil {
			// The service's status and message, for the backend's logs; the client gets 502.
			log.Printf("minting failed: %v", err)
			http.Error(w, "cannot mint a token", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(tokenReply{Token: tok.Name, ExpireTime: tok.ExpireTime})
	})
	return mux
}

// client fetches a token from the backend and talks to the model with it.
func client(backendURL, liveURL string) (string, error) {
	resp, err := http.Post(backendURL+"/token", "application/json", nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("backend answered %s", resp.Status)
	}
	var tok tokenReply
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := geminilive.Connect(ctx, geminilive.Config{
		EphemeralToken: tok.Token,
		BaseURL:        liveURL, // "" for the real service
		Modality:       geminilive.ModalityText,
	})
	if err != nil {
		return "", err
	}
	defer s.Close()
	if err := s.SendClientText("Hello from a client without an API key", true); err != nil {
		return "", err
	}
	var reply strings.Builder
	for {
		ev, err := s.Receive(ctx)
		if err != nil {
			return "", err
		}
		switch e := ev.(type) {
		case *geminilive.Text:
			reply.WriteString(e.Text)
		case *geminilive.TurnComplete:
			return reply.String(), nil
		}
	}
}

func main() {
	apiKey, restURL, liveURL := os.Getenv("GEMINI_API_KEY"), "", ""
	if apiKey == "" {
		mock, err := geminilive.StartMockServer(`{"api_keys":["backend-only-key"]}`)
		if err != nil {
			log.Fatal(err)
		}
		defer mock.Close()
		apiKey, restURL, liveURL = "backend-only-key", mock.HTTPURL(), mock.URL()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: backend(apiKey, restURL), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	reply, err := client("http://"+ln.Addr().String(), liveURL)
	if err != nil {
		log.Fatalf("client: %v", err)
	}
	fmt.Printf("client got: %s\n", reply)
}
