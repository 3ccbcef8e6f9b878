//go:build !geminilive_pkgconfig && !geminilive_external

package geminilive

// Default linking: the static library built by a plain `cargo build` at the repository root
// (target/debug/libgemini_live.a) plus the system libraries a Rust staticlib needs, so that
// `go test` works in a checkout without installing anything and the binaries do not depend
// on where the repository lives. (The shared library's soname is libgemini_live.so.<major>,
// which cargo does not create in target/debug, so a -lgemini_live link against it would not
// load at run time.) See README.md for linking an installed copy (build tags
// geminilive_pkgconfig or geminilive_external).

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: ${SRCDIR}/../../target/debug/libgemini_live.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
