"""Captures the frames the official Python SDK (google-genai) sends, case by case.

The cases come from the table in tests/conformance.rs (exported by that test as JSON, see
tests/conformance/run.sh): each has a name, a `types.LiveConnectConfig(...)` expression and a
list of `await session.send_...(...)` statements. For each case this program connects the SDK
to a loopback WebSocket peer of its own, which answers `setup` with `{"setupComplete":{}}` and
records every text frame the SDK sends until the SDK closes the connection, and writes them
(verbatim, as the strings on the wire) with the request path:

  {"sdk": "google-genai 3.3.0", "cases": {"<name>": {"path": "/ws/...", "frames": ["{...}", ...]}}}

A case the SDK refuses (ValueError/TypeError from the SDK call) gets `"refused": "<error>"` and
the frames sent before it.

  capture.py --cases target/conformance/cases.json --out target/conformance/sdk.json

Everything the SDK does is its own except where it connects: with an API key it always turns the
base URL into wss://, so the WebSocket base URL is pointed at the plain ws:// loopback peer
(and the SSL context it passes to websockets, which refuses one for ws://, is cleared). The
setup message, the sends and the URL path are built by the SDK unchanged.
"""

import argparse
import asyncio
import base64
import json
import sys

import websockets
from google import genai
from google.genai import types
from google.genai import version as genai_version

DEADLINE = 20.0  # seconds, for every wait


class Peer:
    """The loopback peer: one connection per case, recorded in order."""

    def __init__(self):
        self.connections = asyncio.Queue()

    async def handle(self, ws):
        record = {"path": ws.request.path, "frames": [], "closed": asyncio.Event()}
        await self.connections.put(record)
        try:
            async for frame in ws:
                if isinstance(frame, bytes):
                    record["frames"].append({"binary": base64.b64encode(frame).decode()})
                    continue
                record["frames"].append(frame)
                if len(record["frames"]) == 1 and "setup" in json.loads(frame):
                    await ws.send(json.dumps({"setupComplete": {}}))
        except websockets.ConnectionClosed:
            pass
        finally:
            record["closed"].set()


async def run_case(client, peer, model, case, blobs):
    namespace = {"types": types, **blobs}
    body = "".join(f"    {call}\n" for call in case["calls"]) or "    pass\n"
    exec(f"async def _calls(session):\n{body}", namespace)  # noqa: S102 - the case table is ours
    connected, refused = False, None
    try:
        config = eval(case["config"], namespace)  # noqa: S307
        async with client.aio.live.connect(model=model, config=config) as session:
            connected = True
            await namespace["_calls"](session)
    except (ValueError, TypeError) as e:
        # The SDK refuses the call (e.g. a field the Gemini API does not have): recorded, and
        # compared like a frame difference.
        refused = f"{type(e).__name__}: {e}"
    result = {"path": None, "frames": []}
    if connected:
        record = await asyncio.wait_for(peer.connections.get(), DEADLINE)
        await asyncio.wait_for(record["closed"].wait(), DEADLINE)
        result = {"path": record["path"], "frames": record["frames"]}
    if refused is not None:
        result["refused"] = refused
    return result


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.cases) as f:
        table = json.load(f)
    blobs = {name: base64.b64decode(data) for name, data in table["blobs"].items()}

    peer = Peer()
    async with websockets.serve(peer.handle, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        client = genai.Client(
            api_key=table["api_key"],
            http_options=types.HttpOptions(
                base_url=f"http://127.0.0.1:{port}", api_version=table["api_version"]
            ),
        )
        # With an API key the SDK makes the WebSocket base URL wss:// whatever the scheme
        # given; the loopback peer speaks plain ws://.
        client._api_client._websocket_base_url = lambda *_a, **_k: f"ws://127.0.0.1:{port}"
        client._api_client._websocket_ssl_ctx = {}
        cases = {}
        for case in table["cases"]:
            try:
                cases[case["name"]] = await run_case(client, peer, table["model"], case, blobs)
            except Exception as e:  # name the case, then fail
                print(f"capture: case {case['name']!r} failed: {e!r}", file=sys.stderr)
                raise
    out = {"sdk": f"google-genai {genai_version.__version__}", "cases": cases}
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"capture: {len(cases)} cases from {out['sdk']} -> {a.out}")


if __name__ == "__main__":
    asyncio.run(main())
