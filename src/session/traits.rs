//! Object-safe reading and writing halves of a session, for code that wants to depend on a
//! capability (and for test doubles) rather than on [`super::SessionHandle`].

use super::errors::SessionError;
use super::events::SessionEvent;
use super::state::SessionPhase;
use crate::protocol::{Content, FunctionResponse};
use async_trait::async_trait;
use tokio::sync::broadcast;

/// Sends client messages.
#[async_trait]
pub trait SessionWriter: Send + Sync {
    async fn send_audio(&self, data: Vec<u8>) -> Result<(), SessionError>;
    async fn send_text(&self, text: String) -> Result<(), SessionError>;
    async fn send_tool_response(&self, responses: Vec<FunctionResponse>) -> Result<(), SessionError>;
    async fn send_client_content(&self, turns: Vec<Content>, turn_complete: bool)
        -> Result<(), SessionError>;
    async fn send_video(&self, jpeg_data: Vec<u8>) -> Result<(), SessionError>;
    async fn update_instruction(&self, instruction: String) -> Result<(), SessionError>;
    async fn signal_activity_start(&self) -> Result<(), SessionError>;
    async fn signal_activity_end(&self) -> Result<(), SessionError>;
    async fn disconnect(&self) -> Result<(), SessionError>;
}

/// Observes events and state.
pub trait SessionReader: Send + Sync {
    fn subscribe(&self) -> broadcast::Receiver<SessionEvent>;
    fn phase(&self) -> SessionPhase;
    fn session_id(&self) -> &str;
}
