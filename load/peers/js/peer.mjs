// The official JS SDK (@google/genai, Node) on the same load as gemini-live-load and the Go
// peers (load/peers/go): N sessions through ai.live.connect against the mock (a separate
// process in load mode), one shared timer loop streaming 640 bytes of 16 kHz PCM16 every
// 20 ms to every session (session i starts floor(i*spread/N) ms after the first) and a
// `ping:<ns>` realtime text once per second per session; each session's onmessage callback
// decodes reply audio (base64, as an application must to play it) and counts it, turnComplete
// and `pong:<ns>` answers. Same figures and JSON as the Go peers (CPU of this process over the
// steady window per session-minute, context switches, threads, RSS per session, lateness,
// loss, RTT).
//
// Pointing the SDK at the mock: httpOptions.baseUrl "http://127.0.0.1:PORT" (the SDK's
// getWebsocketBaseUrl turns http: into ws: and anything else into wss:, so a ws:// base URL
// would be dialled as wss://) with apiVersion "v1beta" and an API key: the SDK dials
// ws://127.0.0.1:PORT//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=...
//
//   node peer.mjs [--sessions N] [--seconds S] [--warmup S] [--start-spread-ms MS] [--ping-hz F]
//                 [--mock-bin PATH | --mock-url ws://HOST:PORT] [--json]
import { GoogleGenAI, Modality } from "@google/genai";
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync, rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const CHUNK_NS = 20_000_000n;
const LATE_NS = 20_000_000;
const ANSWER_BYTES = 48_000;
const MOCK_CONFIG = '{"answer_audio_continuously": true, "audio_chunk_ms": 200}';

const args = { sessions: 10, seconds: 10, warmup: 2, startSpreadMs: 1000, pingHz: 1, mockUrl: "", mockBin: "target/release/gemini-live-mock", json: false };
{
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const v = () => a[++i];
    switch (a[i]) {
      case "--sessions": args.sessions = Number(v()); break;
      case "--seconds": args.seconds = Number(v()); break;
      case "--warmup": args.warmup = Number(v()); break;
      case "--start-spread-ms": args.startSpreadMs = Number(v()); break;
      case "--ping-hz": args.pingHz = Number(v()); break;
      case "--mock-url": args.mockUrl = v(); break;
      case "--mock-bin": args.mockBin = v(); break;
      case "--json": args.json = true; break;
      default: console.error(`unknown argument ${a[i]}`); process.exit(2);
    }
  }
  args.warmup = Math.max(0, Math.min(args.warmup, args.seconds / 2));
}

const nowNs = () => process.hrtime.bigint();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// /proc figures, as load/src/usage.rs.
function cpuSeconds(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 1).trim().split(/\s+/);
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch { return 0; }
}
const rssBytes = () => Number(readFileSync("/proc/self/statm", "utf8").split(/\s+/)[1]) * 4096;
const threads = () => readdirSync("/proc/self/task").length;
function contextSwitches() {
  let total = 0;
  for (const t of readdirSync("/proc/self/task")) {
    try {
      for (const line of readFileSync(`/proc/self/task/${t}/status`, "utf8").split("\n")) {
        const m = /^(?:non)?voluntary_ctxt_switches:\s*(\d+)/.exec(line);
        if (m) total += Number(m[1]);
      }
    } catch { /* thread gone */ }
  }
  return total;
}
const loadavg = () => readFileSync("/proc/loadavg", "utf8").trim();
const pct = (sorted, p) => sorted.length ? Number(sorted[Math.max(1, Math.ceil(p / 100 * sorted.length)) - 1]) / 1e6 : null;

