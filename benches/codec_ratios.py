"""Ratios of the codec benchmarks (criterion's median estimates under target/criterion):
library encode / bare base64 encode, library decode-to-events / bare base64 decode."""

import json
import os
import sys
from pathlib import Path

root = Path(os.environ.get("CARGO_TARGET_DIR", Path(__file__).resolve().parent.parent / "target")) / "criterion"


def median_ns(group, fn):
    return json.loads((root / group / fn / "new" / "estimates.json").read_text())["median"]["point_estimate"]


rows = [
    ("encode_audio_20ms", "library", "floor_base64", 1.5),
    ("encode_audio_100ms", "library", "floor_base64", 1.5),
    ("decode_audio_240ms", "library_to_events", "floor_base64", 2.0),
]
out = {}
for group, lib, floor, target in rows:
    a, b = median_ns(group, lib), median_ns(group, floor)
    out[group] = {"library_ns": round(a, 1), "base64_ns": round(b, 1), "ratio": round(a / b, 3), "target": target}
print(json.dumps(out) if "--json" in sys.argv else "\n".join(f"{k}: {v}" for k, v in out.items()))
