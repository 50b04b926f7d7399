// Generator distributions and state.
#include "mz/core/generator.h"

#include <bit>
#include <cmath>
#include <numbers>
#include <sstream>

#include "mz/core/error.h"

namespace mz {

void Generator::reseed(uint64_t seed) {
  seed_ = seed;
  engine_.seed(seed);
  has_spare_ = false;
}

uint64_t Generator::below(uint64_t n) {
  MZ_ASSERT(n > 0);
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = engine_();
  while (x >= limit);
  return x % n;
}

double Generator::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1;
  do u1 = uniform();
  while (u1 <= 0.0);
  double u2 = uniform();
  double r = std::sqrt(-2.0 * std::log(u1));
  double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

std::string Generator::state() const {
  std::ostringstream out;
  out << seed_ << ' ' << has_spare_ << ' ' << std::bit_cast<uint64_t>(spare_) << ' ' << engine_;
  return out.str();
}

void Generator::set_state(const std::string& state) {
  std::istringstream in(state);
  Generator g;
  uint64_t spare_bits = 0;
  in >> g.seed_ >> g.has_spare_ >> spare_bits >> g.engine_;
  g.spare_ = std::bit_cast<double>(spare_bits);
  if (!in) throw FormatError("Generator::set_state: the state text is malformed.");
  *this = g;
}

Generator& default_generator() {
  static Generator generator(0);
  return generator;
}

void set_seed(uint64_t seed) { default_generator().reseed(seed); }

}  // namespace mz
