// Generator: an explicit, seedable source of randomness (mt19937_64, whose output the C++
// standard fixes, plus our own distribution code, so a seed gives the same numbers everywhere).
// The process default generator is seeded by mz::set_seed.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace mz {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) { reseed(seed); }
  void reseed(uint64_t seed);
  uint64_t initial_seed() const { return seed_; }

  uint64_t next_u64() { return engine_(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n), unbiased.
  uint64_t below(uint64_t n);
  // Standard normal (Box–Muller; the second value of each pair is kept for the next call).
  double normal();

  // The complete state as text, and back (checkpoints restore it exactly).
  std::string state() const;
  void set_state(const std::string& state);

 private:
  std::mt19937_64 engine_;
  uint64_t seed_ = 0;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// The generator used when none is passed.
Generator& default_generator();
// Reseeds the default generator: the same seed gives the same weights, dropout and shuffles.
void set_seed(uint64_t seed);

}  // namespace mz
