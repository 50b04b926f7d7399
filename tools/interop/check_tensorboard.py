"""TensorBoard reads merezha's event files: EventAccumulator (PyPI tensorboard) loads
logs/train and logs/validation, every epoch scalar equals fit's History value as float32
exactly (steps = epochs), so does every batch scalar (update_freq=2) with the batch logs that
mz_interop_write recorded, every weight has a histogram per epoch, and the graph tag is there.
Usage: python check_tensorboard.py DIR"""
import json
import os
import sys

from interop_common import files_dir, need


def main():
    directory = os.path.join(files_dir(), "tensorboard")
    np, tb, ea = need("numpy", "tensorboard",
                      "tensorboard.backend.event_processing.event_accumulator")
    with open(os.path.join(directory, "history.json")) as f:
        written = json.load(f)
    history, epochs = written["history"], written["epochs"]
    guidance = {ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.TENSORS: 0}
    runs = {}
    for run in ("train", "validation"):
        runs[run] = ea.EventAccumulator(os.path.join(directory, "logs", run), guidance)
        runs[run].Reload()
    scalars = 0
    for key, values in sorted(history.items()):
        run, tag = ("validation", "epoch_" + key[4:]) if key.startswith("val_") else \
            ("train", "epoch_" + key)
        events = runs[run].Scalars(tag)
        if [e.step for e in events] != epochs:
            raise AssertionError(f"{run}/{tag}: steps {[e.step for e in events]}, "
                                 f"History's epochs {epochs}")
        for e, v in zip(events, values):
            if np.float32(e.value) != np.float32(v):
                raise AssertionError(f"{run}/{tag} step {e.step}: TensorBoard reads {e.value!r}, "
                                     f"History has {v!r} (float32 {np.float32(v)!r})")
            scalars += 1
    batch_scalars = 0
    for key, pairs in sorted(written["batches"].items()):
        events = runs["train"].Scalars("batch_" + key)
        got = [(e.step, np.float32(e.value)) for e in events]
        want = [(step, np.float32(v)) for step, v in pairs]
        if got != want:
            raise AssertionError(f"train/batch_{key}: TensorBoard reads {got}, fit logged {want}")
        batch_scalars += len(events)
    histogram_tags = runs["train"].Tags()["histograms"]
    for path in written["weights"]:
        tag = path + "/histogram"
        if tag not in histogram_tags:
            raise AssertionError(f"no histogram {tag!r}; TensorBoard has {histogram_tags}")
        events = runs["train"].Histograms(tag)
        if [e.step for e in events] != epochs:
            raise AssertionError(f"{tag}: steps {[e.step for e in events]}, epochs {epochs}")
        for e in events:
            h = e.histogram_value
            if not (h.num > 0 and h.min <= h.max and sum(h.bucket) == h.num and
                    list(h.bucket_limit) == sorted(h.bucket_limit)):
                raise AssertionError(f"{tag} step {e.step}: malformed histogram {h}")
    if "keras" not in runs["train"].Tags()["tensors"]:
        raise AssertionError(f"no graph tag 'keras'; tensors {runs['train'].Tags()['tensors']}")
    print(f"tensorboard {tb.__version__}: {scalars} epoch scalars equal History's as float32 "
          f"({len(history)} metrics x {len(epochs)} epochs), {batch_scalars} batch scalars equal "
          f"fit's batch logs, {len(written['weights'])} weight "
          f"histograms per epoch, graph present")


if __name__ == "__main__":
    sys.exit(main())
