#!/usr/bin/env python3
"""Prints the docs/QUALITY.md tables from results files written by
`qsearch eval FILE --mode M --results R` (scored with ../shared/eval/score.py).

    scripts/quality-tables.py DEV_PREFIX OOS_PREFIX   # e.g. /tmp/r-dev- /tmp/r-oos-
"""
import json, subprocess, sys

dev, oos = sys.argv[1], sys.argv[2]
modes = ["bm25", "semantic", "hybrid"]

def summary(results, judgments):
    out = subprocess.run(["python3", "../shared/eval/score.py", judgments, results, "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["summary"]

S = {m: summary(f"{dev}{m}.jsonl", "../shared/eval/dev.jsonl") for m in modes}
O = {m: summary(f"{oos}{m}.jsonl", "../shared/eval/dev-oos.jsonl") for m in modes}
kinds = sorted(k for k in S["hybrid"] if k != "ALL") + ["ALL"]
def cell(d):
    f = lambda k: f"{d[k]:.3f}" if k in d else "–"
    return f"{f('ndcg')} / {f('recall')} / {f('mrr')} / {f('dept')}"
print("| kind | n | bm25 | semantic | hybrid (default) |\n|---|---:|---|---|---|")
for k in kinds:
    name = "**ALL**" if k == "ALL" else k
    print(f"| {name} | {S['hybrid'][k]['n']} | " + " | ".join(cell(S[m][k]) for m in modes) + " |")
print()
print("abstain_wrongly (covered who-questions left without a department): "
      + ", ".join(f"{m} {S[m]['ALL'].get('abstain_wrongly', 0):.3f}" for m in modes))
print()
print("| mode | abstain (dev-oos) |\n|---|---|")
for m in modes:
    print(f"| {m} | {O[m]['ALL']['abstain']:.3f} |")
