// libtorch peer of merezha-bench: the workloads W0 to W5 of BENCHMARKS.md, defined exactly as
// in bench/merezha_bench.cpp and printing the same CSV lines. Built as the
// optional target torch-bench (-DMZ_BUILD_PEERS=ON with Debian's libtorch-dev); see
// bench/README.md.
#include <torch/torch.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <numbers>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string library_name() {
  return "libtorch-" + std::to_string(TORCH_VERSION_MAJOR) + "." +
         std::to_string(TORCH_VERSION_MINOR);
}

// A positive integer from the environment, or `fallback` when unset; exits 2 on garbage.
int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n < 1) {
    std::fprintf(stderr, "torch-bench: %s must be a positive integer, got \"%s\".\n", name, v);
    std::exit(2);
  }
  return static_cast<int>(n);
}

int g_threads = 1;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// One CSV line of the contract: median, min, max over `values`, printed with `fmt`.
void csv(const char* workload, const std::string& metric, const char* unit,
         const std::vector<double>& values, const char* fmt, const std::string& accuracy,
         const std::string& notes) {
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  auto num = [fmt](double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, x);
    return std::string(buf);
  };
  std::printf("CSV,%s,%s,%d,%s,%s,%s,%s,%s,%zu,%s,%s\n", workload, library_name().c_str(),
              g_threads, metric.c_str(), unit, num(median(values)).c_str(), num(*lo).c_str(),
              num(*hi).c_str(), values.size(), accuracy.c_str(), notes.c_str());
  std::fflush(stdout);
}

// ----- W0: sgemm -----

void w0() {
  for (int64_t n : {256, 512, 1024, 2048}) {
    auto gen = at::detail::createCPUGenerator(static_cast<uint64_t>(n));
    torch::Tensor a = torch::rand({n, n}, gen), b = torch::rand({n, n}, gen);
    torch::Tensor c = torch::empty({n, n});
    auto t0 = Clock::now();
    for (int i = 0; i < 3; ++i) torch::mm_out(c, a, b);
    double per_call = seconds_since(t0) / 3;
    int reps = std::max(1, static_cast<int>(std::lround(0.25 / per_call)));
    std::vector<double> rates;
    for (int s = 0; s < 7; ++s) {
      t0 = Clock::now();
      for (int r = 0; r < reps; ++r) torch::mm_out(c, a, b);
      double dt = seconds_since(t0) / reps;
      rates.push_back(2.0 * n * n * n / dt / 1e9);
    }
    csv("W0", "sgemm_n" + std::to_string(n), "GFLOP/s", rates, "%.2f", "",
        "torch::mm_out;reps=" + std::to_string(reps));
  }
}

// ----- W1: MLP training on Fashion-MNIST -----

// A gzipped or plain IDX file (zlib reads both) as a uint8 tensor of its dimensions.
torch::Tensor read_idx(const std::string& dir, const std::string& stem) {
  std::string path = dir + "/" + stem + ".gz";
  if (access(path.c_str(), R_OK) != 0) path = dir + "/" + stem;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "torch-bench: cannot open %s(.gz) in \"%s\"; set FMNIST_DIR.\n",
                 stem.c_str(), dir.c_str());
    std::exit(1);
  }
  unsigned char head[4];
  auto read_all = [&](void* buf, std::size_t bytes) {
    if (gzread(f, buf, static_cast<unsigned>(bytes)) != static_cast<int>(bytes)) {
      std::fprintf(stderr, "torch-bench: %s is truncated.\n", path.c_str());
      std::exit(1);
    }
  };
  read_all(head, 4);
  int rank = head[3];
  std::vector<int64_t> dims(rank);
  int64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    unsigned char d[4];
    read_all(d, 4);
    dims[i] = (int64_t{d[0]} << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
    count *= dims[i];
  }
  torch::Tensor t = torch::empty(dims, torch::kUInt8);
  read_all(t.data_ptr<uint8_t>(), static_cast<std::size_t>(count));
  gzclose(f);
  return t;
}

torch::nn::Sequential mlp() {
  return torch::nn::Sequential(torch::nn::Linear(784, 256), torch::nn::ReLU(),
                               torch::nn::Linear(256, 128), torch::nn::ReLU(),
                               torch::nn::Linear(128, 10));
}

// (28, 28) images as (1, 28, 28) channels: Conv 5x5 6 -> ReLU -> MaxPool 2 -> Conv 5x5 16 ->
// ReLU -> MaxPool 2 -> Flatten (256) -> 120 ReLU -> 84 ReLU -> 10.
torch::nn::Sequential lenet5() {
  return torch::nn::Sequential(
      torch::nn::Conv2d(1, 6, 5), torch::nn::ReLU(), torch::nn::MaxPool2d(2),
      torch::nn::Conv2d(6, 16, 5), torch::nn::ReLU(), torch::nn::MaxPool2d(2), torch::nn::Flatten(),
      torch::nn::Linear(256, 120), torch::nn::ReLU(), torch::nn::Linear(120, 84),
      torch::nn::ReLU(), torch::nn::Linear(84, 10));
}

