// Associative memory: Kosko's BAM (mz::classic::BAM) pairs 5x7 letters with orthogonal 16-unit
// codes (Walsh-Hadamard rows) and recalls both from letters with 25% of the pixels flipped.
// Figure of merit: the share of probes recalled exactly at the stated load.
#include <ostream>
#include <random>

#include "examples/apps/demo_support.h"
#include "examples/apps/letters.h"
#include "mz/classic/bam.h"
#include "mz/classic/svg.h"
#include "mz/ops/creation.h"
#include "mz/plot/chart.h"

namespace mz::apps {

namespace {

constexpr int kCode = 16, kPixels = 35;

// Row `row` of the 16x16 Sylvester-Hadamard matrix: (-1)^popcount(row & col).
std::vector<double> hadamard_row(int row) {
  std::vector<double> out(kCode);
  for (int col = 0; col < kCode; ++col) out[col] = __builtin_popcount(row & col) % 2 ? -1.0 : 1.0;
  return out;
}

// Code of the k-th stored letter: Hadamard rows 1.. (row 0, all +1, is left out).
Tensor codes(int letters) {
  std::vector<double> flat;
  for (int k = 0; k < letters; ++k) {
    const std::vector<double> row = hadamard_row(k + 1);
    flat.insert(flat.end(), row.begin(), row.end());
  }
  return mz::tensor(flat, Shape{letters, kCode});
}

struct BamTrial {
  double letter_rate = 0;  // the x side came back as the stored letter
  double pair_rate = 0;    // both the letter and its code came back
  classic::BamRecall recall;
  Tensor probes;
};

BamTrial run_trial(const std::string& stored, int trials, double noise, std::mt19937_64& rng) {
  const int p = static_cast<int>(stored.size());
  const Tensor x = letter_patterns(stored), y = codes(p);
  classic::BAM bam(kPixels, kCode);
  bam.store(x, y);
  std::vector<double> flat;
  std::vector<int> owner;
  for (int k = 0; k < p; ++k)
    for (int t = 0; t < trials; ++t) {
      const std::vector<double> probe = corrupt(letter_bitmap(stored[k]), noise, rng);
      flat.insert(flat.end(), probe.begin(), probe.end());
      owner.push_back(k);
    }
  BamTrial trial;
  trial.probes = mz::tensor(flat, Shape{static_cast<int64_t>(owner.size()), kPixels});
  trial.recall = bam.recall_from_x(trial.probes);
  const std::vector<double> gx = trial.recall.x.to_vector<double>(),
                            gy = trial.recall.y.to_vector<double>();
  const std::vector<double> rx = x.to_vector<double>(), ry = y.to_vector<double>();
  int letters = 0, pairs = 0;
  for (std::size_t i = 0; i < owner.size(); ++i) {
    bool same_x = true, same_y = true;
    for (int j = 0; j < kPixels; ++j)
      same_x = same_x && gx[i * kPixels + j] == rx[owner[i] * kPixels + j];
    for (int j = 0; j < kCode; ++j)
      same_y = same_y && gy[i * kCode + j] == ry[owner[i] * kCode + j];
    letters += same_x;
    pairs += same_x && same_y;
  }
  trial.letter_rate = static_cast<double>(letters) / owner.size();
  trial.pair_rate = static_cast<double>(pairs) / owner.size();
  return trial;
}

}  // namespace

DemoResult bam_letters(const DemoOptions& options, std::ostream& out) {
  const std::string name = "bam_letters";
  check_params(name, options, {"letters", "noise", "trials", "max_letters"});
  const int letters = static_cast<int>(param(name, options, "letters", 4));
  const double noise = param(name, options, "noise", 0.25);
  const int trials = static_cast<int>(param(name, options, "trials", options.quick ? 10 : 50));
  const int max_letters =
      static_cast<int>(param(name, options, "max_letters", options.quick ? 6 : 15));
  const std::string order = distinct_letter_order();
  std::mt19937_64 rng(options.seed);
  out << name << ": letters in order " << order << "; " << trials << " probes per letter, "
      << noise * 100 << "% of 35 pixels flipped; codes: Walsh-Hadamard rows of 16\n";

  plot::Series pair_curve{"letter and code", {}, {}}, letter_curve{"letter only", {}, {}};
  double headline = 0;
  for (int p = 1; p <= max_letters; ++p) {
    const BamTrial t = run_trial(order.substr(0, p), trials, noise, rng);
    pair_curve.x.push_back(p);
    pair_curve.y.push_back(t.pair_rate);
    letter_curve.x.push_back(p);
    letter_curve.y.push_back(t.letter_rate);
    if (p == letters) headline = t.pair_rate;
    out << name << ": " << p << " pairs: letter recalled " << t.letter_rate << ", letter and code "
        << t.pair_rate << "\n";
  }

  DemoResult result;
  result.figure_of_merit = "recall rate (" + std::to_string(letters) + " pairs)";
  result.value = headline;
  result.passed = headline >= (options.quick ? 0.8 : 0.9);  // quick: 10 probes per letter
  write_output(options, name + "_load.svg",
               plot::line_chart_svg(
                   {pair_curve, letter_curve},
                   {.title = "BAM letters: exact recall from " +
                             std::to_string(static_cast<int>(noise * 100)) + "% flipped pixels",
                    .x_label = "pairs stored (35 x 16 units)",
                    .y_label = "recall rate"}),
               result);

  // One probe per letter at the stated load and the letter the memory answered with.
  const BamTrial t = run_trial(order.substr(0, letters), 1, noise, rng);
  const std::vector<double> in = t.probes.to_vector<double>(), got = t.recall.x.to_vector<double>();
  std::vector<double> strip;
  for (int k = 0; k < letters; ++k) {
    strip.insert(strip.end(), in.begin() + k * kPixels, in.begin() + (k + 1) * kPixels);
    strip.insert(strip.end(), got.begin() + k * kPixels, got.begin() + (k + 1) * kPixels);
  }
  write_output(options, name + "_recall.svg",
               classic::patterns_svg(mz::tensor(strip, Shape{2 * letters, kPixels}), 7, 5,
                                     "BAM: probe, recalled letter; energy of the first recall",
                                     t.recall.energy[0]),
               result);
  return result;
}

}  // namespace mz::apps
