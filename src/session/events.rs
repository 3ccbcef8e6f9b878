//! Commands going down to the transport and events coming up from it.

use super::phase::SessionPhase;
use crate::protocol::{DetailPart, EncodedMessage, UsageMetadata};
use bytes::Bytes;
use std::time::Duration;

/// What the handle asks the connection loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionCommand {
    /// Write this client message (already encoded on the caller's thread).
    Send(EncodedMessage),
    /// Close gracefully (WebSocket close 1000) and end the session.
    Disconnect,
}

/// Whether a server close ends the session or may be retried with resumption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseClass {
    /// Normal close requested by this client.
    Normal,
    /// Retrying cannot help: bad credentials, unknown model, invalid payload, ...
    Fatal,
    /// Transient: goAway deadline, 1011, dropped connection, server-side cancel.
    Retryable,
}

/// One thing an application reacts to. Audio and text are delivered as they arrive, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    /// The phase changed.
    PhaseChanged(SessionPhase),
    /// `setupComplete` arrived; `session_id` is the server's (Vertex only);
    /// `voice_consent_signature` is `voiceConsentSignature.signature` (replicated voices).
    Connected {
        session_id: Option<String>,
        voice_consent_signature: Option<String>,
    },
    /// Model audio: 16-bit little-endian mono PCM (24 kHz from the service). Only inline data
    /// whose MIME type starts with `audio/pcm` is audio; everything else is [`Self::InlineData`].
    Audio { data: Bytes, mime_type: String },
    /// Inline data that is not PCM audio (an image, video, other audio encodings), with its
    /// MIME type as sent (possibly empty).
    InlineData { data: Bytes, mime_type: String },
    /// Model text.
    Text(String),
    /// A thought summary (`includeThoughts`).
    Thought(String),
    /// Transcription of the user's audio. `interim` ones are replaced by later ones.
    InputTranscription {
        text: String,
        finished: bool,
        interim: bool,
        details: Option<Box<TranscriptionDetails>>,
    },
    /// Transcription of the model's audio, in fragments.
    OutputTranscription {
        text: String,
        finished: bool,
        details: Option<Box<TranscriptionDetails>>,
    },
    /// The model asks for a function call; answer with a tool response carrying `id`.
    ///
    /// Streamed arguments (Vertex): a call arrives as several `ToolCall` events with the same
    /// `id`, each with a `fragment` whose `will_continue` is true, ended by one whose
    /// `will_continue` is false; run the call after that last one. `None` for a whole call.
    ToolCall {
        id: String,
        name: String,
        args_json: String,
        fragment: Option<Box<CallFragment>>,
    },
    /// A part's `thoughtSignature` (base64 text as sent), right after the event of the part
    /// that carried it (alone when the part carried nothing else). Send it back on that part
    /// when replaying the turn as history.
    ThoughtSignature(String),
    /// `executableCode`: `text` is the code, `label` the language, `json` the object.
    ExecutableCode(Box<DetailPart>),
    /// `codeExecutionResult`: `text` is the output, `label` the outcome, `json` the object.
    CodeExecutionResult(Box<DetailPart>),
    /// `fileData`: `text` is the file URI, `mime_type`, `label` the display name.
    FileData(Box<DetailPart>),
    /// A server-side tool call part (`toolCall`), as compact JSON.
    ServerToolCall(String),
    /// A server-side tool result part (`toolResponse`), as compact JSON.
    ServerToolResponse(String),
    /// `serverContent.groundingMetadata`, as compact JSON.
    GroundingMetadata(String),
    /// `serverContent.urlContextMetadata`, as compact JSON.
    UrlContextMetadata(String),
    /// `turnCompleteReason`, `interactionStatus` or `waitingForInput` sent without
    /// `turnComplete` (with it they are part of [`Self::TurnComplete`]).
    TurnStatus {
        reason: Option<String>,
        interaction_status: Option<String>,
        waiting_for_input: bool,
    },
    /// Earlier tool calls that should not have been executed.
    ToolCallCancellation { ids: Vec<String> },
    /// The user interrupted the model: flush playback now.
    Interrupted,
    /// The model finished generating (finish the UI here; `TurnComplete` may come later).
    GenerationComplete,
    /// The model's turn is over.
    TurnComplete {
        reason: Option<String>,
        interaction_status: Option<String>,
        waiting_for_input: bool,
    },
    /// Voice activity: `kind` is the wire value (`ACTIVITY_START`, `ACTIVITY_END`,
    /// `VAD_SIGNAL_TYPE_SOS`, `VAD_SIGNAL_TYPE_EOS`); `started` is true for a start.
    VoiceActivity {
        kind: String,
        started: bool,
        audio_offset: Option<Duration>,
    },
    /// Boxed: inline it would double the size of every event.
    UsageMetadata(Box<UsageMetadata>),
    /// The server will close this connection after `time_left`.
    GoAway { time_left: Option<Duration> },
    /// A new resumption handle (or the news that resuming is not possible right now).
    ResumptionUpdate {
        handle: Option<String>,
        resumable: bool,
        last_consumed_index: Option<i64>,
    },
    /// The connection was lost or is being replaced; attempt `attempt` starts.
    Reconnecting { attempt: u32, reason: String },
    /// A new connection is active; `resumed` says whether the server restored the session.
    ///
    /// `resent_*`: client messages (and their JSON bytes) written before the move that the
    /// server had not certainly read when it issued the handle; they were written again, in
    /// order, on the new connection, so nothing is lost, and at most these may reach the
    /// session twice. `lost_*`: messages written to the old session that the new one does not
    /// have. Not resumed (the new session starts empty): what the old one had not certainly
    /// read. Resumed: media the replay buffer dropped over its bounds (see `ReplayOverflow`)
    /// that the handle does not cover; exact with `transparent`, else an upper bound (a
    /// dropped message the server read after its last read receipt counts, though the session
    /// has it). 0 while the sender stays within the bounds.
    Reconnected {
        resumed: bool,
        resent_messages: u64,
        resent_bytes: u64,
        lost_messages: u64,
        lost_bytes: u64,
    },
    /// Something went wrong; a fatal error is followed by `Closed`.
    Error {
        code: ErrorCode,
        message: String,
        fatal: bool,
    },
    /// Server data with no event of its own (unknown fields, unknown part kinds), as JSON
    /// text; also the whole frame when a frame produced no other event.
    Raw(String),
    /// The session ended. `code` is the WebSocket close code (1006 when the connection
    /// dropped without one); `reason` is the server's text, verbatim.
    Closed {
        code: u16,
        reason: String,
        class: CloseClass,
    },
}

