//! The session layer: the handle applications hold, the commands it sends down, the events
//! that come up, and the phase state machine. Knows nothing of WebSockets or C.

mod errors;
mod events;
mod from_server;
mod handle;
mod outlet;
mod pacing;
mod park;
mod phase;
mod queue;
mod state;
mod stream;

pub use errors::SessionError;
pub use events::{
    CallFragment, CloseClass, ErrorCode, FramedEvent, SessionCommand, SessionEvent, TranscriptionDetails,
};
pub use from_server::events_from_message;
pub use handle::{
    encoded_audio_len, encoded_video_len, max_pcm_bytes, SessionHandle, DEFAULT_INPUT_SAMPLE_RATE,
    MAX_MESSAGE_BYTES, MIN_MESSAGE_BYTES,
};
pub(crate) use outlet::Outlet;
pub use pacing::{BackpressureConfig, TokenBucket};
pub use phase::SessionPhase;
pub(crate) use queue::{Receiver as EventReceiver, TryRecvError};
pub(crate) use state::{DroppedMedia, SessionState};
pub use stream::EventStream;
pub(crate) use stream::{event_channel, EventSink, InlineConsumer};
