// The 5x7 font and probe corruption of the associative-memory demos (see letters.h).
#include "examples/apps/letters.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mz/core/error.h"
#include "mz/ops/creation.h"

namespace mz::apps {

namespace {

// Seven rows of five pixels per letter, '#' = ink.
const char* const kFont[26][7] = {
    {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"},  // A
    {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."},  // B
    {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."},  // C
    {"###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."},  // D
    {"#####", "#....", "#....", "####.", "#....", "#....", "#####"},  // E
    {"#####", "#....", "#....", "####.", "#....", "#....", "#...."},  // F
    {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"},  // G
    {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"},  // H
    {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."},  // I
    {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."},  // J
    {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"},  // K
    {"#....", "#....", "#....", "#....", "#....", "#....", "#####"},  // L
    {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"},  // M
    {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"},  // N
    {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."},  // O
    {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."},  // P
    {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"},  // Q
    {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"},  // R
    {".####", "#....", "#....", ".###.", "....#", "....#", "####."},  // S
    {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."},  // T
    {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."},  // U
    {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."},  // V
    {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."},  // W
    {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"},  // X
    {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."},  // Y
    {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"},  // Z
};

}  // namespace

std::vector<double> letter_bitmap(char c, int scale) {
  if (c < 'A' || c > 'Z')
    throw ValueError(
        mz::str("letter_bitmap: letter must be 'A' to 'Z': expected a capital, got '", c, "'."));
  if (scale < 1)
    throw ValueError(
        mz::str("letter_bitmap: scale must be positive: expected >= 1, got ", scale, "."));
  const int h = 7 * scale, w = 5 * scale;
  std::vector<double> out(static_cast<std::size_t>(h) * w);
  for (int r = 0; r < h; ++r)
    for (int col = 0; col < w; ++col)
      out[r * w + col] = kFont[c - 'A'][r / scale][col / scale] == '#' ? 1.0 : -1.0;
  return out;
}

Tensor letter_patterns(const std::string& which, int scale) {
  std::vector<double> flat;
  for (char c : which) {
    const std::vector<double> b = letter_bitmap(c, scale);
    flat.insert(flat.end(), b.begin(), b.end());
  }
  return mz::tensor(flat, Shape{static_cast<int64_t>(which.size()), 35LL * scale * scale});
}

std::string distinct_letter_order(int scale) {
  std::vector<std::vector<double>> all;
  for (char c = 'A'; c <= 'Z'; ++c) all.push_back(letter_bitmap(c, scale));
  auto overlap = [&](int a, int b) {
    return std::abs(std::inner_product(all[a].begin(), all[a].end(), all[b].begin(), 0.0));
  };
  std::string order = "A";
  std::vector<bool> taken(26, false);
  taken[0] = true;
  while (order.size() < 26) {
    int best = -1;
    double best_worst = 1e300;
    for (int c = 0; c < 26; ++c) {
      if (taken[c]) continue;
      double worst = 0;
      for (char t : order) worst = std::max(worst, overlap(c, t - 'A'));
      if (worst < best_worst) best_worst = worst, best = c;
    }
    taken[best] = true;
    order += static_cast<char>('A' + best);
  }
  return order;
}

std::vector<double> corrupt(const std::vector<double>& pattern, double fraction,
                            std::mt19937_64& rng) {
  std::vector<std::size_t> index(pattern.size());
  std::iota(index.begin(), index.end(), 0);
  std::shuffle(index.begin(), index.end(), rng);
  const auto flips = static_cast<std::size_t>(std::lround(fraction * pattern.size()));
  std::vector<double> out = pattern;
  for (std::size_t i = 0; i < flips && i < index.size(); ++i) out[index[i]] = -out[index[i]];
  return out;
}

}  // namespace mz::apps
