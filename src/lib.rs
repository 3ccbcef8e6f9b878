//! gemini-live: a Gemini Live API client with a C ABI.
//!
//! Layers (see README "Design"): `protocol` (wire types) → `session` (handle, events, phases)
//! → `transport` (endpoints, TLS, connection loop) → `ffi` (the C ABI). `mock` is a
//! protocol-faithful Live server for tests and offline development.

pub mod audio;
pub mod ffi;
pub mod protocol;
pub mod session;
pub mod transport;