// W1/W2: SGD lr 0.01 momentum 0.9, batch 64, one timed pass per epoch, test accuracy after.
void train(const char* workload, torch::nn::Sequential model, std::vector<int64_t> image_shape,
           int epochs) {
  const char* d = std::getenv("FMNIST_DIR");
  std::string dir = d && *d ? d : "/usr/share/datasets/fashion-mnist";
  std::vector<int64_t> shape{-1};
  shape.insert(shape.end(), image_shape.begin(), image_shape.end());
  auto images = [&](const char* stem) {
    return read_idx(dir, stem).reshape(shape).to(torch::kFloat32).div_(255.0f);
  };
  torch::Tensor x_train = images("train-images-idx3-ubyte");
  torch::Tensor y_train = read_idx(dir, "train-labels-idx1-ubyte").to(torch::kInt64);
  torch::Tensor x_test = images("t10k-images-idx3-ubyte");
  torch::Tensor y_test = read_idx(dir, "t10k-labels-idx1-ubyte").to(torch::kInt64);

  std::vector<torch::Tensor> params = model->parameters();
  torch::optim::SGD opt(params, torch::optim::SGDOptions(0.01).momentum(0.9));
  auto shuffle = at::detail::createCPUGenerator(1);
  const int64_t n = x_train.size(0), batch = 64;
  std::vector<double> rates, accs;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    model->train();
    auto t0 = Clock::now();
    torch::Tensor perm = torch::randperm(n, shuffle);
    double total = 0;
    for (int64_t start = 0; start < n; start += batch) {
      torch::Tensor idx = perm.slice(0, start, std::min(start + batch, n));
      torch::Tensor xb = x_train.index_select(0, idx), yb = y_train.index_select(0, idx);
      for (auto& p : params) p.mutable_grad().reset();  // zero_grad(set_to_none=True)
      torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(xb), yb);
      loss.backward();
      opt.step();
      total += loss.item<double>();
    }
    rates.push_back(static_cast<double>(n) / seconds_since(t0));
    model->eval();
    torch::NoGradGuard no_grad;
    int64_t hits = 0;
    for (int64_t start = 0; start < x_test.size(0); start += 2000) {
      const int64_t stop = std::min(start + 2000, x_test.size(0));
      hits += model->forward(x_test.slice(0, start, stop))
                  .argmax(1)
                  .eq(y_test.slice(0, start, stop))
                  .sum()
                  .item<int64_t>();
    }
    accs.push_back(static_cast<double>(hits) / static_cast<double>(x_test.size(0)));
    std::fprintf(stderr, "%s epoch %d: %.0f samples/s, loss %.4f, test accuracy %.4f\n",
                 workload, epoch, rates.back(),
                 total / static_cast<double>((n + batch - 1) / batch), accs.back());
  }
  char accuracy[96];
  if (epochs > 1)
    std::snprintf(accuracy, sizeof accuracy, "acc@1=%.4f;acc@%d=%.4f", accs.front(), epochs,
                  accs.back());
  else
    std::snprintf(accuracy, sizeof accuracy, "acc@1=%.4f", accs.front());
  csv(workload, "train_samples_per_s", "samples/s", rates, "%.1f", accuracy,
      "epochs=" + std::to_string(epochs) + ";batch=64;loop");
}

void w1() {
  torch::manual_seed(0);
  train("W1", mlp(), {784}, env_int("W1_EPOCHS", 5));
}

void w2() {
  torch::manual_seed(0);
  train("W2", lenet5(), {1, 28, 28}, env_int("W2_EPOCHS", 3));
}

// ----- W3: inference latency of the MLP and the CNN -----

void w3() {
  struct Model {
    const char* name;
    std::function<torch::nn::Sequential()> make;
    std::vector<int64_t> shape;
  };
  for (const Model& m : {Model{"mlp", mlp, {784}}, Model{"cnn", lenet5, {1, 28, 28}}}) {
    torch::manual_seed(0);
    torch::nn::Sequential model = m.make();
    model->eval();
    auto gen = at::detail::createCPUGenerator(3);
    struct Case {
      int64_t batch;
      int warm, timed;
    };
    for (Case c : {Case{1, 200, 2000}, Case{64, 200, 500}}) {
      std::vector<int64_t> shape{c.batch};
      shape.insert(shape.end(), m.shape.begin(), m.shape.end());
      torch::Tensor x = torch::rand(shape, gen);
      std::vector<double> times;
      c10::InferenceMode guard;
      for (int i = 0; i < c.warm; ++i) model->forward(x);
      for (int i = 0; i < c.timed; ++i) {
        auto t0 = Clock::now();
        torch::Tensor y = model->forward(x);
        times.push_back(seconds_since(t0) * 1e6);
      }
      csv("W3", std::string(m.name) + "_fwd_b" + std::to_string(c.batch), "us", times, "%.2f",
          "", "InferenceMode");
    }
  }
}

