#!/usr/bin/python3
# PyTorch peer of merezha-bench: the workloads W0 to W5 of BENCHMARKS.md, defined exactly as in
# bench/merezha_bench.cpp, printing the same CSV lines. Run with Debian's /usr/bin/python3
# (python3-torch 1.13):
#   BENCH_THREADS=1 /usr/bin/python3 bench/peers/torch_bench.py w1
# On a GPU (a CUDA build of torch): torch_bench.py --device cuda w1|w2 (data, model and each
# epoch's permutation live on the device, as merezha-bench's MEREZHA_DEVICE=cuda run).
import os
import sys

# libgomp reads this when torch loads it: spinning OpenMP workers are pathological on shared VMs.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import gzip  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

LIBRARY = "pytorch-" + ".".join(torch.__version__.split(".")[:2])


def env_int(name, default):
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        sys.exit(f"torch_bench.py: {name} must be a positive integer, got \"{value}\".")
    return n


THREADS = env_int("BENCH_THREADS", 1)
DEVICE = "cpu"  # --device


def csv(workload, metric, unit, values, fmt, accuracy="", notes=""):
    """One CSV line of the contract: median, min, max over `values`."""
    med, lo, hi = statistics.median(values), min(values), max(values)
    print(f"CSV,{workload},{LIBRARY},{THREADS},{metric},{unit},{fmt % med},{fmt % lo},"
          f"{fmt % hi},{len(values)},{accuracy},{notes}", flush=True)


# ----- W0: sgemm -----

def w0():
    for n in (256, 512, 1024, 2048):
        gen = torch.Generator().manual_seed(n)
        a = torch.rand(n, n, generator=gen)
        b = torch.rand(n, n, generator=gen)
        c = torch.empty(n, n)
        t0 = time.perf_counter()
        for _ in range(3):
            torch.mm(a, b, out=c)
        per_call = (time.perf_counter() - t0) / 3
        reps = max(1, round(0.25 / per_call))
        rates = []
        for _ in range(7):
            t0 = time.perf_counter()
            for _ in range(reps):
                torch.mm(a, b, out=c)
            dt = (time.perf_counter() - t0) / reps
            rates.append(2.0 * n ** 3 / dt / 1e9)
        csv("W0", f"sgemm_n{n}", "GFLOP/s", rates, "%.2f", "", f"torch.mm;reps={reps}")


# ----- W1: MLP training on Fashion-MNIST -----

