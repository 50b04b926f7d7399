"""onnxruntime's outputs for merezha's exported ONNX goldens (tests/golden/onnx).

Run after `mz_io_test --gtest_also_run_disabled_tests --gtest_filter=OnnxGolden.DISABLED_Write`
wrote <case>.onnx, <case>_x<i>.npy (inputs) and <case>_mz<i>.npy (merezha's outputs):
    /work/venvs/onnx/bin/python tools/golden/onnx_golden.py
For each case: onnx.checker.check_model(full_check=True), then onnxruntime (CPU) runs the
graph on the inputs and <case>_ort<i>.npy gets each output; merezha's outputs are compared
(rtol 1e-5, atol 1e-6) and the _mz files removed (the C++ test recomputes them).
Venv: python3 -m venv /work/venvs/onnx && /work/venvs/onnx/bin/pip install onnxruntime onnx numpy
"""
import glob
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "..", "tests", "golden", "onnx")


def numbered(base, kind):
    files, i = [], 0
    while os.path.exists(f"{base}_{kind}{i}.npy"):
        files.append(f"{base}_{kind}{i}.npy")
        i += 1
    return files


def main():
    models = sorted(glob.glob(os.path.join(GOLDEN, "*.onnx")))
    if not models:
        sys.exit(f"no .onnx files in {GOLDEN}: run OnnxGolden.DISABLED_Write first")
    ok = True
    for path in models:
        base = path[: -len(".onnx")]
        name = os.path.basename(base)
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        xs = [np.load(f) for f in numbered(base, "x")]
        feeds = {i.name: x for i, x in zip(sess.get_inputs(), xs)}
        ys = sess.run(None, feeds)
        for i, y in enumerate(ys):
            np.save(f"{base}_ort{i}.npy", y.astype(np.float32))
        for i, f in enumerate(numbered(base, "mz")):
            mz = np.load(f)
            diff = float(np.max(np.abs(mz - ys[i]))) if mz.size else 0.0
            close = np.allclose(mz, ys[i], rtol=1e-5, atol=1e-6)
            ok &= close
            print(f"{name} output {i}: shape {ys[i].shape}, max abs diff {diff:.3g}",
                  "ok" if close else "MISMATCH")
            os.remove(f)
    print("onnx", onnx.__version__, "onnxruntime", ort.__version__, "numpy", np.__version__)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
