package main

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	geminilive "github.com/gemini-live/gemini-live/bindings/go"
	"google.golang.org/genai"
)

// counters are one session's figures, written by its receive goroutine.
type counters struct {
	audioBytes atomic.Uint64
	turns      atomic.Uint64
	pongs      atomic.Uint64
	errors     atomic.Uint64
	closed     atomic.Uint64
	mu         sync.Mutex
	rtts       []int64 // ns, ping sent → pong received
}

// pong counts a "pong:<ns>" model text and its round trip.
func (c *counters) text(t string, now int64) {
	rest, ok := strings.CutPrefix(t, "pong:")
	if !ok {
		return
	}
	sent, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return
	}
	c.pongs.Add(1)
	c.mu.Lock()
	c.rtts = append(c.rtts, now-sent)
	c.mu.Unlock()
}

// session is one connection of either client, as the driver sees it.
type session interface {
	sendAudio(pcm []byte) error
	sendText(text string) error
	close()
}

// dialer connects one session whose receive goroutine fills c.
type dialer func(ctx context.Context, url string, c *counters) (session, error)

const model = "gemini-live-load"

// ---- the official Go SDK (google.golang.org/genai) ----

type genaiSession struct{ s *genai.Session }

var genaiClient struct {
	once sync.Once
	c    *genai.Client
	err  error
}

// dialGenai: one genai.Client (Gemini API backend, API key, the mock's ws:// URL as BaseURL,
// APIVersion v1beta) shared by every session, client.Live.Connect per session and one
// goroutine per session looping on session.Receive().
func dialGenai(ctx context.Context, url string, c *counters) (session, error) {
	genaiClient.once.Do(func() {
		genaiClient.c, genaiClient.err = genai.NewClient(ctx, &genai.ClientConfig{
			APIKey:  "load-test",
			Backend: genai.BackendGeminiAPI,
			HTTPOptions: genai.HTTPOptions{
				BaseURL:    url,
				APIVersion: "v1beta",
			},
		})
	})
	if genaiClient.err != nil {
		return nil, genaiClient.err
	}
	s, err := genaiClient.c.Live.Connect(ctx, model, &genai.LiveConnectConfig{
		ResponseModalities: []genai.Modality{genai.ModalityAudio},
	})
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			msg, err := s.Receive()
			if err != nil {
				c.closed.Add(1)
				return
			}
			now := nowNS()
			sc := msg.ServerContent
			if sc == nil {
				continue
			}
			if sc.ModelTurn != nil {
				for _, p := range sc.ModelTurn.Parts {
					if p == nil {
						continue
					}
					if p.InlineData != nil {
						c.audioBytes.Add(uint64(len(p.InlineData.Data)))
					} else if p.Text != "" {
						c.text(p.Text, now)
					}
				}
			}
			if sc.TurnComplete {
				c.turns.Add(1)
			}
		}
	}()
	return genaiSession{s}, nil
}

func (g genaiSession) sendAudio(pcm []byte) error {
	return g.s.SendRealtimeInput(genai.LiveRealtimeInput{
		Audio: &genai.Blob{Data: pcm, MIMEType: "audio/pcm;rate=16000"},
	})
}

func (g genaiSession) sendText(text string) error {
	return g.s.SendRealtimeInput(genai.LiveRealtimeInput{Text: text})
}

func (g genaiSession) close() { _ = g.s.Close() }

// ---- our Go binding (bindings/go, the C library through cgo) ----

type bindingSession struct{ s *geminilive.Session }

// dialBinding: geminilive.Connect with the mock's URL as BaseURL and an API key, and one
// goroutine per session looping on Session.Receive(ctx), the binding's documented receive path.
func dialBinding(ctx context.Context, url string, c *counters) (session, error) {
	s, err := geminilive.Connect(ctx, geminilive.Config{
		Model:    "models/" + model,
		Modality: geminilive.ModalityAudio,
		APIKey:   "load-test",
		BaseURL:  url,
	})
	if err != nil {
		return nil, err
	}
	go func() {
		bg := context.Background()
		for {
			ev, err := s.Receive(bg)
			if err != nil {
				if !errors.Is(err, geminilive.ErrClosed) {
					c.errors.Add(1)
				}
				return
			}
			switch e := ev.(type) {
			case *geminilive.Audio:
				c.audioBytes.Add(uint64(len(e.Data)))
			case *geminilive.Text:
				c.text(e.Text, nowNS())
			case *geminilive.TurnComplete:
				c.turns.Add(1)
			case *geminilive.ErrorEvent:
				c.errors.Add(1)
			case *geminilive.Closed:
				c.closed.Add(1)
			}
		}
	}()
	return bindingSession{s}, nil
}

func (b bindingSession) sendAudio(pcm []byte) error { return b.s.SendAudio(pcm) }
func (b bindingSession) sendText(text string) error { return b.s.SendText(text) }
func (b bindingSession) close()                     { _ = b.s.Close() }
