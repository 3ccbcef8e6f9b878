"""Medians of load/bench/results/delivery/*.jsonl (load/bench/run-delivery.sh) and issue 13's
targets with verdicts, as Markdown."""

import sys
from pathlib import Path

from summarize import load, med


def rows_of(d, name):
    p = d / f"{name}.jsonl"
    return load(p) if p.exists() else []


def loads(rows):
    return " ".join(r["run"]["loadavg"].split()[0] for r in rows)


def verdict(ok):
    return "met" if ok else "**not met**"


def main(d):
    d = Path(d)
    print("| sessions | delivery | runs | load avg (1 min, per run) | CPU s / session-min | floor | × floor "
          "| context switches / s | floor | library threads | RSS KiB / session | heap KiB / session "
          "| RTT p50 ms | p99 ms | floor p50 | floor p99 | p99 × floor | late >20 ms | lost bytes | order errors |")
    print("|" + "---|" * 20)
    got = {}
    for n in ["n1", "n1000"]:
        for delivery in ["pool", "inline"]:
            rows = rows_of(d, f"{n}-{delivery}")
            if not rows:
                continue
            got[(n, delivery)] = rows
            print(f"| {rows[0]['run']['sessions']} | {delivery} | {len(rows)} | {loads(rows)} "
                  f"| {med(rows,'cpu','client_cpu_s_per_session_minute'):.4f} "
                  f"| {med(rows,'floor','cpu_s_per_session_minute'):.4f} "
                  f"| {med(rows,'floor','client_cpu_ratio'):.2f} "
                  f"| {med(rows,'cpu','context_switches_per_s'):.0f} "
                  f"| {med(rows,'floor','context_switches_per_s'):.0f} "
                  f"| {max(r['memory']['library_threads'] for r in rows)} "
                  f"| {med(rows,'memory','rss_per_session_kib'):.1f} "
                  f"| {med(rows,'memory','heap_per_session_kib'):.1f} "
                  f"| {med(rows,'rtt','p50_ms'):.3f} | {med(rows,'rtt','p99_ms'):.3f} "
                  f"| {med(rows,'floor','p50_ms'):.3f} | {med(rows,'floor','p99_ms'):.3f} "
                  f"| {med(rows,'floor','rtt_p99_ratio'):.2f} "
                  f"| {max(r['schedule']['chunks_late_over_20ms'] for r in rows)} "
                  f"| {max(r['loss']['lost_audio_bytes'] for r in rows)} "
                  f"| {max(r['loss'].get('order_errors', 0) for r in rows)} |")
    big = rows_of(d, "n10000-pings")
    if big:
        print()
        print("| sessions | runs | load avg | library threads | cores | pongs (per run) | lost pongs | order errors "
              "| RSS KiB / session | connect all s | free all s |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        print(f"| 10,000 (pings only) | {len(big)} | {loads(big)} | {max(r['memory']['library_threads'] for r in big)} "
              f"| {big[0]['run']['cores']} | {' '.join(str(r['loss']['pings_sent']) for r in big)} "
              f"| {max(r['loss']['lost_pongs'] for r in big)} | {max(r['loss']['order_errors'] for r in big)} "
              f"| {med(big,'memory','rss_per_session_kib'):.1f} | {med(big,'run','connect_all_s'):.1f} "
              f"| {med(big,'run','free_all_s'):.1f} |")
    print()
    print("Context switches per second by thread at 1,000 sessions (medians):")
    print()
    for delivery in ["pool", "inline"]:
        rows = got.get(("n1000", delivery), [])
        names = sorted({k for r in rows for k in r["cpu"].get("context_switches_per_s_by_thread", {})})
        parts = [f"`{k}` {med(rows, 'cpu', 'context_switches_per_s_by_thread', k):.0f}" for k in names]
        if parts:
            print(f"- {delivery}: " + ", ".join(parts))
    print()
    print("| target | measured | verdict |")
    print("|---|---|---|")
    if ("n1000", "pool") in got:
        for delivery in ["pool", "inline"]:
            rows = got.get(("n1000", delivery), [])
            if rows:
                r = med(rows, "floor", "client_cpu_ratio")
                print(f"| CPU at 1,000 sessions ≤ 1.25 × floor ({delivery}) | {r:.2f} × | {verdict(r <= 1.25)} |")
    threads = [r["memory"]["library_threads"] for rows in got.values() for r in rows] + \
        [r["memory"]["library_threads"] for r in big]
    cores = (big or next(iter(got.values()), [{}]))[0].get("run", {}).get("cores", 2)
    if threads:
        print(f"| threads ≤ 2 × cores + 8 = {2*cores+8} at 1,000 and 10,000 sessions | at most {max(threads)} "
              f"| {verdict(max(threads) <= 2*cores+8)} |")
    for delivery, bound in [("inline", 1.2), ("pool", 1.5)]:
        rows = got.get(("n1", delivery), [])
        if rows:
            r = med(rows, "floor", "rtt_p99_ratio")
            print(f"| RTT p99 at 1 session ≤ {bound} × floor ({delivery}) | {r:.2f} × | {verdict(r <= bound)} |")
    rows = got.get(("n1000", "pool"), [])
    if rows:
        rss = med(rows, "memory", "rss_per_session_kib")
        print(f"| RSS ≤ 64 KiB per session at 1,000 sessions (pool) | {rss:.1f} KiB | {verdict(rss <= 64)} |")
    quiet = [r for rows in got.values() for r in rows if float(r["run"]["loadavg"].split()[0]) < 2]
    if quiet:
        late = max(r["schedule"]["chunks_late_over_20ms"] for r in quiet)
        lost = max(r["loss"]["lost_audio_bytes"] for r in quiet)
        print(f"| no chunk late > 20 ms, nothing lost, load average < 2 ({len(quiet)} runs) "
              f"| {late} late, {lost} bytes lost | {verdict(late == 0 and lost == 0)} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "results" / "delivery")
