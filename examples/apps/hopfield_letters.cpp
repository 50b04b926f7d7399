// Associative memory: a discrete Hopfield network (mz::classic::Hopfield) stores 10x14 letters
// by Hebb's rule and by the projection rule and recalls them from 25% flipped pixels; recall
// rate against load. Figure of merit: the projection rule's recall rate at the stated load.
#include <cmath>
#include <ostream>
#include <random>

#include "examples/apps/demo_support.h"
#include "examples/apps/letters.h"
#include "mz/classic/hopfield.h"
#include "mz/classic/svg.h"
#include "mz/core/error.h"
#include "mz/ops/creation.h"
#include "mz/plot/chart.h"

namespace mz::apps {

namespace {

constexpr int kScale = 2, kHeight = 7 * kScale, kWidth = 5 * kScale;

// Probes: `trials` corrupted copies of each of the first p letters of order.
struct Probes {
  Tensor states;
  std::vector<int> letter;
};

Probes make_probes(const std::string& letters, int trials, double noise, std::mt19937_64& rng) {
  Probes p;
  std::vector<double> flat;
  for (std::size_t k = 0; k < letters.size(); ++k)
    for (int t = 0; t < trials; ++t) {
      const std::vector<double> probe = corrupt(letter_bitmap(letters[k], kScale), noise, rng);
      flat.insert(flat.end(), probe.begin(), probe.end());
      p.letter.push_back(static_cast<int>(k));
    }
  p.states = mz::tensor(flat, Shape{static_cast<int64_t>(p.letter.size()), kHeight * kWidth});
  return p;
}

// Share of probes whose recall equals their letter exactly.
double recall_rate(const classic::HopfieldRecall& r, const Probes& p, const Tensor& stored) {
  const std::vector<double> out = r.states.to_vector<double>(), ref = stored.to_vector<double>();
  const std::size_t n = kHeight * kWidth;
  int hits = 0;
  for (std::size_t i = 0; i < p.letter.size(); ++i) {
    bool same = true;
    for (std::size_t j = 0; j < n && same; ++j) same = out[i * n + j] == ref[p.letter[i] * n + j];
    hits += same;
  }
  return p.letter.empty() ? 0.0 : static_cast<double>(hits) / p.letter.size();
}

}  // namespace

DemoResult hopfield_letters(const DemoOptions& options, std::ostream& out) {
  const std::string name = "hopfield_letters";
  check_params(name, options, {"letters", "noise", "trials", "max_letters"});
  const int letters = static_cast<int>(param(name, options, "letters", 8));
  const double noise = param(name, options, "noise", 0.25);
  const int trials = static_cast<int>(param(name, options, "trials", options.quick ? 4 : 20));
  const int max_letters =
      static_cast<int>(param(name, options, "max_letters", options.quick ? 10 : 20));
  const std::string order = distinct_letter_order(kScale);
  std::mt19937_64 rng(options.seed);
  out << name << ": letters in order " << order << "; " << trials << " probes per letter, "
      << noise * 100 << "% of " << kHeight * kWidth << " pixels flipped\n";

  // Recall rate against load for both storage rules.
  plot::Series hebb{"Hebb rule", {}, {}}, projection{"projection rule", {}, {}};
  double headline = 0;
  for (int p = 1; p <= max_letters; ++p) {
    const std::string stored = order.substr(0, p);
    const Tensor patterns = letter_patterns(stored, kScale);
    const Probes probes = make_probes(stored, trials, noise, rng);
    for (const char* rule : {"hebb", "projection"}) {
      classic::Hopfield net(kHeight * kWidth);
      double rate = std::nan("");
      try {
        net.store(patterns, rule);
        rate = recall_rate(net.recall(probes.states, {.seed = options.seed + p}), probes, patterns);
      } catch (const ValueError&) {
        // The projection rule needs linearly independent patterns; from 25 letters of this
        // font on they are not, and the point is left out of the chart.
      }
      plot::Series& s = std::string(rule) == "hebb" ? hebb : projection;
      s.x.push_back(p);
      s.y.push_back(rate);
      if (p == letters && std::string(rule) == "projection") headline = rate;
    }
    out << name << ": " << p << " letters: recall Hebb " << hebb.y.back() << ", projection "
        << projection.y.back() << "\n";
  }

  DemoResult result;
  result.figure_of_merit = "recall rate (projection, " + std::to_string(letters) + " letters)";
  result.value = headline;
  result.passed = headline >= 0.9;
  write_output(options, name + "_load.svg",
               plot::line_chart_svg(
                   {hebb, projection},
                   {.title = "Hopfield letters: exact recall from " +
                             std::to_string(static_cast<int>(noise * 100)) + "% flipped pixels",
                    .x_label = "letters stored (of 140 units)",
                    .y_label = "recall rate"}),
               result);

  // One probe per letter at the stated load, and what the projection net made of it; the
  // energy of the first probe's recall sweep by sweep.
  const std::string stored = order.substr(0, letters);
  const Tensor patterns = letter_patterns(stored, kScale);
  classic::Hopfield net(kHeight * kWidth);
  net.store(patterns, "projection");
  const Probes probes = make_probes(stored, 1, noise, rng);
  const classic::HopfieldRecall r = net.recall(probes.states, {.seed = options.seed});
  std::vector<double> strip;
  const std::vector<double> in = probes.states.to_vector<double>(),
                            got = r.states.to_vector<double>();
  const std::size_t n = kHeight * kWidth;
  for (std::size_t k = 0; k < stored.size(); ++k) {
    strip.insert(strip.end(), in.begin() + k * n, in.begin() + (k + 1) * n);
    strip.insert(strip.end(), got.begin() + k * n, got.begin() + (k + 1) * n);
  }
  const Tensor pairs =
      mz::tensor(strip, Shape{static_cast<int64_t>(2 * stored.size()), static_cast<int64_t>(n)});
  write_output(options, name + "_recall.svg",
               classic::patterns_svg(pairs, kHeight, kWidth,
                                     "Hopfield (projection rule): probe, recall; energy of the "
                                     "first recall",
                                     r.energy[0]),
               result);
  return result;
}

}  // namespace mz::apps