// The mock as a separate process: URL = last word of its first line; "stats" on stdin answers
// one JSON line of counters; closing stdin makes it exit.
async function spawnMock(bin) {
  const dir = mkdtempSync(join(tmpdir(), "gemini-live-js-peer-"));
  const cfg = join(dir, "mock.json");
  writeFileSync(cfg, MOCK_CONFIG);
  const child = spawn(bin, ["--port", "0", "--exit-on-stdin-eof", "--config", cfg], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on("line", (l) => { const w = waiting.shift(); if (w) w(l); });
  const next = () => new Promise((r) => waiting.push(r));
  const first = await Promise.race([next(), new Promise((_, rej) => child.on("error", rej))]);
  const url = first.trim().split(/\s+/).pop();
  if (!url.startsWith("ws://")) throw new Error(`unexpected mock output: ${first}`);
  return {
    url, pid: child.pid,
    async counters() { const p = next(); child.stdin.write("stats\n"); return JSON.parse(await p); },
    async stop() {
      child.stdin.end();
      await Promise.race([new Promise((r) => child.on("exit", r)), sleep(5000).then(() => child.kill())]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const n = args.sessions;
  const rssBase = rssBytes(), threadsBase = threads();
  const mock = args.mockUrl ? null : await spawnMock(args.mockBin);
  const url = args.mockUrl || mock.url;
  const httpBase = url.replace(/^ws:/, "http:");
  const ai = new GoogleGenAI({ apiKey: "load-test", httpOptions: { baseUrl: httpBase, apiVersion: "v1beta" } });

  const peers = [];
  const tConnect = performance.now();
  const connectOne = async () => {
    const p = { audioBytes: 0, turns: 0, pongs: 0, pings: 0, chunks: 0, rtts: [], closed: 0, errors: 0, session: null };
    p.session = await ai.live.connect({
      model: "gemini-live-load",
      config: { responseModalities: [Modality.AUDIO] },
      callbacks: {
        onmessage: (msg) => {
          const now = nowNs();
          const sc = msg.serverContent;
          if (!sc) return;
          for (const part of sc.modelTurn?.parts ?? []) {
            if (part.inlineData?.data) p.audioBytes += Buffer.from(part.inlineData.data, "base64").length;
            else if (part.text?.startsWith("pong:")) { p.pongs++; p.rtts.push(now - BigInt(part.text.slice(5))); }
          }
          if (sc.turnComplete) p.turns++;
        },
        onerror: () => { p.errors++; },
        onclose: () => { p.closed++; },
      },
    });
    return p;
  };
  // A few connections at a time, as the other drivers do.
  for (let i = 0; i < n; i += 4) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 4); j++) batch.push(connectOne());
    peers.push(...(await Promise.all(batch)));
  }
  const connectS = (performance.now() - tConnect) / 1e3;

  const pcm = Buffer.alloc(640);
  for (let i = 0; i < 320; i++) pcm.writeInt16LE(Math.trunc(Math.sin(i * 0.157) * 3000), 2 * i);
  // The SDK's Blob carries base64 text: an application encodes each chunk it sends.
  const ticks = Math.round(args.seconds * 1e9 / 20e6);
  const warm = Math.round(args.warmup * 1e9 / 20e6);
  const pingEvery = Math.max(1, Math.round(1e9 / args.pingHz / 20e6));
  const spread = Math.max(20, args.startSpreadMs);
  const phase = Array.from({ length: n }, (_, i) => Math.floor(i * spread / n));
  const order = [...Array(n).keys()].sort((a, b) => (phase[a] % 20) - (phase[b] % 20) || a - b);
  const lastStart = Math.max(...phase.map((p) => Math.floor(p / 20)));
  const windowFirst = Math.min(Math.max(warm, lastStart), ticks - 1);
  let late = 0, lateMax = 0, sendErrors = 0, sentTotal = 0;
  // Lateness histogram: 10 µs buckets up to 200 ms and one overflow bucket (load/src/stats.rs).
  const hist = new Uint32Array(20_001);
  const mockPid = mock?.pid;
  let w = null, start = null;
  const sample = () => ({ sent: sentTotal, t: nowNs(), cpu: cpuSeconds("self"), mock: mockPid ? cpuSeconds(mockPid) : 0, sw: contextSwitches() });
  const t0 = nowNs() + CHUNK_NS;
  for (let k = 0; k < ticks + lastStart; k++) {
    if (k === windowFirst) start = sample();
    if (k === ticks) w = endWindow(start, sample());
    const base = t0 + BigInt(k) * CHUNK_NS;
    for (const i of order) {
      const first = Math.floor(phase[i] / 20);
      if (k < first || k >= first + ticks) continue;
      const p = peers[i];
      const due = base + BigInt(phase[i] % 20) * 1_000_000n;
      const wait = Number(due - nowNs()) / 1e6;
      if (wait > 0) await sleep(wait);
      try {
        p.session.sendRealtimeInput({ audio: { data: pcm.toString("base64"), mimeType: "audio/pcm;rate=16000" } });
        p.chunks++;
        sentTotal++;
      } catch { sendErrors++; }
      const lag = Number(nowNs() - due);
      hist[Math.min(20_000, Math.max(0, Math.floor(lag / 10_000)))]++;
      if (lag > lateMax) lateMax = lag;
      if (lag > LATE_NS) late++;
      if ((k + i) % pingEvery === 0) {
        try { p.session.sendRealtimeInput({ text: `ping:${nowNs()}` }); p.pings++; } catch { sendErrors++; }
      }
    }
  }
  if (lastStart === 0 || w === null) w = endWindow(start, sample());

  // Drain: until every session has what it is owed, or the mock has nothing queued and
  // everything it sent arrived, or nothing moved for 5 s, or 30 s (5 s without mock counters).
  const expected = peers.reduce((s, p) => s + Math.floor(p.chunks / 50) * ANSWER_BYTES, 0);
  const pingsOwed = peers.reduce((s, p) => s + p.pings, 0);
  const tDrain = performance.now();
  let end = "", m = null, mockErr = null, lastMove = performance.now(), lastAudio = -1, lastSent = -1;
  const received = () => peers.reduce((s, p) => s + p.audioBytes, 0);
  const pongs = () => peers.reduce((s, p) => s + p.pongs, 0);
  for (;;) {
    if (mock) { try { m = await mock.counters(); } catch (e) { mockErr = String(e); } }
    const audio = received(), el = (performance.now() - tDrain) / 1e3;
    if (audio !== lastAudio || (m && m.output_audio_bytes !== lastSent)) { lastAudio = audio; lastSent = m?.output_audio_bytes; lastMove = performance.now(); }
    const queued = m && (m.answers_queued * ANSWER_BYTES > m.output_audio_bytes || m.answers_queued > m.turns_completed);
    if (peers.every((p) => p.turns >= Math.floor(p.chunks / 50) && p.pongs >= p.pings)) end = "complete";
    else if (m && !queued && m.output_audio_bytes <= audio && pongs() >= pingsOwed && (m.answers_queued + m.answers_skipped) * ANSWER_BYTES >= expected) end = "settled";
    else if (m && !queued && (performance.now() - lastMove) / 1e3 >= 5) end = "stalled";
    else if (el >= (mock ? 30 : 5)) end = "bound";
    if (end) break;
    await sleep(100);
  }
  const drainS = (performance.now() - tDrain) / 1e3;
  const got = received();
  const skipped = m ? m.answers_skipped * ANSWER_BYTES : 0;
  const lost = Math.max(0, expected - got - skipped);
  const lostPongs = Math.max(0, pingsOwed - pongs());
  const closedEarly = peers.reduce((s, p) => s + p.closed, 0);
  const errs = peers.reduce((s, p) => s + p.errors, 0);
  const rtts = peers.flatMap((p) => p.rtts).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const tFree = performance.now();
  for (const p of peers) { try { p.session.close(); } catch { /* already closed */ } }
  const freeS = (performance.now() - tFree) / 1e3;
  await sleep(200);
  if (mock) await mock.stop();

  const version = JSON.parse(readFileSync(new URL("./node_modules/@google/genai/package.json", import.meta.url), "utf8")).version;
  const sessionMinutes = n * w.secs / 60;
  const chunks = peers.reduce((s, p) => s + p.chunks, 0);
  const verdict = lost === 0 && skipped === 0 ? "nothing lost" : lost === 0 ? "nothing lost by the client; the mock skipped answers (it fell behind)" : "audio lost or not delivered";
  const report = {
    peer: `@google/genai ${version} (Node ${process.versions.node})`,
    sessions: n,
    window_s: w.secs,
    cpu_s_per_session_minute: w.cpu / sessionMinutes,
    core_fraction: w.cpu / w.secs,
    chunks_late_over_20ms: late,
    lateness_max_ms: lateMax / 1e6,
    expected_audio_bytes: expected,
    received_audio_bytes: got,
    lost_audio_bytes: lost,
    lost_pongs: lostPongs,
    rtt_p50_ms: pct(rtts, 50),
    rtt_p99_ms: pct(rtts, 99),
    loadavg: loadavg(),
    run: { sessions: n, seconds: args.seconds, start_spread_ms: args.startSpreadMs, codec: "pcm", audio_bytes_unit: "24 kHz PCM16 bytes", window_s: w.secs, connect_all_s: connectS, free_all_s: freeS, mock: mock ? "spawned" : "external", loadavg: loadavg(), client: "js", node: process.versions.node, sender: "one shared timer loop" },
    cpu: { client_cpu_s_per_session_minute: w.cpu / sessionMinutes, client_core_fraction: w.cpu / w.secs, context_switches_per_s: w.switches / w.secs, cpu_s_per_sent_audio_minute: w.cpu / (w.sent * 0.02 / 60), chunks_sent_in_window: w.sent, mock_core_fraction: mock ? w.mockCpu / w.secs : null },
    memory: { rss_baseline_kib: Math.floor(rssBase / 1024), rss_steady_kib: Math.floor(w.rss / 1024), rss_per_session_kib: Math.max(0, w.rss - rssBase) / n / 1024, threads_baseline: threadsBase, threads_steady: w.threads },
    schedule: { chunks_sent: chunks, send_errors: sendErrors, chunks_late_over_20ms: late, lateness_p50_ms: histPct(hist, 50, lateMax), lateness_p99_ms: histPct(hist, 99, lateMax), lateness_max_ms: lateMax / 1e6 },
    loss: { verdict, expected_audio_bytes: expected, received_audio_bytes: got, shortfall_audio_bytes: Math.max(0, expected - got), skipped_by_mock_audio_bytes: skipped, lost_audio_bytes: lost, pings_sent: pingsOwed, lost_pongs: lostPongs, error_events: errs, closed_early: closedEarly },
    drain: { end, at_s: drainS, bound_s: 30, mock_counters_error: mockErr },
    rtt: { samples: rtts.length, p50_ms: pct(rtts, 50), p99_ms: pct(rtts, 99), max_ms: pct(rtts, 100) },
  };
  if (args.json) console.log(JSON.stringify(report));
  else for (const [k, v] of Object.entries(report)) console.log(`${k.padEnd(26)} ${JSON.stringify(v)}`);
  process.exit(lost === 0 && lostPongs === 0 && sendErrors === 0 && closedEarly === 0 ? 0 : 1);
}

function histPct(h, p, max) {
  const count = h.reduce((a, b) => a + b, 0);
  if (!count) return null;
  const rank = Math.max(1, Math.ceil(p / 100 * count));
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i];
    if (seen >= rank) return i === h.length - 1 ? max / 1e6 : (i + 1) * 10_000 / 1e6;
  }
  return max / 1e6;
}

function endWindow(s, e) {
  return { sent: e.sent - s.sent, secs: Number(e.t - s.t) / 1e9, cpu: e.cpu - s.cpu, mockCpu: e.mock - s.mock, switches: e.sw - s.sw, rss: rssBytes(), threads: threads() };
}

main().catch((e) => { console.error("js peer:", e); process.exit(2); });
