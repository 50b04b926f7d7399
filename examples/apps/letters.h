// The letter patterns of the associative-memory demos: a 5x7 bitmap font of A-Z as bipolar
// vectors (+1 ink, -1 paper), optionally enlarged, and probes with a share of pixels flipped.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "mz/core/tensor.h"

namespace mz::apps {

// Letter c ('A'..'Z') as a bipolar vector of (7 scale) x (5 scale) pixels, row-major; each
// font pixel becomes a scale x scale block. Throws ValueError for other characters.
std::vector<double> letter_bitmap(char c, int scale = 1);

// The letters of `which` as rows of a (letters, 35 scale^2) float64 tensor.
Tensor letter_patterns(const std::string& which, int scale = 1);

// All 26 letters ordered greedily to stay distinct: 'A' first, then each time the letter whose
// largest |overlap| with those already taken is smallest (so the first P are a good set of P).
std::string distinct_letter_order(int scale = 1);

// A copy of pattern with exactly round(fraction * size) distinct pixels flipped.
std::vector<double> corrupt(const std::vector<double>& pattern, double fraction,
                            std::mt19937_64& rng);

}  // namespace mz::apps
