"""Pick the inputs of an AFL++ run (out/*/queue) that descend only from the repository's own
fixtures, for `afl-cmin` to minimise into corpus/. A queue entry names its parents
(`src:000012+000345`, `sync:second,src:000070`, `orig:007-mp-sample-metadata.tsv`); anything
with a seed from ../shared (marked `mp-` by seed.sh) among its ancestors is left out, so the
committed corpus holds no copy of the shared data.

Usage: python3 corpus.py out picked/
"""
import os
import re
import shutil
import sys

out, picked = sys.argv[1], sys.argv[2]
queues = {f: os.path.join(out, f, "queue") for f in os.listdir(out) if os.path.isdir(os.path.join(out, f, "queue"))}
names = {f: {} for f in queues}
for fuzzer, queue in queues.items():
    for name in os.listdir(queue):
        m = re.match(r"id:(\d+),", name)
        if m:
            names[fuzzer][m.group(1)] = name

memo = {}


def clean(fuzzer, ident, depth=0):
    key = (fuzzer, ident)
    if key in memo:
        return memo[key]
    name = names.get(fuzzer, {}).get(ident)
    if name is None or depth > 10000:
        return False
    memo[key] = False  # cycles are not clean
    if "orig:" in name:
        ok = "-mp-" not in name
    else:
        src = re.search(r"src:([\d+]+)", name)
        origin = re.search(r"sync:([^,]+)", name)
        parent_fuzzer = origin.group(1) if origin else fuzzer
        ok = bool(src) and all(clean(parent_fuzzer, p, depth + 1) for p in src.group(1).split("+"))
    memo[key] = ok
    return ok


os.makedirs(picked, exist_ok=True)
kept = 0
for fuzzer, ids in names.items():
    for ident, name in ids.items():
        if clean(fuzzer, ident):
            shutil.copy(os.path.join(queues[fuzzer], name), os.path.join(picked, f"{fuzzer}-{ident}"))
            kept += 1
print(f"{kept} of {sum(len(v) for v in names.values())} queue entries descend only from our fixtures")
