// ctc_decode: argument checks, then greedy or prefix beam search per sample on a host copy of
// the logits, in double. Beam prefixes live in a trie (one node per distinct label sequence),
// so extending a prefix by a label is a hash lookup, not a copy.
#include "mz/ops/ctc_decode.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <vector>

#include "mz/ops/creation.h"

namespace mz {
namespace {

constexpr const char* kWho = "ctc_decode";
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// log(exp(a) + exp(b)), exact at -inf.
double log_add(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  return a > b ? a + std::log1p(std::exp(b - a)) : b + std::log1p(std::exp(a - b));
}

// One sample's view: rows of `classes` values, `steps` of them.
struct Sample {
  const double* x;
  int64_t steps, classes;
  double at(int64_t t, int64_t k) const { return x[t * classes + k]; }
};

// Greedy: argmax per step (first at ties) over the first `len` steps; writes the labels into
// out (left-aligned, the rest untouched) and returns -sum of the maxima.
double greedy(const Sample& s, int64_t len, const CtcDecodeOptions& o, int64_t* out) {
  double score = 0.0;
  int64_t prev = o.mask_index, n = 0;
  for (int64_t t = 0; t < len; ++t) {
    int64_t best = 0;
    for (int64_t k = 1; k < s.classes; ++k)
      if (s.at(t, k) > s.at(t, best)) best = k;
    score -= s.at(t, best);
    const bool repeat = o.merge_repeated && best == prev;
    prev = best;
    if (best != o.mask_index && !repeat) out[n++] = best;
  }
  return score;
}

// The prefix trie of one sample's beam search: node 0 is the empty sequence.
class PrefixTrie {
 public:
  explicit PrefixTrie(int64_t classes) : classes_(classes) { nodes_.push_back({-1, -1}); }
  // The node of `node`'s sequence followed by `label`, created on first use.
  int64_t child(int64_t node, int64_t label) {
    auto [it, fresh] = children_.try_emplace(node * classes_ + label, 0);
    if (fresh) {
      it->second = static_cast<int64_t>(nodes_.size());
      nodes_.push_back({node, label});
    }
    return it->second;
  }
  int64_t last_label(int64_t node) const { return nodes_[node].label; }
  // The sequence of `node`, first label first.
  std::vector<int64_t> sequence(int64_t node) const {
    std::vector<int64_t> seq;
    for (; node > 0; node = nodes_[node].parent) seq.push_back(nodes_[node].label);
    std::reverse(seq.begin(), seq.end());
    return seq;
  }