// ----- W5: LSTM training steps -----

void w5() {
  torch::manual_seed(0);
  torch::nn::LSTM lstm(torch::nn::LSTMOptions(32, 128));
  torch::nn::Linear dense(128, 10);
  std::vector<torch::Tensor> params = lstm->parameters();
  for (auto& p : dense->parameters()) params.push_back(p);
  torch::optim::SGD opt(params, torch::optim::SGDOptions(0.01));
  auto gen = at::detail::createCPUGenerator(5);
  torch::Tensor x = torch::randn({50, 32, 32}, gen);  // (time, batch, features)
  torch::Tensor y = torch::randint(0, 10, {32}, gen);
  auto step = [&] {
    for (auto& p : params) p.mutable_grad().reset();
    torch::Tensor out = std::get<0>(lstm->forward(x));
    torch::nn::functional::cross_entropy(dense->forward(out[-1]), y).backward();
    opt.step();
  };
  for (int i = 0; i < 10; ++i) step();
  std::vector<double> rates;
  for (int chunk = 0; chunk < 15; ++chunk) {
    auto t0 = Clock::now();
    for (int i = 0; i < 10; ++i) step();
    rates.push_back(10.0 / seconds_since(t0));
  }
  csv("W5", "train_steps_per_s", "steps/s", rates, "%.2f", "",
      "seq=50;batch=32;features=32;units=128;loop");
}

// ----- W4: small-network overhead -----

void w4() {
  const int64_t n = 1000;
  std::vector<float> in(2 * n), tgt(n);
  for (int64_t i = 0; i < n; ++i) {
    double x = -std::numbers::pi + 2 * std::numbers::pi * static_cast<double>(i) / (n - 1);
    in[2 * i] = static_cast<float>(x / std::numbers::pi);
    in[2 * i + 1] = static_cast<float>((x / std::numbers::pi) * (x / std::numbers::pi));
    tgt[i] = static_cast<float>(std::sin(x));
  }
  torch::Tensor inputs = torch::from_blob(in.data(), {n, 2}).clone();
  torch::Tensor target = torch::from_blob(tgt.data(), {n, 1}).clone();
  std::vector<double> times, mses;
  for (int seed = 0; seed < 5; ++seed) {
    torch::manual_seed(seed);
    torch::nn::Sequential model(torch::nn::Linear(2, 16), torch::nn::Tanh(),
                                torch::nn::Linear(16, 1));
    std::vector<torch::Tensor> params = model->parameters();
    torch::optim::SGD opt(params, torch::optim::SGDOptions(0.1));
    auto t0 = Clock::now();
    for (int e = 0; e < 1000; ++e) {
      for (auto& p : params) p.mutable_grad().reset();
      torch::Tensor loss = torch::mse_loss(model->forward(inputs), target);
      loss.backward();
      opt.step();
    }
    times.push_back(seconds_since(t0));
    torch::NoGradGuard no_grad;
    mses.push_back(torch::mse_loss(model->forward(inputs), target).item<double>());
  }
  auto [lo, hi] = std::minmax_element(mses.begin(), mses.end());
  char accuracy[64], notes[96];
  std::snprintf(accuracy, sizeof accuracy, "mse=%.3e", median(mses));
  std::snprintf(notes, sizeof notes, "mse_min=%.3e;mse_max=%.3e", *lo, *hi);
  csv("W4", "train_1000_epochs", "s", times, "%.4f", accuracy, notes);
}

}  // namespace

int main(int argc, char** argv) {
  // libgomp reads OMP_WAIT_POLICY when it loads, before main: re-run ourselves with it set.
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv("/proc/self/exe", argv);
  }
  const std::map<std::string, std::function<void()>> workloads = {
      {"w0", w0}, {"w1", w1}, {"w2", w2}, {"w3", w3}, {"w4", w4}, {"w5", w5}};
  if (argc != 2 || (workloads.count(argv[1]) == 0 && std::strcmp(argv[1], "all") != 0)) {
    std::fprintf(stderr,
                 "usage: torch-bench w0|w1|w2|w3|w4|w5|all  (env: BENCH_THREADS, FMNIST_DIR, "
                 "W1_EPOCHS, W2_EPOCHS)\n");
    return 2;
  }
  g_threads = env_int("BENCH_THREADS", 1);
  torch::set_num_threads(g_threads);
  for (const auto& [name, fn] : workloads)
    if (std::strcmp(argv[1], "all") == 0 || name == argv[1]) fn();
  return 0;
}
