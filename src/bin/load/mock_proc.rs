//! The mock server as a separate process: `gemini-live-mock --port 0 --config FILE
//! --exit-on-stdin-eof`, its URL read from the one line it prints.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// Load mode: every second of received audio is answered with one second of 24 kHz audio,
/// paced in real time, in five 200 ms chunks of 9,600 bytes, then `turnComplete`.
pub const MOCK_CONFIG: &str = r#"{"answer_audio_continuously": true, "audio_chunk_ms": 200}"#;

/// Output audio bytes of one answer (1 s at 24 kHz, PCM16).
pub const ANSWER_BYTES: u64 = 48_000;

pub struct MockProcess {
    child: Child,
    pub url: String,
    config_path: PathBuf,
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
        let stdout = child.stdout.take().ok_or("no stdout")?;
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
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
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        // Closing stdin asks the mock to close its connections (1001) and exit.
        if let Some(mut stdin) = self.child.stdin.take() {
            let _ = stdin.flush();
        }
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
