//! gemini-live: a Gemini Live API client with a C ABI.
//!
//! Layers (see docs/architecture.md): `protocol` (wire types) → `session` (handle, events, phases)
//! → `transport` (endpoints, TLS, connection loop) → `ffi` (the C ABI). `mock` is a
//! protocol-faithful Live server for tests and offline development.

pub mod audio;
pub mod ffi;
pub mod mock;
pub mod protocol;
pub mod session;
pub mod transport;
