"""Medians of a load/bench/run-peers.sh series (DIR/<client>-n<N>.jsonl), as Markdown tables:
per session count, each client's CPU per session-minute, memory per session and round trip,
with ratios to the C ABI (gemini-live-load) and to the floor (its --floor run)."""

import json
import re
import statistics
import sys
from pathlib import Path

CLIENTS = [("capi", "gemini-live C ABI (gemini-live-load)"), ("binding", "gemini-live Go binding"),
           ("binding-shared", "gemini-live Go binding, one sender goroutine"),
           ("genai", "Go SDK google.golang.org/genai"), ("js", "JS SDK @google/genai")]


def load(path):
    rows = []
    if not path.exists():  # a client left out, or every run of it killed by its timeout
        return rows
    for line in path.read_text().splitlines():
        if line.strip().startswith("{"):
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
    return rows


def get(r, *keys):
    for k in keys:
        r = r.get(k) if isinstance(r, dict) else None
    return r if isinstance(r, (int, float)) and not isinstance(r, bool) else None


def med(rows, *keys):
    vals = [v for v in (get(r, *keys) for r in rows) if v is not None]
    return statistics.median(vals) if vals else None


def worst(rows, *keys):
    vals = [v for v in (get(r, *keys) for r in rows) if v is not None]
    return max(vals) if vals else None


def f(x, d=3):
    return "–" if x is None else f"{x:,.{d}f}"


def ratio(a, b):
    return "–" if a is None or not b else f"{a / b:.2f}"


def main(d):
    d = Path(d)
    counts = sorted({int(m.group(1)) for p in d.glob("*-n*.jsonl") if (m := re.search(r"-n(\d+)\.jsonl$", p.name))})
    for n in counts:
        data = {c: load(d / f"{c}-n{n}.jsonl") for c, _ in CLIENTS}
        capi = data["capi"]
        base_cpu = med(capi, "cpu", "client_cpu_s_per_session_minute")
        base_rss = med(capi, "memory", "rss_per_session_kib")
        base_p50, base_p99 = med(capi, "rtt", "p50_ms"), med(capi, "rtt", "p99_ms")
        fl_cpu = med(capi, "floor", "cpu_s_per_session_minute")
        fl_p50, fl_p99 = med(capi, "floor", "p50_ms"), med(capi, "floor", "p99_ms")
        print(f"### {n} sessions\n")
        print("| client | runs | CPU s / session-min | cores | × C ABI | × floor | CPU s / min of audio sent¹ | RSS KiB / session | × C ABI "
              "| RTT p50 ms | × C ABI | × floor | RTT p99 ms | × C ABI | × floor | ctx switches / s | threads "
              "| late > 20 ms (worst run) | lost bytes (worst) | lost pongs (worst) | skipped by mock MB (worst) | mock cores | load avg at end |")
        print("|" + "---|" * 23)
        for c, label in CLIENTS:
            rows = data[c]
            if not rows:
                continue
            cpu = med(rows, "cpu", "client_cpu_s_per_session_minute")
            rss = med(rows, "memory", "rss_per_session_kib")
            p50, p99 = med(rows, "rtt", "p50_ms"), med(rows, "rtt", "p99_ms")
            skipped = worst(rows, "loss", "skipped_by_mock_audio_bytes")
            loads = [float(str(r.get("run", {}).get("loadavg", "nan")).split()[0]) for r in rows]
            print(f"| {label} | {len(rows)} | {f(cpu, 4)} | {f(med(rows, 'cpu', 'client_core_fraction'))} "
                  f"| {ratio(cpu, base_cpu)} | {ratio(cpu, fl_cpu)} | {f(med(rows, 'cpu', 'cpu_s_per_sent_audio_minute'), 4)} | {f(rss, 1)} | {ratio(rss, base_rss)} "
                  f"| {f(p50)} | {ratio(p50, base_p50)} | {ratio(p50, fl_p50)} "
                  f"| {f(p99)} | {ratio(p99, base_p99)} | {ratio(p99, fl_p99)} "
                  f"| {f(med(rows, 'cpu', 'context_switches_per_s'), 0)} | {f(med(rows, 'memory', 'threads_steady'), 0)} "
                  f"| {f(worst(rows, 'schedule', 'chunks_late_over_20ms'), 0)} | {f(worst(rows, 'loss', 'lost_audio_bytes'), 0)} "
                  f"| {f(worst(rows, 'loss', 'lost_pongs'), 0)} | {f(None if skipped is None else skipped / 1e6, 1)} "
                  f"| {f(med(rows, 'cpu', 'mock_core_fraction'))} | {min(loads):.2f}–{max(loads):.2f} |")
        if capi and fl_cpu is not None:
            print(f"| floor (no library; gemini-live-load --floor) | {len(capi)} | {f(fl_cpu, 4)} "
                  f"| {f(med(capi, 'floor', 'core_fraction'))} | {ratio(fl_cpu, base_cpu)} | 1.00 | – | – | – "
                  f"| {f(fl_p50)} | {ratio(fl_p50, base_p50)} | 1.00 | {f(fl_p99)} | {ratio(fl_p99, base_p99)} | 1.00 "
                  f"| {f(med(capi, 'floor', 'context_switches_per_s'), 0)} | – | – | – "
                  f"| {f(worst(capi, 'floor', 'lost_pongs'), 0)} | – | – | – |")
        print("\n¹ CPU over the window per minute of audio the client actually sent in it (the Go and JS "
              "peers): equal to the figure per session-minute while the sends keep their schedule, higher "
              "when a client starved of CPU falls behind and does less work in the window.\n")
        for c, _ in CLIENTS:
            for r in data[c]:
                peer = r.get("peer") or "gemini-live C ABI"
                print(f"<!-- {c} n={n}: {peer}; loss: {r.get('loss', {}).get('verdict')}; drain: {r.get('drain', {}).get('end')} -->")
        print()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "results" / "peers")
