#!/usr/bin/python3
# Turns the CSV lines of one side-by-side run (merezha-bench, torch-bench, torch_bench.py) into
# bench/RESULTS.md: the machine, a summary against the targets, one table per workload
# and thread count with merezha/peer ratios, and the raw lines. Called by bench/side_by_side.sh:
#   make_results.py RAW_CSV_FILE > bench/RESULTS.md    (machine facts come in MZ_RESULTS_* env)
import os
import statistics
import sys
from collections import OrderedDict

FIELDS = ["workload", "library", "threads", "metric", "unit", "median", "min", "max", "n",
          "accuracy", "notes"]
HIGHER_IS_BETTER = {"GFLOP/s", "samples/s", "steps/s"}
OPENBLAS = "OpenBLAS (cblas_sgemm direct)"

# (workload, metric prefix, peer library prefix, bound, direction) from the issues' acceptance:
# the foundation issue (W0, W1, W3 MLP, W4) and the deep-layers issue (W2, W3 CNN, W5).
TARGETS = [
    ("W0", "sgemm_n", "OpenBLAS", 0.95, ">="),
    ("W1", "train_samples_per_s", "libtorch", 1.2, ">="),
    ("W2", "train_samples_per_s", "libtorch", 1.5, ">="),
    ("W3", "mlp_fwd_b1", "libtorch", 0.33, "<="),
    ("W3", "mlp_fwd_b64", "libtorch", 1.0, "<="),
    ("W3", "cnn_fwd_b1", "libtorch", 0.3, "<="),
    ("W3", "cnn_fwd_b64", "libtorch", 0.7, "<="),
    ("W4", "train_1000_epochs", "libtorch", 0.2, "<="),
    ("W5", "train_steps_per_s", "pytorch", 1.2, ">="),
]


