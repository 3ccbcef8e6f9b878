package geminilive_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"time"

	geminilive "github.com/gemini-live/gemini-live/bindings/go"
)

// questionPCM returns 16 kHz PCM16 mono speech: the repository's demo WAV when present,
// otherwise a synthesized loud tone, followed by the ~800 ms of silence that ends the turn.
func questionPCM() []byte {
	var speech []byte
	if wav, err := os.ReadFile("../../examples/audio/question-16k.wav"); err == nil {
		speech = wavData(wav)
	}
	if speech == nil {
		for i := 0; i < 16000*7/10; i++ {
			v := int16(8000 * math.Sin(2*math.Pi*300*float64(i)/16000))
			speech = binary.LittleEndian.AppendUint16(speech, uint16(v))
		}
	}
	return append(speech, make([]byte, 2*16000*9/10)...)
}

// wavData returns the samples of a RIFF/WAVE file's data chunk, or nil.
func wavData(b []byte) []byte {
	if len(b) < 12 || !bytes.Equal(b[:4], []byte("RIFF")) || !bytes.Equal(b[8:12], []byte("WAVE")) {
		return nil
	}
	for p := 12; p+8 <= len(b); {
		id, n := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		p += 8
		if id == "data" {
			return b[p:min(p+n, len(b))]
		}
		p += n + n&1
	}
	return nil
}

// Streams a spoken question to the bundled mock server and prints what comes back.
func Example() {
	mock, err := geminilive.StartMockServer(`{"audio_transcript":"what is the weather in Paris"}`)
	if err != nil {
		log.Fatal(err)
	}
	defer mock.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	session, err := geminilive.Connect(ctx, geminilive.Config{
		APIKey:              "any-key",
		BaseURL:             mock.URL(),
		Modality:            geminilive.ModalityAudio,
		InputTranscription:  true,
		OutputTranscription: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer session.Close()

	// Microphone-style streaming: the writer sends 20 ms messages.
	go func() {
		w := session.AudioWriter(16000)
		if _, err := w.Write(questionPCM()); err == nil {
			_ = w.Flush()
		}
	}()

	var reply string
	var audioBytes int
	for {
		ev, err := session.Receive(ctx)
		if errors.Is(err, geminilive.ErrClosed) {
			return
		} else if err != nil {
			log.Fatal(err)
		}
		switch e := ev.(type) {
		case *geminilive.Connected:
			fmt.Println("connected")
		case *geminilive.VoiceActivity:
			fmt.Println("voice activity started:", e.Started)
		case *geminilive.InputTranscription:
			if e.Finished {
				fmt.Println("you:", e.Text)
			}
		case *geminilive.OutputTranscription:
			reply += e.Text
		case *geminilive.Audio:
			audioBytes += len(e.Data)
		case *geminilive.TurnComplete:
			fmt.Println("model:", reply)
			fmt.Println("got audio:", audioBytes > 0)
			return
		}
	}
	// Output:
	// connected
	// voice activity started: true
	// voice activity started: false
	// you: what is the weather in Paris
	// model: You said: what is the weather in Paris
	// got audio: true
}

// Answers the model's function calls.
func ExampleToolCall_Respond() {
	mock, err := geminilive.StartMockServer("")
	if err != nil {
		log.Fatal(err)
	}
	defer mock.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	session, err := geminilive.Connect(ctx, geminilive.Config{
		APIKey: "any-key", BaseURL: mock.URL(), Modality: geminilive.ModalityText,
		FunctionDeclarations: []geminilive.FunctionDeclaration{{Name: "get_weather"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer session.Close()
	if err := session.SendText("get_weather for Paris"); err != nil {
		log.Fatal(err)
	}
	for {
		ev, err := session.Receive(ctx)
		if err != nil {
			log.Fatal(err)
		}
		switch e := ev.(type) {
		case *geminilive.ToolCall:
			fmt.Println("call:", e.Name)
			if err := e.Respond(session, map[string]any{"temp_c": 21}); err != nil {
				log.Fatal(err)
			}
		case *geminilive.Text:
			fmt.Print(e.Text)
		case *geminilive.TurnComplete:
			fmt.Println()
			return
		}
	}
	// Output:
	// call: get_weather
	// Tool get_weather returned {"output":{"temp_c":21}}
}