/// The less common fields of a transcription.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TranscriptionDetails {
    pub language_code: Option<String>,
    pub speaker_label: Option<String>,
    /// `words` as sent, compact: `[{"word":"Hi","startOffset":"0.1s","endOffset":"0.3s"}]`.
    pub words_json: Option<String>,
}

/// A fragment of a streamed function call (boxed in the event: rare).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallFragment {
    /// More fragments of this call follow.
    pub will_continue: bool,
    /// The fragment's `partialArgs` array as sent, compact.
    pub partial_args_json: Option<String>,
}

/// An event and the text of the server frame it came from (`None` for events the library
/// makes itself: phases, reconnects, errors that are not about a frame).
#[derive(Debug, Clone, PartialEq)]
pub struct FramedEvent {
    pub event: SessionEvent,
    /// The frame's JSON text, shared by every event of the frame (not copied).
    pub frame: Option<Bytes>,
    /// The frame's number in the session (1, 2, ...; the same for every event of one frame),
    /// 0 for an event that came from no frame.
    pub frame_seq: u64,
}

/// Machine-readable category of an [`SessionEvent::Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// A server frame could not be decoded; the session continues.
    MalformedFrame,
    /// A server frame exceeded the size cap.
    FrameTooLarge,
    /// A reconnect attempt failed (non-fatal: the next attempt follows, until the budget ends).
    Connection,
    /// The server closed with a fatal reason.
    ServerClosed,
    /// Outgoing messages were dropped from the replay buffer (see the drop counter).
    ReplayOverflow,
    /// The retry budget ran out.
    RetriesExhausted,
    /// An internal failure (a panic inside the session task).
    Internal,
}

impl SessionEvent {
    /// True for the terminal event.
    pub fn is_closed(&self) -> bool {
        matches!(self, SessionEvent::Closed { .. })
    }
}
