"""The peer: the official Python SDK (google-genai) on the same load as gemini-live-load.

N sessions through `client.aio.live.connect` against the mock (Vertex "proxy" mode: a custom
base URL with no project/location is used verbatim as the WebSocket URL, so a plain ws:// mock
works). One shared timer task streams 16 kHz PCM16 in 20 ms chunks to every session in real
time (session i starts floor(i*spread/N) ms after the first, like the Rust tool) and sends a `ping:<ns>` realtime
text once per second per session; one receive task per session counts audio bytes and pongs.

Prints CPU seconds per session-minute of this Python process over the steady window (after a
warm-up), chunks late by more than 20 ms, lost audio (the same deterministic expectation as the
Rust tool: 48,000 bytes per full second of audio sent) and the ping round trip.

  python_peer.py --mock-url ws://127.0.0.1:PORT [--sessions N] [--seconds S] [--warmup S] [--start-spread-ms MS] [--json]
"""

import argparse
import asyncio
import json
import math
import os
import time

from google import genai
from google.genai import types

PATH = "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
CHUNK_NS = 20_000_000
ANSWER_BYTES = 48_000


def pct(samples, p):
    if not samples:
        return None
    s = sorted(samples)
    return s[max(1, math.ceil(p / 100 * len(s))) - 1] / 1e6


class Peer:
    def __init__(self, session):
        self.session = session
        self.audio_bytes = 0
        self.turns = 0
        self.pongs = 0
        self.pings = 0
        self.chunks = 0
        self.rtts = []

    async def receive(self):
        while True:
            async for msg in self.session.receive():
                now = time.monotonic_ns()
                sc = msg.server_content
                if sc is None:
                    continue
                if sc.model_turn is not None:
                    for part in sc.model_turn.parts or []:
                        if part.inline_data is not None and part.inline_data.data:
                            self.audio_bytes += len(part.inline_data.data)
                        elif part.text and part.text.startswith("pong:"):
                            self.pongs += 1
                            self.rtts.append(now - int(part.text[5:]))
                if sc.turn_complete:
                    self.turns += 1


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mock-url", required=True)
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--start-spread-ms", type=int, default=1000)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    client = genai.Client(
        vertexai=True,
        http_options=types.HttpOptions(
            base_url=a.mock_url + PATH, headers={"Authorization": "Bearer peer"}
        ),
    )
    # The SDK always passes an SSL context to websockets, which refuses one for a ws:// URL
    # ("ssl argument is incompatible with a ws:// URI"). Clearing it is the only change: the
    # connection, setup, send and receive paths are the SDK's own.
    client._api_client._websocket_ssl_ctx = {}
    config = types.LiveConnectConfig(response_modalities=["AUDIO"])
    n = a.sessions
    cms = [client.aio.live.connect(model="gemini-live-load", config=config) for _ in range(n)]
    peers = [Peer(await cm.__aenter__()) for cm in cms]
    receivers = [asyncio.create_task(p.receive()) for p in peers]

    pcm = bytes(
        b for i in range(320) for b in int(math.sin(i * 0.157) * 3000).to_bytes(2, "little", signed=True)
    )
    blob = types.Blob(data=pcm, mime_type="audio/pcm;rate=16000")
    ticks = round(a.seconds * 1e9 / CHUNK_NS)
    warm = round(a.warmup * 1e9 / CHUNK_NS)
    # The Rust tool's schedule: session i starts floor(i*spread/N) ms after the first.
    phase = [i * max(20, a.start_spread_ms) // n for i in range(n)]
    order = sorted(range(n), key=lambda i: (phase[i] % 20, i))
    last_start = max(p // 20 for p in phase)
    first_window = min(max(warm, last_start), ticks - 1)
    late, lateness_max = 0, 0
    t0 = time.monotonic_ns() + CHUNK_NS
    cpu0 = wall0 = None
    cpu = window = 0.0
    for k in range(ticks + last_start):
        if k == first_window:
            cpu0, wall0 = time.process_time(), time.monotonic_ns()
        if k == ticks:
            cpu, window = time.process_time() - cpu0, (time.monotonic_ns() - wall0) / 1e9
        base = t0 + k * CHUNK_NS
        for i in order:
            if not phase[i] // 20 <= k < phase[i] // 20 + ticks:
                continue
            p = peers[i]
            due = base + (phase[i] % 20) * 1_000_000
            now = time.monotonic_ns()
            if due > now:
                await asyncio.sleep((due - now) / 1e9)
            await p.session.send_realtime_input(audio=blob)
            p.chunks += 1
            lag = time.monotonic_ns() - due
            lateness_max = max(lateness_max, lag)
            late += lag > 20_000_000
            if (k + i) % 50 == 0:
                p.pings += 1
                await p.session.send_realtime_input(text=f"ping:{time.monotonic_ns()}")
    if last_start == 0:
        cpu, window = time.process_time() - cpu0, (time.monotonic_ns() - wall0) / 1e9

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not all(
        p.turns >= p.chunks // 50 and p.pongs >= p.pings for p in peers
    ):
        await asyncio.sleep(0.02)
    expected = sum(p.chunks // 50 * ANSWER_BYTES for p in peers)
    received = sum(p.audio_bytes for p in peers)
    lost = sum(max(0, p.chunks // 50 * ANSWER_BYTES - p.audio_bytes) for p in peers)
    rtts = [r for p in peers for r in p.rtts]
    for t in receivers:
        t.cancel()
    for cm in cms:
        try:
            await cm.__aexit__(None, None, None)
        except Exception:
            pass

    report = {
        "peer": "google-genai " + genai.__version__,
        "sessions": n,
        "window_s": window,
        "cpu_s_per_session_minute": cpu / (n * window / 60),
        "core_fraction": cpu / window,
        "chunks_late_over_20ms": late,
        "lateness_max_ms": lateness_max / 1e6,
        "expected_audio_bytes": expected,
        "received_audio_bytes": received,
        "lost_audio_bytes": lost,
        "lost_pongs": sum(max(0, p.pings - p.pongs) for p in peers),
        "rtt_p50_ms": pct(rtts, 50),
        "rtt_p99_ms": pct(rtts, 99),
        "loadavg": open("/proc/loadavg").read().strip(),
    }
    if a.json:
        print(json.dumps(report))
    else:
        for k, v in report.items():
            print(f"{k:<28} {v}")


if __name__ == "__main__":
    asyncio.run(main())
