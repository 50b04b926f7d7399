"""ONNX live: every .onnx of mz_interop_write passes onnx.checker.check_model(full_check=True)
and onnxruntime (CPU) gives merezha's outputs to rtol 1e-5, atol 1e-6.
Usage: python check_onnx.py DIR"""
import os
import sys

from interop_common import MODELS, compare, files_dir, need, numbered


def main():
    directory = os.path.join(files_dir(), "models")
    np, onnx, ort = need("numpy", "onnx", "onnxruntime")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    for name in MODELS:
        stem = os.path.join(directory, name)
        model = onnx.load(stem + ".onnx")
        onnx.checker.check_model(model, full_check=True)
        session = ort.InferenceSession(stem + ".onnx", options,
                                       providers=["CPUExecutionProvider"])
        xs, want = numbered(np, stem + "_x"), numbered(np, stem + "_y")
        feeds = {i.name: x for i, x in zip(session.get_inputs(), xs)}
        worst = compare(np, f"{name}.onnx", session.run(None, feeds), want)
        ops = sorted({n.op_type for n in model.graph.node})
        print(f"{name}.onnx: checker (full) ok, onnxruntime {ort.__version__} matches; opset "
              f"{model.opset_import[0].version}, ops {','.join(ops)}; max rel diff {worst:.2g}")
    print(f"onnx: all {len(MODELS)} models ok (onnx {onnx.__version__})")


if __name__ == "__main__":
    sys.exit(main())
