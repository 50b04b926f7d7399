"""C1 (BENCHMARKS.md) through merezha.neurolab and through real neurolab 0.3.5: the same
Python calls, timed on one thread, with seconds and the speed-up per workload; with --cpp,
also the C++ API (merezha-bench c1, bench/c1_classic.cpp) on the same data, in the same run.

    PYTHONPATH=<build>/python build/pyenv/bin/python bench/c1_neurolab.py
        [--neurolab-python /work/venvs/neurolab/bin/python] [--repeat 3] [--only newff_gd,...]
        [--cpp <build>/bin/merezha-bench]

Time merezha from a Release build (pip install . or a -DCMAKE_BUILD_TYPE=Release tree): a
Debug build is several times slower. neurolab runs in its own venv (it needs NumPy < 2), in a
child process started with ``--side neurolab``; its newlvq is patched to master's (0.3.5
crashes on NumPy >= 1.12), which changes no timing. The data are the formulas of
bench/c1_classic.cpp (a hash-based uniform draw), goal = -1 so every epoch runs.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = ["newff_gd", "newff_rprop", "newff_bfgs", "newc_cwta", "newc_wta", "newlvq_lvq",
             "newelm_gdx", "newhop_build", "newhop_recall", "newp_delta"]


def uniform(i, s):
    """c1_classic.cpp's deterministic uniform draw in [0, 1) for indices i, stream s."""
    m = np.uint64(0xFFFFFFFFFFFFFFFF)
    with np.errstate(over="ignore"):
        z = (np.asarray(i, np.uint64) * np.uint64(0x9E3779B97F4A7C15) +
             np.uint64(s) * np.uint64(0xBF58476D1CE4E5B9) + np.uint64(0x94D049BB133111EB)) & m
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def points(n, stream):
    return (2 * uniform(np.arange(2 * n), stream) - 1).reshape(n, 2)


def workloads(nl):
    """name -> a function running the workload once (the timed part)."""
    n = 1000
    x = points(n, 1)
    y = (0.5 * np.sin(np.pi * x[:, 0]) * np.cos(np.pi * x[:, 1])).reshape(n, 1)
    c = points(n, 2)
    lvq_t = np.zeros((n, 2))
    lvq_t[:, 0] = c[:, 0] * c[:, 1] > 0
    lvq_t[:, 1] = 1 - lvq_t[:, 0]
    seq = np.sin(np.linspace(0, 20 * np.pi, n)).reshape(n, 1)
    seq_t = 0.5 * np.cos(np.linspace(0, 20 * np.pi, n)).reshape(n, 1)
    pats = np.where(uniform(np.arange(20 * 400), 3).reshape(20, 400) < 0.5, -1.0, 1.0)
    flips = uniform(np.arange(2000 * 400), 4).reshape(2000, 400) < 0.15
    probes = pats[np.arange(2000) % 20] * np.where(flips, -1.0, 1.0)
    xp = points(n, 5)
    xp = np.hstack([xp, xp[:, :1] * xp[:, 1:]])
    tp = (xp @ [1.0, -2.0, 0.5] > 0.1).astype(float).reshape(n, 1)
    state = {}

    def ff(trainer, **kw):
        def run():
            np.random.seed(0)
            net = nl.net.newff([[-1, 1], [-1, 1]], [10, 1])
            net.trainf = getattr(nl.train, trainer)
            net.train(x, y, epochs=500, show=0, goal=-1, **kw)
        return run

    def comp(trainer):
        def run():
            np.random.seed(0)
            net = nl.net.newc([[-1, 1], [-1, 1]], 10)
            net.trainf = getattr(nl.train, trainer)
            net.train(c, epochs=500, show=0, goal=-1)
        return run

    def lvq():
        np.random.seed(0)
        net = nl.net.newlvq([[-1, 1], [-1, 1]], 20, [0.5, 0.5])
        net.layers[0].np["w"][:] = np.random.uniform(-1, 1, (20, 2))
        net.train(c, lvq_t, epochs=100, show=0, goal=-1)

    def elm():
        np.random.seed(0)
        net = nl.net.newelm([[-1, 1]], [10, 1], [nl.trans.TanSig(), nl.trans.PureLin()])
        net.layers[0].initf = nl.init.InitRand([-0.1, 0.1], "wb")
        net.layers[1].initf = nl.init.InitRand([-0.1, 0.1], "wb")
        net.init()
        net.train(seq, seq_t, epochs=100, show=0, goal=-1, lr=2e-4)

    def hop_build():
        state["hop"] = nl.net.newhop(pats)

    def hop_recall():
        if "hop" not in state:
            hop_build()
        state["recalled"] = state["hop"].sim(probes)  # the workload is the recall alone

    def newp():
        net = nl.net.newp([[-1, 1]] * 3, 1)
        net.train(xp, tp, epochs=100, show=0, goal=-1, lr=0.01)

    return {"newff_gd": ff("train_gd", lr=5e-4), "newff_rprop": ff("train_rprop"),
            "newff_bfgs": ff("train_bfgs"), "newc_cwta": comp("train_cwta"),
            "newc_wta": comp("train_wta"), "newlvq_lvq": lvq, "newelm_gdx": elm,
            "newhop_build": hop_build, "newhop_recall": hop_recall, "newp_delta": newp}


