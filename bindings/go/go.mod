module github.com/gemini-live/gemini-live/bindings/go

go 1.22