 private:
  struct Node {
    int64_t parent, label;
  };
  int64_t classes_;
  std::vector<Node> nodes_;
  std::unordered_map<int64_t, int64_t> children_;
};

// A prefix and the log probabilities of its paths ending in a blank and in its last label.
struct Beam {
  int64_t node;
  double blank, label;
  double total() const { return log_add(blank, label); }
};

// Prefix beam search over the first `len` steps of log-probabilities; returns the best
// min(top_paths, beams left) sequences with their log probabilities, best first.
std::vector<std::pair<std::vector<int64_t>, double>> beam_search(const Sample& lp, int64_t len,
                                                                 const CtcDecodeOptions& o) {
  const int64_t blank = o.mask_index;
  PrefixTrie trie(lp.classes);
  std::vector<Beam> beams = {{0, 0.0, kNegInf}};
  std::vector<Beam> next;
  std::unordered_map<int64_t, std::size_t> slot;  // node -> index in next
  auto add = [&](int64_t node, double to_blank, double to_label) {
    auto [it, fresh] = slot.try_emplace(node, next.size());
    if (fresh) next.push_back({node, kNegInf, kNegInf});
    Beam& b = next[it->second];
    b.blank = log_add(b.blank, to_blank);
    b.label = log_add(b.label, to_label);
  };
  // Best first; equal totals keep the older prefix first, so the order is deterministic.
  auto better = [](const Beam& a, const Beam& b) {
    const double ta = a.total(), tb = b.total();
    return ta != tb ? ta > tb : a.node < b.node;
  };
  for (int64_t t = 0; t < len; ++t) {
    next.clear();
    slot.clear();
    for (const Beam& b : beams) {
      const double total = b.total();
      add(b.node, total + lp.at(t, blank), kNegInf);  // a blank keeps the prefix
      const int64_t last = trie.last_label(b.node);
      for (int64_t c = 0; c < lp.classes; ++c) {
        if (c == blank) continue;
        const double p = lp.at(t, c);
        if (c == last) {
          add(b.node, kNegInf, b.label + p);                 // repeat without a blank: merged
          add(trie.child(b.node, c), kNegInf, b.blank + p);  // blank between: a new label
        } else {
          add(trie.child(b.node, c), kNegInf, total + p);
        }
      }
    }
    const auto keep = std::min<std::size_t>(next.size(), static_cast<std::size_t>(o.beam_width));
    std::partial_sort(next.begin(), next.begin() + static_cast<std::ptrdiff_t>(keep), next.end(),
                      better);
    next.resize(keep);
    beams.swap(next);
  }
  std::sort(beams.begin(), beams.end(), better);
  std::vector<std::pair<std::vector<int64_t>, double>> out;
  for (const Beam& b : beams) {
    if (static_cast<int64_t>(out.size()) == o.top_paths) break;
    out.emplace_back(trie.sequence(b.node), b.total());
  }
  return out;
}

void check(const Tensor& logits, const Tensor& lengths, const CtcDecodeOptions& o) {
  if (logits.rank() != 3)
    throw ShapeError(str(kWho, ": logits must be (batch, steps, classes): expected rank 3, got ",
                         "shape ", logits.shape(), "."));
  if (!is_floating(logits.dtype()))
    throw ValueError(
        str(kWho, ": logits must be float32 or float64, got ", dtype_name(logits.dtype()), "."));
  if (lengths.rank() != 1 || lengths.size(0) != logits.size(0))
    throw ShapeError(str(kWho, ": sequence_lengths must have one length per sample of logits ",
                         logits.shape(), ": expected shape ", Shape{logits.size(0)}, ", got ",
                         lengths.shape(), "."));
  if (is_floating(lengths.dtype()))
    throw ValueError(str(kWho, ": sequence_lengths must hold integers: expected int32 or ",
                         "int64, got ", dtype_name(lengths.dtype()), "."));
  if (o.strategy != "greedy" && o.strategy != "beam_search")
    throw ValueError(str(kWho, ": unknown strategy: expected \"greedy\" or \"beam_search\", got \"",
                         o.strategy, "\"."));
  if (o.mask_index < 0 || o.mask_index >= logits.size(2))
    throw ValueError(str(kWho, ": mask_index is out of range: expected 0 to ", logits.size(2) - 1,
                         " (classes ", logits.size(2), "), got ", o.mask_index, "."));
  if (o.strategy == "beam_search") {
    if (o.beam_width < 1)
      throw ValueError(
          str(kWho, ": beam_width must be positive: expected at least 1, got ", o.beam_width, "."));
    if (o.top_paths < 1 || o.top_paths > o.beam_width)
      throw ValueError(str(kWho, ": top_paths is out of range: expected 1 to ", o.beam_width,
                           " (beam_width), got ", o.top_paths, "."));
  }
}

}  // namespace

CtcDecoded ctc_decode(const Tensor& logits, const Tensor& sequence_lengths,
                      const CtcDecodeOptions& options) {
  check(logits, sequence_lengths, options);
  const int64_t batch = logits.size(0), steps = logits.size(1), classes = logits.size(2);
  std::vector<int64_t> lengths = sequence_lengths.to_vector<int64_t>();
  for (int64_t b = 0; b < batch; ++b)
    if (lengths[b] < 0 || lengths[b] > steps)
      throw ValueError(str(kWho, ": sequence_lengths[", b, "] is out of range: expected 0 to ",
                           steps, " (logits' steps), got ", lengths[b], "."));
  std::vector<double> x = logits.to_vector<double>();
  const bool greedy_mode = options.strategy == "greedy";
  const int64_t paths = greedy_mode ? 1 : options.top_paths;
  std::vector<int64_t> decoded(paths * batch * steps, -1);
  std::vector<double> scores(batch * paths, kNegInf);

  for (int64_t b = 0; b < batch; ++b) {
    double* row = x.data() + b * steps * classes;
    const Sample sample{row, steps, classes};
    if (greedy_mode) {
      scores[b] = greedy(sample, lengths[b], options, &decoded[b * steps]);
      continue;
    }
    // log_softmax in place over the steps that count.
    for (int64_t t = 0; t < lengths[b]; ++t) {
      double* r = row + t * classes;
      const double m = *std::max_element(r, r + classes);
      double s = 0.0;
      for (int64_t k = 0; k < classes; ++k) s += std::exp(r[k] - m);
      const double log_s = m + std::log(s);
      for (int64_t k = 0; k < classes; ++k) r[k] -= log_s;
    }
    auto best = beam_search(sample, lengths[b], options);
    for (std::size_t p = 0; p < best.size(); ++p) {
      const auto& seq = best[p].first;
      std::copy(seq.begin(), seq.end(), decoded.begin() + (p * batch + b) * steps);
      scores[b * paths + p] = best[p].second;
    }
  }
  const Device dev = logits.device();
  return {tensor(decoded, Shape{paths, batch, steps}, {.dtype = DType::i64, .device = dev}),
          tensor(scores, Shape{batch, paths}, {.dtype = logits.dtype(), .device = dev})};
}

}  // namespace mz