def read_idx(path):
    """A gzipped or plain IDX file as a uint8 numpy array of its dimensions."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(dims)


def find_file(directory, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    sys.exit(f"torch_bench.py: {stem}(.gz) not found in \"{directory}\"; set FMNIST_DIR.")


def load_fmnist(directory):
    def images(stem):
        x = read_idx(find_file(directory, stem))
        return torch.from_numpy(x.reshape(x.shape[0], -1).astype(np.float32) / 255.0)

    def labels(stem):
        return torch.from_numpy(read_idx(find_file(directory, stem)).astype(np.int64))

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                               torch.nn.Linear(256, 128), torch.nn.ReLU(),
                               torch.nn.Linear(128, 10))


def lenet5():
    return torch.nn.Sequential(torch.nn.Conv2d(1, 6, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                               torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                               torch.nn.Flatten(), torch.nn.Linear(256, 120), torch.nn.ReLU(),
                               torch.nn.Linear(120, 84), torch.nn.ReLU(), torch.nn.Linear(84, 10))


def train(workload, model_fn, image_shape, epochs):
    """W1/W2: SGD lr 0.01 momentum 0.9, batch 64, one timed pass per epoch, test accuracy after."""
    x_train, y_train, x_test, y_test = load_fmnist(
        os.environ.get("FMNIST_DIR") or "/usr/share/datasets/fashion-mnist")
    x_train, x_test = x_train.reshape(-1, *image_shape), x_test.reshape(-1, *image_shape)
    torch.manual_seed(0)
    model = model_fn().to(DEVICE)
    x_train, y_train = x_train.to(DEVICE), y_train.to(DEVICE)
    x_test, y_test = x_test.to(DEVICE), y_test.to(DEVICE)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    shuffle = torch.Generator().manual_seed(1)
    n, batch = x_train.shape[0], 64
    rates, accs = [], []
    for epoch in range(1, epochs + 1):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(n, generator=shuffle).to(DEVICE)
        total = 0.0
        for start in range(0, n, batch):
            idx = perm[start:start + batch]
            xb, yb = x_train.index_select(0, idx), y_train.index_select(0, idx)
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item()
        rates.append(n / (time.perf_counter() - t0))
        model.eval()
        with torch.no_grad():
            hits = sum((model(x_test[i:i + 2000]).argmax(1) == y_test[i:i + 2000]).sum().item()
                       for i in range(0, x_test.shape[0], 2000))
        accs.append(hits / x_test.shape[0])
        print(f"{workload} epoch {epoch}: {rates[-1]:.0f} samples/s, loss "
              f"{total / math.ceil(n / batch):.4f}, test accuracy {accs[-1]:.4f}",
              file=sys.stderr, flush=True)
    accuracy = f"acc@1={accs[0]:.4f}" + (f";acc@{epochs}={accs[-1]:.4f}" if epochs > 1 else "")
    csv(workload, "train_samples_per_s", "samples/s", rates, "%.1f", accuracy,
        f"epochs={epochs};batch=64;loop" + ("" if DEVICE == "cpu" else f";device={DEVICE}"))


def w1():
    train("W1", mlp, (784,), env_int("W1_EPOCHS", 5))


def w2():
    train("W2", lenet5, (1, 28, 28), env_int("W2_EPOCHS", 3))


# ----- W3: inference latency of the MLP and the CNN -----

def w3():
    for name, model_fn, shape in (("mlp", mlp, (784,)), ("cnn", lenet5, (1, 28, 28))):
        torch.manual_seed(0)
        model = model_fn().eval()
        gen = torch.Generator().manual_seed(3)
        for batch, warm, timed in ((1, 200, 2000), (64, 200, 500)):
            x = torch.rand(batch, *shape, generator=gen)
            times = []
            with torch.inference_mode():
                for _ in range(warm):
                    model(x)
                for _ in range(timed):
                    t0 = time.perf_counter_ns()
                    model(x)
                    times.append((time.perf_counter_ns() - t0) / 1e3)
            csv("W3", f"{name}_fwd_b{batch}", "us", times, "%.2f", "", "inference_mode")


# ----- W4: small-network overhead -----

def w4():
    xs = np.linspace(-math.pi, math.pi, 1000)
    inputs = torch.from_numpy(np.stack([xs / math.pi, (xs / math.pi) ** 2], 1).astype(np.float32))
    target = torch.from_numpy(np.sin(xs).astype(np.float32).reshape(-1, 1))
    times, mses = [], []
    for seed in range(5):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        t0 = time.perf_counter()
        for _ in range(1000):
            opt.zero_grad(set_to_none=True)
            loss = F.mse_loss(model(inputs), target)
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
        with torch.no_grad():
            mses.append(F.mse_loss(model(inputs), target).item())
    csv("W4", "train_1000_epochs", "s", times, "%.4f", f"mse={statistics.median(mses):.3e}",
        f"mse_min={min(mses):.3e};mse_max={max(mses):.3e}")


# ----- W5: LSTM training steps -----

class LstmNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(32, 128)
        self.dense = torch.nn.Linear(128, 10)

    def forward(self, x):  # x (time, batch, features)
        out, _ = self.lstm(x)
        return self.dense(out[-1])


def w5():
    torch.manual_seed(0)
    model = LstmNet()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(50, 32, 32, generator=gen)
    y = torch.randint(0, 10, (32,), generator=gen)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(10):
        step()
    rates = []
    for _ in range(15):
        t0 = time.perf_counter()
        for _ in range(10):
            step()
        rates.append(10 / (time.perf_counter() - t0))
    csv("W5", "train_steps_per_s", "steps/s", rates, "%.2f", "",
        "seq=50;batch=32;features=32;units=128;loop")


WORKLOADS = {"w0": w0, "w1": w1, "w2": w2, "w3": w3, "w4": w4, "w5": w5}


def main(argv):
    global DEVICE
    if len(argv) == 4 and argv[1] == "--device":
        DEVICE = argv[2]
        argv = [argv[0], argv[3]]
    if len(argv) != 2 or (argv[1] not in WORKLOADS and argv[1] != "all") or (
            DEVICE != "cpu" and argv[1] not in ("w1", "w2")):
        print("usage: torch_bench.py [--device cuda] w0|w1|w2|w3|w4|w5|all  (env: BENCH_THREADS, "
              "FMNIST_DIR, W1_EPOCHS, W2_EPOCHS; --device takes w1 and w2)", file=sys.stderr)
        return 2
    torch.set_num_threads(THREADS)
    for name in (WORKLOADS if argv[1] == "all" else [argv[1]]):
        WORKLOADS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
