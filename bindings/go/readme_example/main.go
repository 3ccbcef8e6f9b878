// The README's example: a text session with Gemini Live (set GEMINI_API_KEY).
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	geminilive "github.com/gemini-live/gemini-live/bindings/go"
)

func main() {
	ctx := context.Background()
	s, err := geminilive.Connect(ctx, geminilive.Config{APIKey: os.Getenv("GEMINI_API_KEY"), Modality: geminilive.ModalityText})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	s.SendClientText("Hello, Gemini!", true)
	for ev, err := s.Receive(ctx); err == nil && ev.Kind() != geminilive.KindTurnComplete; ev, err = s.Receive(ctx) {
		if t, ok := ev.(*geminilive.Text); ok {
			fmt.Print(t.Text)
		}
	}
}
