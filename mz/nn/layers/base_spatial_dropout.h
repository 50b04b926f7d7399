// BaseSpatialDropout: what SpatialDropout1D/2D/3D share (Keras's BaseSpatialDropout): dropout
// of whole feature maps, one keep/drop draw per (sample, channel), the same over every
// spatial position. Each Keras class is a thin subclass in its own file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mz/core/generator.h"
#include "mz/nn/layer.h"

namespace mz::layers {

// (batch, s1.., sk, channels) -> same shape. In training each (sample, channel) map is zeroed
// with probability rate and the rest scaled by 1 / (1 - rate); the identity in inference.
// Throws ValueError unless 0 <= rate < 1 or for a bad data_format (channels_first included),
// ShapeError for a wrong input rank.
class BaseSpatialDropout : public Layer {
 public:
  double rate() const { return rate_; }

  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys, exactly: "rate", "seed", "name", "dtype" (a NumPy name, as Keras writes
  // self.dtype here) and, for 2-D and 3-D, "data_format". No "trainable": Keras's
  // SpatialDropout constructors do not take it.
  Json config() const override;

  // The layer's own generator when seeded (BackupAndRestore saves and restores it).
  std::vector<Generator*> generators() override {
    return generator_ ? std::vector<Generator*>{&*generator_} : std::vector<Generator*>{};
  }
 protected:
  // class_name: the Keras class; spatial: 1, 2 or 3; a seed gives the layer its own generator.
  BaseSpatialDropout(std::string class_name, int spatial, double rate, std::string data_format,
                     std::optional<int64_t> seed, std::string name, DType dtype);
  // The fields common to the subclasses' from_config: seed, name and dtype.
  struct ConfigFields {
    double rate;
    std::optional<int64_t> seed;
    std::string name;
    DType dtype;
    std::string data_format;
  };
  static ConfigFields fields_from_config(const Json& config, const std::string& who);

 private:
  int spatial_;
  double rate_;
  std::string data_format_;
  std::optional<int64_t> seed_;
  std::optional<Generator> generator_;  // set when seeded
};

}  // namespace mz::layers
