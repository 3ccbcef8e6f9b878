//! Fuzzes the server-message decoder and the event mapping behind it: any byte string must
//! decode to a message or an error, never a panic, and every decoded message must map to
//! events without panicking.
#![no_main]

use gemini_live::protocol::ServerMessage;
use gemini_live::session::events_from_message;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = ServerMessage::decode(data) {
        let mut events = Vec::new();
        events_from_message(message, &mut events);
    }
});