def parse(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("CSV,"):
                continue
            parts = line[4:].split(",", len(FIELDS) - 1)
            if len(parts) != len(FIELDS):
                continue
            row = dict(zip(FIELDS, parts))
            for key in ("median", "min", "max"):
                row[key] = float(row[key])
            # merezha-bench prints cblas_sgemm called directly as its own W0 rows.
            if row["metric"].startswith("openblas_"):
                row["metric"] = row["metric"][len("openblas_"):]
                row["library"] = OPENBLAS
            rows.append(row)
    return rows


def fmt(value, unit):
    if unit == "samples/s":
        return f"{value:,.0f}"
    if unit == "s":
        return f"{value:.4f}"
    return f"{value:.2f}"


def ratio(mine, peer, unit):
    r = mine["median"] / peer["median"] if peer["median"] else float("nan")
    better = r >= 1 if unit in HIGHER_IS_BETTER else r <= 1
    return f"{r:.2f}×" + ("" if better else " ✗")


def table(rows, workload, threads):
    sel = [r for r in rows if r["workload"] == workload and r["threads"] == threads]
    if not sel:
        return ""
    order = ["merezha", "OpenBLAS", "libtorch", "pytorch"]
    libraries = sorted(OrderedDict.fromkeys(r["library"] for r in sel),
                       key=lambda lib: next((i for i, o in enumerate(order) if lib.startswith(o)),
                                            len(order)))
    mine = [lib for lib in libraries if lib.startswith("merezha")]
    peers = [lib for lib in libraries if not lib.startswith("merezha")]
    metrics = list(OrderedDict.fromkeys(r["metric"] for r in sel))
    by = {(r["metric"], r["library"]): r for r in sel}
    head = ["metric (unit)"] + [f"{lib} median (min–max)" for lib in libraries]
    head += [f"{m.split('-')[0]}/{p.split(' ')[0]}" for m in mine for p in peers]
    out = [f"### {workload}, {threads} thread{'s' if threads != '1' else ''}", "",
           "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    accuracy_lines = []
    for metric in metrics:
        unit = next(r["unit"] for r in sel if r["metric"] == metric)
        cells = [f"{metric} ({unit})"]
        for lib in libraries:
            r = by.get((metric, lib))
            cells.append("–" if r is None else
                         f"{fmt(r['median'], unit)} ({fmt(r['min'], unit)}–{fmt(r['max'], unit)})")
            if r is not None and r["accuracy"]:
                accuracy_lines.append(f"- {lib}, {metric}: {r['accuracy'].replace(';', ', ')}")
        for m in mine:
            for p in peers:
                a, b = by.get((metric, m)), by.get((metric, p))
                cells.append("–" if a is None or b is None else ratio(a, b, unit))
        out.append("| " + " | ".join(cells) + " |")
    if accuracy_lines:
        out += [""] + accuracy_lines
    return "\n".join(out) + "\n"


def summary(rows):
    out = ["| workload | metric | threads | merezha | peer | peer value | ratio | target | met |",
           "|---|---|---|---|---|---|---|---|---|"]
    for workload, prefix, peer_prefix, bound, op in TARGETS:
        for r in rows:
            if (r["workload"] != workload or not r["metric"].startswith(prefix)
                    or not r["library"].startswith("merezha")):
                continue
            peer = next((p for p in rows if p["workload"] == workload
                         and p["metric"] == r["metric"] and p["threads"] == r["threads"]
                         and p["library"].startswith(peer_prefix)), None)
            if peer is None:
                continue
            value = r["median"] / peer["median"]
            met = value >= bound if op == ">=" else value <= bound
            out.append(f"| {workload} | {r['metric']} | {r['threads']} | "
                       f"{fmt(r['median'], r['unit'])} {r['unit']} | {peer['library']} | "
                       f"{fmt(peer['median'], peer['unit'])} | {value:.2f}× | {op} {bound}× | "
                       f"{'yes' if met else '**no**'} |")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: make_results.py RAW_CSV_FILE")
    rows = parse(argv[1])
    env = os.environ.get
    print("# merezha side by side with libtorch and PyTorch\n")
    print("Written by `bench/side_by_side.sh` (do not edit by hand; rerun it). Workload "
          "definitions: `bench/README.md` and BENCHMARKS.md. Ratios are merezha / peer on the "
          "medians: for GFLOP/s and samples/s above 1 is better, for µs and s below 1 is better; "
          "✗ marks a ratio where merezha is behind.\n")
    print(f"- date: {env('MZ_RESULTS_DATE', '?')}")
    print(f"- machine: {env('MZ_RESULTS_CPU', '?')}, {env('MZ_RESULTS_CORES', '?')} cores, "
          f"{env('MZ_RESULTS_MEM', '?')}")
    print(f"- versions: {env('MZ_RESULTS_VERSIONS', '?')}")
    print(f"- environment: {env('MZ_RESULTS_ENV', '?')}")
    print(f"- mode: {env('MZ_RESULTS_MODE', '?')}\n")
    print("## Against the issues' targets\n")
    print(summary(rows))
    floor = env("MZ_RESULTS_FLOOR")
    if floor:  # machine-floor's FLOOR lines: what one core can do at best on W3's MLP, batch 1
        f = dict(line.split(",")[1:4:2] for line in floor.splitlines() if line.startswith("FLOOR,"))
        print(f"W3 MLP batch 1 cannot beat this core's floor (`machine-floor`, bench/floor/): "
              f"its {f.get('mlp_weights', '?')} bytes of float32 weights stream from L2 at "
              f"{f.get('stream_bandwidth', '?')} GB/s in {f.get('mlp_b1_read_weights', '?')} us, "
              f"and its multiply-adds take {f.get('mlp_b1_multiply_adds', '?')} us at "
              f"{f.get('vector_fma_rate', '?')} G vector FMAs/s: at least "
              f"**{f.get('mlp_fwd_b1', '?')} us** before any framework work.\n")
    workloads = list(OrderedDict.fromkeys(r["workload"] for r in rows))
    threads = sorted(OrderedDict.fromkeys(r["threads"] for r in rows), key=int)
    print("## Tables\n")
    for w in workloads:
        for t in threads:
            text = table(rows, w, t)
            if text:
                print(text)
    print("## Raw CSV\n")
    print("```")
    print(",".join(["CSV"] + FIELDS))
    with open(argv[1]) as f:
        for line in f:
            if line.startswith("CSV,"):
                print(line.rstrip())
    print("```")


if __name__ == "__main__":
    main(sys.argv)
