//! `gemini-live-mock`: the mock Gemini Live server as a process.
//!
//! ```text
//! gemini-live-mock --port N [--host 127.0.0.1] [--config config.json] [--scenario file.jsonl]
//!     [--strict] [--vertex] [--pretty] [--realtime] [--connection-lifetime-ms N]
//!     [--answer-audio-continuously] [--threads N] [--exit-on-stdin-eof]
//! ```
//! Prints `gemini-live-mock listening on ws://HOST:PORT` once bound. Runs until killed
//! (SIGINT/SIGTERM keep their default action: the process exits at once) or, with
//! `--exit-on-stdin-eof`, until stdin closes (then connections get a 1001 close first). In that
//! mode each line `stats` read from stdin is answered with the counters (`MockStats`) as one
//! JSON line on stdout, so a parent process (the load tool) can read them while it runs.
//! Flags override the `--config` file (a JSON [`MockConfig`]); the bind address always comes from
//! `--host`/`--port`. `--threads` sets the runtime's worker threads (default 1).

use gemini_live_mock::{MockConfig, MockServer};
use std::io::{BufRead, Write};
use std::process::ExitCode;

const USAGE: &str =
    "usage: gemini-live-mock --port N [--host 127.0.0.1] [--config config.json] [--scenario file.jsonl] \
[--strict] [--vertex] [--pretty] [--realtime] [--connection-lifetime-ms N] [--answer-audio-continuously] \
[--threads N] [--exit-on-stdin-eof]";

/// A flag's change to the config, applied after `--config` is loaded.
type Override = Box<dyn FnOnce(&mut MockConfig)>;

struct Args {
    config: MockConfig,
    threads: usize,
    exit_on_stdin_eof: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut host = "127.0.0.1".to_string();
    let mut port: Option<u16> = None;
    let mut config_path = None;
    let mut overrides: Vec<Override> = Vec::new();
    let mut threads = 1;
    let mut exit_on_stdin_eof = false;
    let value = |args: &mut dyn Iterator<Item = String>, flag: &str| {
        args.next().ok_or(format!("{flag} needs a value"))
    };
    let number = |text: String, flag: &str| {
        text.parse::<u64>()
            .map_err(|_| format!("{flag}: not a number: {text}"))
    };
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--port" => {
                port = Some(
                    number(value(&mut args, &flag)?, &flag)?
                        .try_into()
                        .map_err(|_| "--port: out of range")?,
                )
            }
            "--host" => host = value(&mut args, &flag)?,
            "--config" => config_path = Some(value(&mut args, &flag)?),
            "--scenario" => {
                let path = value(&mut args, &flag)?;
                overrides.push(Box::new(move |c| c.scenario_file = Some(path.into())));
            }
            "--strict" => overrides.push(Box::new(|c| c.strict = true)),
            "--vertex" => overrides.push(Box::new(|c| c.vertex = true)),
            "--pretty" => overrides.push(Box::new(|c| c.pretty = true)),
            "--realtime" => overrides.push(Box::new(|c| c.realtime_output = true)),
            "--answer-audio-continuously" => overrides.push(Box::new(|c| c.answer_audio_continuously = true)),
            "--connection-lifetime-ms" => {
                let ms = number(value(&mut args, &flag)?, &flag)?;
                overrides.push(Box::new(move |c| c.connection_lifetime_ms = Some(ms)));
            }
            "--threads" => threads = number(value(&mut args, &flag)?, &flag)?.max(1) as usize,
            "--exit-on-stdin-eof" => exit_on_stdin_eof = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let port = port.ok_or_else(|| format!("--port is required\n{USAGE}"))?;
    let mut config = match config_path {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?
        }
        None => MockConfig::default(),
    };
    for apply in overrides {
        apply(&mut config);
    }
    config.bind = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    Ok(Args {
        config,
        threads,
        exit_on_stdin_eof,
    })
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .thread_name("gemini-live-mock")
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async move {
        let server = match MockServer::start(args.config).await {
            Ok(server) => server,
            Err(err) => {
                eprintln!("gemini-live-mock: {err}");
                return ExitCode::FAILURE;
            }
        };
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "gemini-live-mock listening on {}", server.base_url());
        let _ = stdout.flush();
        if args.exit_on_stdin_eof {
            let (line_tx, mut line_rx) = tokio::sync::mpsc::unbounded_channel();
            // std stdin: tokio's io-std feature is not enabled, and this thread only waits.
            // Dropping `line_tx` at EOF (or on a read error) ends the loop below.
            std::thread::spawn(move || {
                for line in std::io::stdin().lock().lines() {
                    let Ok(line) = line else { break };
                    if line_tx.send(line).is_err() {
                        break;
                    }
                }
            });
            while let Some(line) = line_rx.recv().await {
                if line.trim() == "stats" {
                    let json = serde_json::to_string(&server.stats()).unwrap_or_default();
                    let _ = writeln!(stdout, "{json}");
                    let _ = stdout.flush();
                }
            }
            server.shutdown().await;
        } else {
            std::future::pending::<()>().await;
        }
        ExitCode::SUCCESS
    })
}
