//go:build geminilive_external

package geminilive

// With the geminilive_external tag the package adds no flags of its own: CGO_CFLAGS must
// name the directory holding gemini_live.h and CGO_LDFLAGS the library (see README.md).

import "C"
