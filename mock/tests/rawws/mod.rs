//! A raw WebSocket client for the mock's own tests: frames exactly as written, no library in
//! between.
#![allow(dead_code)]

use futures_util::SinkExt;
use gemini_live_mock::MockServer;
use serde_json::Value;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub const GEMINI: &str = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
pub const CONSTRAINED: &str =
    "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained";
pub const VERTEX: &str = "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent";

/// Upgrades to `path` (query included) with extra headers, within `deadline`.
pub async fn connect(
    server: &MockServer,
    path: &str,
    headers: &[(&'static str, &str)],
    deadline: Duration,
) -> Ws {
    let mut request = format!("{}{path}", server.base_url())
        .into_client_request()
        .unwrap();
    for (name, value) in headers {
        request
            .headers_mut()
            .insert(*name, HeaderValue::from_str(value).unwrap());
    }
    let (ws, response) = tokio::time::timeout(deadline, tokio_tungstenite::connect_async(request))
        .await
        .expect("upgrade before the deadline")
        .expect("upgrade");
    assert_eq!(response.status(), 101);
    ws
}

/// Sends a JSON value as a text frame.
pub async fn send(ws: &mut Ws, value: Value) {
    ws.send(Message::Text(value.to_string().into())).await.unwrap();
}
