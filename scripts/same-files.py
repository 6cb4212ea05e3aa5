#!/usr/bin/env python3
"""Compares two fundgap output directories file by file, byte for byte,
except summary.json's execution fields (elapsed_seconds, threads), which a
merge adds up over its shards. Used by slurm-test.sh and k8s-check.sh.

    scripts/same-files.py SINGLE_DIR MERGED_DIR    # exit 0: identical
"""
import json
import os
import sys


def read(d, name):
    data = open(os.path.join(d, name), "rb").read()
    if name == "summary.json":
        j = json.loads(data)
        j["elapsed_seconds"] = j["threads"] = None
        data = json.dumps(j).encode()
    return data


a, b = sys.argv[1], sys.argv[2]
fa, fb = sorted(os.listdir(a)), sorted(os.listdir(b))
if fa != fb:
    sys.exit(f"different files: {sorted(set(fa) ^ set(fb))}")
bad = [n for n in fa if read(a, n) != read(b, n)]
if bad:
    sys.exit(f"{len(bad)} files differ: {bad}")
print(f"identical: {len(fa)} files ({a} and {b})")
