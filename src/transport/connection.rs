//! Opening one connection: TCP, TLS, the WebSocket upgrade, `setup` and `setupComplete`.

use super::close::classify;
use super::config::ConnectConfig;
use super::config_error::ConfigError;
use super::endpoint::ConnectTarget;
use super::error::Error;
use super::tls;
use crate::protocol::{encode_setup, ServerMessage, SessionResumption};
use crate::session::CloseClass;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why an attempt failed, with the close class when the server closed it.
#[derive(Debug)]
pub struct AttemptError {
    pub error: Error,
    pub class: CloseClass,
}

impl AttemptError {
    fn retryable(error: Error) -> Self {
        AttemptError {
            error,
            class: CloseClass::Retryable,
        }
    }
    fn fatal(error: Error) -> Self {
        AttemptError {
            error,
            class: CloseClass::Fatal,
        }
    }
}

/// An open, set-up connection.
pub struct Established {
    /// Boxed: an `Established` is moved through the session task's state (see
    /// `Supervisor::run`), and the socket is most of its size (~1.4 KiB).
    pub socket: Box<Socket>,
    pub server_session_id: Option<String>,
    /// Frames that arrived together with `setupComplete` (in the same message), already
    /// decoded; the caller emits their events after `Connected`.
    pub setup_message: ServerMessage,
    /// The text of the frame that carried `setupComplete` (the raw view of its events).
    pub setup_frame: bytes::Bytes,
    /// From writing `setup` to reading `setupComplete`: one network round trip plus the
    /// server's setup work, the session's measure of how far behind the server may be.
    pub setup_round_trip: std::time::Duration,
}

/// Sends `setup` on a dialed socket and waits for `setupComplete`. `resumption` replaces the
/// configured resumption settings (to resume by handle).
pub async fn handshake(
    mut socket: Socket,
    config: &ConnectConfig,
    model_name: &str,
    resumption: Option<&SessionResumption>,
) -> Result<Established, AttemptError> {
    let mut session = config.session.clone();
    if let Some(r) = resumption {
        session.session_resumption = Some(r.clone());
    }
    let setup = encode_setup(session.setup_object(model_name));
    let started = tokio::time::Instant::now();
    // One deadline for writing the setup and reading the answer: a server that never reads
    // must not hold the caller longer than it promised.
    let exchange = async {
        socket
            .send(Message::Text(setup.json.into()))
            .await
            .map_err(|e| AttemptError::retryable(Error::Connect(format!("sending setup: {e}"))))?;
        await_setup_complete(&mut socket).await
    };
    match tokio::time::timeout(config.setup_timeout, exchange).await {
        Ok(Ok((message, setup_frame))) => {
            let server_session_id = message.setup_complete.as_ref().and_then(|s| s.session_id.clone());
            Ok(Established {
                socket: Box::new(socket),
                server_session_id,
                setup_message: message,
                setup_frame,
                setup_round_trip: started.elapsed(),
            })
        }
        Ok(Err(e)) => Err(e),
        Err(_) => {
            // The socket may be stuck mid-write: drop it rather than wait on a close frame.
            Err(AttemptError::retryable(Error::Timeout(format!(
                "no setupComplete within {:?} of starting to send setup",
                config.setup_timeout
            ))))
        }
    }
}

/// Opens TCP, TLS and the WebSocket to `target`.
pub async fn dial(config: &ConnectConfig, target: &ConnectTarget) -> Result<Socket, AttemptError> {
    let mut request =
        target.url.as_str().into_client_request().map_err(|e| {
            AttemptError::fatal(ConfigError::invalid("base_url", format!("request: {e}")).into())
        })?;
    for (name, value) in &target.headers {
        let name: tokio_tungstenite::tungstenite::http::HeaderName = name.parse().map_err(|_| {
            AttemptError::fatal(ConfigError::invalid("headers", format!("bad header name {name:?}")).into())
        })?;
        let value = HeaderValue::from_str(&value.value).map_err(|_| {
            AttemptError::fatal(
                ConfigError::invalid("headers", format!("bad value for header {name}")).into(),
            )
        })?;
        request.headers_mut().insert(name, value);
    }
    let connector = if target.url.scheme() == "wss" {
        let tls = match &config.tls {
            Some(tls) => tls.clone(),
            None => tls::TlsConfig::system()
                .map_err(|e| AttemptError::fatal(super::ConfigError::from(e).into()))?,
        };
        Connector::Rustls(tls.client_config())
    } else {
        Connector::Plain
    };
    // A 16 KiB read buffer (tungstenite's default is 128 KiB): it is zero-filled before every
    // read and kept per connection, so the default cost ~130-700 KiB resident per session and
    // a 128 KiB memset per read. 16 KiB holds a whole 240 ms audio frame (~15.5 KB); larger
    // frames grow it as needed. Writes go out eagerly: every send is flushed anyway.
    let ws_config = WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(config.max_frame_bytes))
        .max_frame_size(Some(config.max_frame_bytes));
    let dial =
        tokio_tungstenite::connect_async_tls_with_config(request, Some(ws_config), true, Some(connector));
    match tokio::time::timeout(config.connect_timeout, dial).await {
        Ok(Ok((socket, _response))) => Ok(socket),
        Ok(Err(e)) => Err(AttemptError::retryable(Error::Connect(e.to_string()))),
        Err(_) => Err(AttemptError::retryable(Error::Timeout(format!(
            "connecting took longer than {:?}",
            config.connect_timeout
        )))),
    }
}

/// Reads until `setupComplete`. A close before it is the server's verdict on the setup
/// (bad key, unknown model, unknown handle...) and is classified by its reason.
async fn await_setup_complete(socket: &mut Socket) -> Result<(ServerMessage, bytes::Bytes), AttemptError> {
    loop {
        let frame = match socket.next().await {
            Some(Ok(frame)) => frame,
            Some(Err(e)) => return Err(AttemptError::retryable(Error::Connect(e.to_string()))),
            None => {
                // No close frame: the connection broke, the server gave no code or reason.
                return Err(AttemptError::retryable(Error::Connect(
                    "the connection ended before setupComplete, without a close frame".into(),
                )));
            }
        };
        let payload: &[u8] = match &frame {
            Message::Text(t) => t.as_bytes(),
            Message::Binary(b) => b,
            Message::Close(close) => {
                let (code, reason) = close
                    .as_ref()
                    .map(|c| (u16::from(c.code), c.reason.to_string()))
                    .unwrap_or((1005, String::new()));
                return Err(AttemptError {
                    class: classify(code, &reason),
                    error: Error::ServerClosed { code, reason },
                });
            }
            _ => continue,
        };
        let message = ServerMessage::decode(payload)
            .map_err(|e| AttemptError::fatal(Error::Protocol(format!("first server message: {e}"))))?;
        if message.setup_complete.is_some() {
            // Copied: the frame is a slice of the socket's read buffer, and the session keeps
            // this text for its whole life, which would pin that whole buffer (16 KiB) and
            // make the socket allocate a new one.
            return Ok((message, bytes::Bytes::copy_from_slice(payload)));
        }
        return Err(AttemptError::fatal(Error::Protocol(
            "the server answered setup with something other than setupComplete".into(),
        )));
    }
}