def time_side(nl, names, repeat):
    """name -> median seconds of `repeat` runs."""
    runs = workloads(nl)
    result = {}
    for name in names:
        seconds = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            runs[name]()
            seconds.append(time.perf_counter() - t0)
        result[name] = float(np.median(seconds))
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--side", choices=["both", "merezha", "neurolab"], default="both")
    ap.add_argument("--neurolab-python", default="/work/venvs/neurolab/bin/python")
    ap.add_argument("--repeat", type=int, default=3, help="runs per merezha workload (median)")
    ap.add_argument("--neurolab-repeat", type=int, default=1)
    ap.add_argument("--only", default=",".join(WORKLOADS))
    ap.add_argument("--cpp", help="a merezha-bench to time the C++ API too (c1, one thread)")
    args = ap.parse_args()
    names = [n for n in args.only.split(",") if n]
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if args.side == "neurolab":
        sys.path.insert(0, os.path.join(HERE, "..", "python", "tests", "neurolab"))
        import run_with_neurolab  # noqa: F401  (master's newlvq; 0.3.5's crashes)
        import neurolab
        json.dump(time_side(neurolab, names, args.repeat), sys.stdout)
        return
    import merezha.neurolab as mnl
    ours = time_side(mnl, names, args.repeat)
    if args.side == "merezha":
        for name in names:
            print("%-14s %9.4f s" % (name, ours[name]))
        return
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", PYTHONPATH="")
    run = subprocess.run([args.neurolab_python, os.path.abspath(__file__), "--side", "neurolab",
                          "--repeat", str(args.neurolab_repeat), "--only", ",".join(names)],
                         capture_output=True, text=True, env=env)
    if run.returncode != 0:
        sys.exit("neurolab side failed:\n" + run.stderr)
    theirs = json.loads(run.stdout)
    cpp = {}
    if args.cpp:
        out = subprocess.run([args.cpp, "c1"], capture_output=True, text=True, check=True,
                             env=dict(os.environ, BENCH_THREADS="1")).stdout
        for line in out.splitlines():  # CSV,c1,merezha-V,threads,metric,unit,median,...
            f = line.split(",")
            if len(f) > 6 and f[0] == "CSV" and f[1] == "c1":
                cpp[f[4]] = float(f[6])
    if cpp:
        print("| workload | neurolab 0.3.5 s | merezha.neurolab s | speed-up | merezha C++ s "
              "| speed-up |")
        print("|---|---:|---:|---:|---:|---:|")
    else:
        print("| workload | neurolab 0.3.5 s | merezha.neurolab s | speed-up |")
        print("|---|---:|---:|---:|")
    for name in names:
        row = "| %s | %.3f | %.4f | %.0fx |" % (name, theirs[name], ours[name],
                                              theirs[name] / ours[name])
        if cpp:
            row += " %.4f | %.0fx |" % (cpp[name], theirs[name] / cpp[name])
        print(row)

if __name__ == "__main__":
    main()
