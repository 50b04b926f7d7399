// Reading digit strings with CTC: a small convolutional-recurrent model learns to transcribe
// generated images of digit sequences without knowing where each digit sits, trained with the
// CTC loss and decoded greedily; it prints the label error rate (edit distance / label length)
// on held-out sequences.
//
// Data: each digit 0-9 is a fixed random 8x5 glyph (seeded); a sample is 1 to 6 digits drawn
// at random, placed left to right with 1-2 empty columns between them and a random offset,
// each digit at a random brightness, plus Gaussian noise, in a strip of 44 columns. The model
// reads the 44 columns as time steps of 8 features: Conv1D -> Bidirectional(LSTM) -> Dense(11)
// logits per column (class 0 is CTC's blank, digit d is class d + 1).
//
//   ctc_digits [--train N] [--test N] [--epochs N] [--threads N]
//
// Full run (the defaults: 8,000 training and 1,000 held-out strips, 12 epochs of batch 32,
// Adam 3e-3), Debug build on a shared 2-core machine, 15 minutes; CTC loss per epoch 11.84,
// 5.45, 0.39, ..., 0.016; then
//   sequences read exactly: 0.9940
//   label error rate: 0.0018
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "mz/mz.h"
#include "mz/nn/layers/bidirectional.h"
#include "mz/nn/layers/conv1d.h"
#include "mz/nn/layers/lstm.h"
#include "mz/nn/losses/ctc.h"
#include "mz/ops/ctc_decode.h"

namespace L = mz::layers;

namespace {

constexpr int64_t kRows = 8, kGlyphCols = 5, kMaxDigits = 6;
constexpr int64_t kWidth = kMaxDigits * (kGlyphCols + 2) + 2;  // room for the widest sample
constexpr int64_t kClasses = 11;                               // blank + 10 digits

struct Args {
  int64_t train = 8000;
  int64_t test = 1000;
  int epochs = 12;
  int threads = 0;  // 0: merezha's default (every core)
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << "usage: ctc_digits [--train N] [--test N] [--epochs N] [--threads N]\n";
      std::exit(0);
    }
    if (i + 1 >= argc) throw mz::ValueError(mz::str("ctc_digits: ", flag, " needs a value."));
    std::string value = argv[++i];
    if (flag == "--train")
      a.train = std::stoll(value);
    else if (flag == "--test")
      a.test = std::stoll(value);
    else if (flag == "--epochs")
      a.epochs = std::stoi(value);
    else if (flag == "--threads")
      a.threads = std::stoi(value);
    else
      throw mz::ValueError(mz::str("ctc_digits: unknown option ", flag, "; see --help."));
  }
  return a;
}

// Ten random 8x5 glyphs (row-major, 0/1), each column with at least one pixel set so that a
// glyph never looks like the gap between two digits.
std::vector<std::vector<float>> make_glyphs(mz::Generator& gen) {
  std::vector<std::vector<float>> glyphs(10, std::vector<float>(kRows * kGlyphCols));
  for (auto& g : glyphs)
    for (int64_t c = 0; c < kGlyphCols; ++c) {
      int on = 0;
      while (on == 0)
        for (int64_t r = 0; r < kRows; ++r) on += (g[r * kGlyphCols + c] = gen.uniform() < 0.5);
    }
  return glyphs;
}

// n strips (n, kWidth, kRows) of columns and their labels (n, kMaxDigits), 0-padded.
struct Data {
  mz::Tensor x, y;
  std::vector<std::vector<int64_t>> labels;  // the digit classes of each sample (1..10)
};

Data render(int64_t n, const std::vector<std::vector<float>>& glyphs, mz::Generator& gen) {
  auto pick = [&](int64_t lo, int64_t hi) {  // uniform in [lo, hi]
    return lo + static_cast<int64_t>(gen.uniform() * static_cast<double>(hi - lo + 1));
  };
  std::vector<float> x(n * kWidth * kRows, 0.0f);
  std::vector<int64_t> y(n * kMaxDigits, 0);
  Data d;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<int64_t> label;
    int64_t col = pick(0, 2);
    const int64_t digits = pick(1, kMaxDigits);
    for (int64_t k = 0; k < digits; ++k) {
      const int64_t digit = pick(0, 9);
      const float bright = static_cast<float>(0.6 + 0.4 * gen.uniform());
      for (int64_t c = 0; c < kGlyphCols; ++c, ++col)
        for (int64_t r = 0; r < kRows; ++r)
          x[(i * kWidth + col) * kRows + r] = bright * glyphs[digit][r * kGlyphCols + c];
      col += pick(1, 2);
      y[i * kMaxDigits + k] = digit + 1;
      label.push_back(digit + 1);
    }
    d.labels.push_back(label);
  }
  d.x = mz::tensor(x, {n, kWidth, kRows}) + mz::normal({n, kWidth, kRows}, 0.0, 0.25, {}, gen);
  d.y = mz::tensor(y, {n, kMaxDigits});
  return d;
}

// Levenshtein distance between two label sequences.
int64_t edit_distance(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::vector<int64_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int64_t>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int64_t>(i);
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string digits_of(const std::vector<int64_t>& classes) {
  std::string s;
  for (int64_t c : classes) s += static_cast<char>('0' + c - 1);
  return s.empty() ? "(empty)" : s;
}

}  // namespace

int main(int argc, char** argv) try {
  Args args = parse(argc, argv);
  if (args.threads > 0) mz::set_num_threads(args.threads);
  mz::set_seed(42);
  mz::Generator gen(2024);
  const auto glyphs = make_glyphs(gen);
  Data train = render(args.train, glyphs, gen);
  Data test = render(args.test, glyphs, gen);

  mz::Sequential model(
      {mz::Input({kWidth, kRows}), L::Conv1D(32, 3, {.padding = "same", .activation = "relu"}),
       L::Bidirectional(L::LSTM(32, {.return_sequences = true})), L::Dense(kClasses)});
  model.compile(
      {.optimizer = mz::optimizers::Adam({.learning_rate = 3e-3}), .loss = mz::losses::CTC()});
  std::cout << model.summary() << "\n";
  model.fit(train.x, train.y, {.batch_size = 32, .epochs = args.epochs});

  // Greedy decoding of the held-out strips: best class per column, repeats merged, blanks out.
  mz::Tensor logits = model.predict(test.x, {.batch_size = 256, .verbose = 0});
  mz::Tensor lengths =
      mz::full({args.test}, static_cast<double>(kWidth), {.dtype = mz::DType::i64});
  std::vector<int64_t> decoded = mz::ctc_decode(logits, lengths).decoded.to_vector<int64_t>();
  int64_t errors = 0, total = 0, exact = 0;
  for (int64_t i = 0; i < args.test; ++i) {
    std::vector<int64_t> guess;
    for (int64_t t = 0; t < kWidth && decoded[i * kWidth + t] >= 0; ++t)
      guess.push_back(decoded[i * kWidth + t]);
    const int64_t e = edit_distance(guess, test.labels[i]);
    errors += e;
    total += static_cast<int64_t>(test.labels[i].size());
    exact += e == 0;
    if (i < 5)
      std::printf("  true %-7s read %s\n", digits_of(test.labels[i]).c_str(),
                  digits_of(guess).c_str());
  }
  std::printf("sequences read exactly: %.4f\n", static_cast<double>(exact) / args.test);
  std::printf("label error rate: %.4f\n", static_cast<double>(errors) / total);
  return 0;
} catch (const mz::Error& e) {
  std::cerr << e.what() << "\n";
  return 1;
}
