#!/usr/bin/env python3
"""How long `fundgap serve` takes to answer a what-if on each shipped site
scenario: from the page's POST of a setting to the run's figures, as the
page sees it (polling every 10 ms), at the page's default trial count.

The what-if is the first national grant withdrawn a year before its last
year (or its only year), as the page's "withdrawn from year" control sends
it. Each scenario is asked ROUNDS times (each a new setting for the same
client, after the previous one finished); the table reports the lowest and
the median, and the engine's own time (the run's elapsed seconds).

    cargo build --release
    python3 scripts/serve-bench.py [--rounds 7] [--bin target/release/fundgap]

Standard library only. Prints a Markdown table for PERFORMANCE.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

SITES = [
    "daejeon-challenge",
    "bucheon-challenge",
    "busan-eco-delta",
    "incheon-challenge",
    "sejong-5-1",
]


def request(url, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    if token:
        req.add_header("X-Fundgap-Token", token)
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as r:
        return r.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--bin", default=os.path.join("target", "release", "fundgap"))
    args = ap.parse_args()
    proc = subprocess.Popen(
        [args.bin, "serve", "--no-open", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        page = request(url).decode()
        token = page.split('name="csrf" content="')[1].split('"')[0]
        print("| scenario | services × years | what-if | trials | answer, lowest (s) | answer, median (s) | engine, lowest (s) | ± (95%, points) |")
        print("|---|---|---|---|---|---|---|---|")
        for site in SITES:
            d = json.loads(request(f"{url}api/scenarios/{site}"))
            streams = [(s, f) for s in d["services"] for f in s["streams"]]
            grant = next(((s, f) for s, f in streams if f["kind"] == "grant"), None)
            if grant:
                s, f = grant
                last = max(f["from"], f["to"] - 1)
                what_if = [f"service.{s['id']}.funding.{f['slug']}.to={last}"]
            else:
                # No grant: the city's appropriation 10% lower, as the
                # page's control sends it.
                s, f, key, x = next(
                    (s, f, k, x)
                    for s, f in streams
                    if f["kind"] == "budget"
                    for k, x in f["numbers"]
                    if k in ("amount", "policy")
                )
                what_if = [f"service.{s['id']}.funding.{f['slug']}.{key}={x * 0.9:.12g}"]
            answers, engine, precision, trials = [], [], 0.0, 0
            for _ in range(args.rounds):
                start = time.perf_counter()
                run = json.loads(
                    request(
                        f"{url}api/runs",
                        token,
                        {"scenario": site, "set": what_if, "client": "bench", "slot": "main"},
                    )
                )
                while True:
                    v = json.loads(request(f"{url}api/runs/{run['id']}"))
                    if v["state"] not in ("queued", "running"):
                        break
                    time.sleep(0.01)
                answers.append(time.perf_counter() - start)
                if v["state"] != "done":
                    sys.exit(f"{site}: {v['state']} {v.get('error', '')}")
                engine.append(v["result"]["elapsed_seconds"])
                precision = v["result"]["precision"]
                trials = v["trials"]
            years = d["end_year"] - d["start_year"] + 1
            print(
                f"| {site} | {len(d['services'])} × {years} | `{what_if[0].removeprefix('service.')}` | {trials:,} | {min(answers):.2f} | "
                f"{statistics.median(answers):.2f} | {min(engine):.2f} | ±{precision * 100:.2f} |"
            )
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
