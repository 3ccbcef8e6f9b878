//! The accept loop: WebSocket upgrade with path routing, then one task per connection.

use super::auth;
use super::connection::{self, ServerState};
use super::latency;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// A client that opens TCP but never upgrades is dropped after this long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// On shutdown, connections get this long to finish their close handshakes.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

pub(crate) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<ServerState>,
    shutdown: watch::Receiver<bool>,
) {
    let mut tasks = JoinSet::new();
    let mut stop = shutdown.clone();
    // Accepted sockets, counted before the upgrade: seeds each connection's latency jitter.
    let mut accepted_sockets: u64 = 0;
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    accepted_sockets += 1;
                    tasks.spawn(handle(stream, accepted_sockets, shared.clone(), shutdown.clone()));
                }
                Err(err) => {
                    // Typically EMFILE under load: back off instead of spinning.
                    log::warn!("gemini-live-mock: accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
    drop(listener);
    let drain = async { while tasks.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, drain).await;
}

async fn handle(stream: TcpStream, index: u64, shared: Arc<ServerState>, shutdown: watch::Receiver<bool>) {
    match shared.cfg.latency.filter(|l| l.is_active()) {
        // Without latency the WebSocket runs on the socket itself: no relay, no copies.
        None => upgrade_and_serve(stream, shared, shutdown).await,
        Some(spec) => {
            let (server_side, relay_side) = tokio::io::duplex(latency::DUPLEX_BYTES);
            let relay = latency::relay(stream, relay_side, spec, index);
            tokio::join!(relay, upgrade_and_serve(server_side, shared, shutdown));
        }
    }
}

async fn upgrade_and_serve<S>(stream: S, shared: Arc<ServerState>, shutdown: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut route = None;
    // The signature is tungstenite's handshake `Callback`; its error type is not ours to shrink.
    #[allow(clippy::result_large_err)]
    let callback = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        match auth::route(req) {
            Some(found) => {
                route = Some(found);
                Ok(resp)
            }
            None => {
                let mut not_found = ErrorResponse::new(Some("Not Found".to_string()));
                *not_found.status_mut() = StatusCode::NOT_FOUND;
                Err(not_found)
            }
        }
    };
    // tungstenite's default 128 KiB read buffer is allocated up front; client frames are small
    // (20–100 ms audio), so 16 KiB keeps 1,000 load-test sessions light. Writes go out at once.
    let ws_config = WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .write_buffer_size(0);
    let accept = tokio_tungstenite::accept_hdr_async_with_config(stream, callback, Some(ws_config));
    let upgraded = tokio::time::timeout(HANDSHAKE_TIMEOUT, accept).await;
    let (Ok(Ok(ws)), Some(route)) = (upgraded, route) else {
        return;
    };
    let number = shared.stats.update(|s| {
        s.connections_accepted += 1;
        s.connections_open += 1;
        s.connections_accepted
    });
    connection::serve(ws, route, number, shared, shutdown).await;
}
