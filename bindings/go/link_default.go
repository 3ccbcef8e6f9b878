//go:build !geminilive_pkgconfig && !geminilive_external

package geminilive

// Default linking: the shared library built by `cargo build` at the repository root, found at
// run time through an rpath, so `go test` works in a checkout without installing anything.
// See README.md for linking an installed copy (build tags geminilive_pkgconfig or
// geminilive_external).

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -L${SRCDIR}/../../target/debug -lgemini_live -Wl,-rpath,${SRCDIR}/../../target/debug
import "C"
