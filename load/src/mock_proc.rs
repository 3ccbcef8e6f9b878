//! The mock server as a separate process: `gemini-live-mock --port 0 --config FILE
//! --exit-on-stdin-eof`, its URL read from the first line it prints, its counters read by
//! writing `stats` to its stdin (one JSON line comes back).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// Load mode: every second of received audio is answered with one second of 24 kHz audio,
/// paced in real time, in five 200 ms chunks of 9,600 bytes, then `turnComplete`.
pub const MOCK_CONFIG: &str = r#"{"answer_audio_continuously": true, "audio_chunk_ms": 200}"#;

pub struct MockProcess {
    child: Child,
    pub url: String,
    config_path: PathBuf,
    /// Kept open: closing it asks the mock to exit.
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

/// The mock's counters the drain needs (a subset of its `MockStats`).
#[derive(Debug, Clone, Copy, Default)]
pub struct MockCounters {
    /// Output audio bytes written to client sockets (24 kHz PCM16 as the mock reports them;
    /// the drain converts them to the codec's units).
    pub output_audio_bytes: u64,
    /// Answers queued (each 1 s of audio, then `turnComplete`).
    pub answers_queued: u64,
    /// Answers skipped because two were already queued.
    pub answers_skipped: u64,
    /// `turnComplete` messages sent (in load mode: answers finished).
    pub turns_completed: u64,
    pub connections_open: u64,
}

impl MockCounters {
    /// Audio of queued answers not yet written to a socket, with `answer_bytes` per answer
    /// (in the units of `output_audio_bytes`).
    pub fn queued_audio_bytes(&self, answer_bytes: u64) -> u64 {
        (self.answers_queued * answer_bytes).saturating_sub(self.output_audio_bytes)
    }

    /// Answers queued whose `turnComplete` has not gone out.
    pub fn answers_pending(&self) -> u64 {
        self.answers_queued.saturating_sub(self.turns_completed)
    }
}

impl MockProcess {
    /// Starts the binary (`bin`, or `gemini-live-mock` next to this executable).
    pub fn spawn(bin: Option<PathBuf>, threads: usize) -> Result<MockProcess, String> {
        let bin = match bin {
            Some(b) => b,
            None => std::env::current_exe()
                .map_err(|e| e.to_string())?
                .with_file_name("gemini-live-mock"),
        };
        let config_path = std::env::temp_dir().join(format!("gemini-live-load-{}.json", std::process::id()));
        std::fs::write(&config_path, MOCK_CONFIG).map_err(|e| format!("{}: {e}", config_path.display()))?;
        let mut child = Command::new(&bin)
            .args([
                "--port",
                "0",
                "--exit-on-stdin-eof",
                "--threads",
                &threads.to_string(),
            ])
            .arg("--config")
            .arg(&config_path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: {e}", bin.display()))?;
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        stdout.read_line(&mut line).map_err(|e| e.to_string())?;
        let stdin = child.stdin.take();
        let url = line
            .trim()
            .rsplit_once(' ')
            .map(|(_, u)| u.to_string())
            .filter(|u| u.starts_with("ws://"))
            .ok_or_else(|| format!("unexpected mock output: {line:?}"))?;
        Ok(MockProcess {
            child,
            url,
            config_path,
            stdin,
            stdout,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks the mock for its counters (one `stats` line out, one JSON line back).
    pub fn counters(&mut self) -> Result<MockCounters, String> {
        let stdin = self.stdin.as_mut().ok_or("mock stdin closed")?;
        stdin
            .write_all(b"stats\n")
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("mock stdin: {e}"))?;
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(0) => return Err("mock exited".into()),
            Ok(_) => {}
            Err(e) => return Err(format!("mock stdout: {e}")),
        }
        let v: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("mock stats: {e}: {line:.80}"))?;
        let field = |name: &str| {
            v.get(name)
                .and_then(serde_json::Value::as_u64)
                .ok_or_else(|| format!("mock stats: no {name} (an older gemini-live-mock?)"))
        };
        Ok(MockCounters {
            output_audio_bytes: field("output_audio_bytes")?,
            answers_queued: field("answers_queued")?,
            answers_skipped: field("answers_skipped")?,
            turns_completed: field("turns_completed")?,
            connections_open: field("connections_open")?,
        })
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        // Closing stdin asks the mock to close its connections (1001) and exit.
        drop(self.stdin.take());
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                let _ = std::fs::remove_file(&self.config_path);
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.config_path);
    }
}
