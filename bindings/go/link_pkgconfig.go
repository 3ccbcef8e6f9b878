//go:build geminilive_pkgconfig

package geminilive

// Linking against an installed copy described by gemini_live.pc (see README.md).

// #cgo pkg-config: gemini_live
import "C"
