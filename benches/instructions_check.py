"""Compares instruction counts with the committed baseline (scripts/check-instructions.sh).

Usage: instructions_check.py COUNTS BASELINE RUSTC [--update]
COUNTS has one line per op: name, instructions collected, calls measured. Prints a table;
exits 1 if an op costs more than TOLERANCE above its baseline or has none. --update writes
the measured figures to BASELINE instead of judging them.
"""

import json
import sys
from pathlib import Path

# The regression the issue (13, item 6) asks the check to catch.
TOLERANCE = 0.20

NOTE = (
    "Instructions per call of each op of benches/instructions.rs, counted by callgrind; "
    "bash scripts/check-instructions.sh fails when an op costs more than 20% above its figure "
    "here. Another rustc or dependency version can shift the counts by itself: after such an "
    "upgrade, or a change meant to cost more, refresh with "
    "`bash scripts/check-instructions.sh --update` and commit this file with that change."
)


def main(counts_path, baseline_path, rustc, update):
    now = {}
    for line in Path(counts_path).read_text().splitlines():
        name, total, calls = line.split()
        now[name] = round(int(total) / int(calls))
    baseline_file = Path(baseline_path)
    baseline = json.loads(baseline_file.read_text()) if baseline_file.exists() else {"ops": {}}
    old = baseline["ops"]

    print(f"{'op':<24}{'baseline':>12}{'now':>12}{'ratio':>8}  verdict")
    failed = False
    for name, ir in now.items():
        base = old.get(name)
        if base is None:
            ratio, verdict = "", "no baseline"
            failed = True
        else:
            r = ir / base
            ratio = f"{r:.3f}"
            if r > 1 + TOLERANCE:
                verdict, failed = f"FAIL: above +{TOLERANCE:.0%}", True
            elif r < 1 - TOLERANCE:
                verdict = "ok, much cheaper: consider --update"
            else:
                verdict = "ok"
        print(f"{name:<24}{base if base is not None else '-':>12}{ir:>12}{ratio:>8}  {verdict}")
    for name in old.keys() - now.keys():
        print(f"{name:<24}{old[name]:>12}{'-':>12}{'':>8}  op gone: run --update")

    if update:
        baseline_file.write_text(
            json.dumps({"note": NOTE, "rustc": rustc, "ops": now}, indent=2, ensure_ascii=False) + "\n"
        )
        print(f"wrote {baseline_path}")
        return 0
    if baseline.get("rustc") not in (None, rustc):
        print(f"note: the baseline was measured with {baseline['rustc']}, this is {rustc}")
    if failed:
        print("instruction counts: FAILED (see the baseline's note to refresh it)")
        return 1
    print("instruction counts: ok")
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--update"]
    sys.exit(main(*args, update="--update" in sys.argv[1:]))
