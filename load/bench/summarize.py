"""Medians of load/bench/results/*.jsonl (written by load/bench/run-all.sh), as a Markdown table."""

import json
import statistics
import sys
from pathlib import Path


def load(path):
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip().startswith("{")]


def med(rows, *keys):
    vals = []
    for r in rows:
        for k in keys:
            r = r.get(k) if isinstance(r, dict) else None
        if isinstance(r, (int, float)):
            vals.append(r)
    return statistics.median(vals) if vals else float("nan")


def main(d):
    d = Path(d)
    print("| sessions | runs | client cores | CPU s / session-min | floor CPU s / session-min | × floor "
          "| RSS KiB / session | late >20 ms | lost bytes | lost pongs | RTT p50 ms | RTT p99 ms "
          "| floor p50 | floor p99 | p50 × floor | p99 × floor | mock cores |")
    print("|" + "---|" * 17)
    rust = {}
    for name in ["n1", "n100", "n1000", "n1000-aligned"]:
        p = d / f"{name}.jsonl"
        if not p.exists():
            continue
        rows = load(p)
        rust[name] = rows
        n = rows[0]["run"]["sessions"]
        label = f"{n} (aligned starts)" if name.endswith("aligned") else f"{n}"
        print(f"| {label} | {len(rows)} | {med(rows,'cpu','client_core_fraction'):.3f} "
              f"| {med(rows,'cpu','client_cpu_s_per_session_minute'):.4f} "
              f"| {med(rows,'floor','cpu_s_per_session_minute'):.4f} "
              f"| {med(rows,'floor','client_cpu_ratio'):.2f} "
              f"| {med(rows,'memory','rss_per_session_kib'):.1f} "
              f"| {max(r['schedule']['chunks_late_over_20ms'] for r in rows)} "
              f"| {max(r['loss']['lost_audio_bytes'] for r in rows)} "
              f"| {max(r['loss']['lost_pongs'] for r in rows)} "
              f"| {med(rows,'rtt','p50_ms'):.3f} | {med(rows,'rtt','p99_ms'):.3f} "
              f"| {med(rows,'floor','p50_ms'):.3f} | {med(rows,'floor','p99_ms'):.3f} "
              f"| {med(rows,'floor','rtt_p50_ratio'):.2f} | {med(rows,'floor','rtt_p99_ratio'):.2f} "
              f"| {med(rows,'cpu','mock_core_fraction'):.3f} |")
    print()
    print("| sessions | client context switches / s | floor context switches / s | driver thread cores |")
    print("|---|---|---|---|")
    for name, rows in rust.items():
        label = f"{rows[0]['run']['sessions']}" + (" (aligned starts)" if name.endswith("aligned") else "")
        print(f"| {label} | {med(rows,'cpu','context_switches_per_s'):.0f} "
              f"| {med(rows,'floor','context_switches_per_s'):.0f} | {med(rows,'cpu','driver_thread_core_fraction'):.3f} |")
    p = d / "python100.jsonl"
    if p.exists():
        rows = load(p)
        py = med(rows, "cpu_s_per_session_minute")
        print()
        print("| peer | sessions | runs | CPU s / session-min | cores | late >20 ms | lost bytes | RTT p50 ms | RTT p99 ms |")
        print("|---|---|---|---|---|---|---|---|---|")
        print(f"| {rows[0]['peer']} | {rows[0]['sessions']} | {len(rows)} | {py:.4f} | {med(rows,'core_fraction'):.3f} "
              f"| {max(r['chunks_late_over_20ms'] for r in rows)} | {max(r['lost_audio_bytes'] for r in rows)} "
              f"| {med(rows,'rtt_p50_ms'):.3f} | {med(rows,'rtt_p99_ms'):.3f} |")
        if "n100" in rust:
            ours = med(rust["n100"], "cpu", "client_cpu_s_per_session_minute")
            print(f"\nPython SDK / gemini-live CPU per session-minute at 100 sessions: {py / ours:.1f}×")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "results")
