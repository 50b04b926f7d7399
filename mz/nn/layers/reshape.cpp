// Reshape layer: the target shape per sample, with one inferred dimension.
#include "mz/nn/layers/reshape.h"

namespace mz::layers {

Reshape::Reshape(const Shape& target_shape, LayerCommon common)
    : Layer("Reshape", std::move(common)), target_shape_(target_shape) {
  if (target_shape_.rank() + 1 > kMaxRank)
    throw ValueError(str(who(), ": target_shape has too many dimensions: expected at most ",
                         kMaxRank - 1, ", got ", target_shape_, "."));
  int unknown = 0;
  for (int64_t d : target_shape_) {
    if (d == -1) ++unknown;
    if (d == 0 || d < -1 || unknown > 1)
      throw ValueError(str(who(), ": target_shape needs positive sizes and at most one -1: got ",
                           target_shape_, "."));
  }
}

Shape Reshape::resolve(const Shape& input_shape) const {
  if (input_shape.rank() == 0)
    throw ShapeError(str(who(), ": input must have a batch dimension: expected rank >= 1, got ",
                         input_shape, "."));
  int64_t have = 1;
  bool have_known = true;
  for (int i = 1; i < input_shape.rank(); ++i) {
    if (input_shape[i] < 0) have_known = false;
    have *= input_shape[i];
  }
  int64_t known = 1;
  int unknown_at = -1;
  for (int i = 0; i < target_shape_.rank(); ++i) {
    if (target_shape_[i] == -1)
      unknown_at = i;
    else
      known *= target_shape_[i];
  }
  Shape out = target_shape_;
  out.insert(0, input_shape[0]);
  if (!have_known) return out;  // an unknown input size leaves the -1 unresolved
  if (unknown_at >= 0) {
    if (have % known != 0)
      throw ShapeError(str(who(), ": input ", input_shape, " does not fit target shape ",
                           target_shape_, ": expected a multiple of ", known,
                           " values per sample, got ", have, "."));
    out[unknown_at + 1] = have / known;
  } else if (have != known) {
    throw ShapeError(str(who(), ": input ", input_shape, " does not fit target shape ",
                         target_shape_, ": expected ", known, " values per sample, got ", have,
                         "."));
  }
  return out;
}

Tensor Reshape::call(const Tensor& x, bool /*training*/) { return x.reshape(resolve(x.shape())); }

Shape Reshape::compute_output_shape(const Shape& input_shape) { return resolve(input_shape); }

Json Reshape::config() const {
  Json c = Layer::config();
  c["target_shape"] = target_shape_.vec();
  return c;
}

std::shared_ptr<Reshape> Reshape::from_config(const Json& config) {
  const std::string who = "Reshape.from_config";
  if (!config.is_object() || !config.contains("target_shape") || !config["target_shape"].is_array())
    throw ValueError(
        str(who, ": config needs \"target_shape\" (a list), got ", config.dump(), "."));
  Shape target;
  for (const Json& d : config["target_shape"]) {
    if (!d.is_null() && !d.is_number_integer())
      throw ValueError(str(who, ": config \"target_shape\": expected integers, got ",
                           config["target_shape"].dump(), "."));
    target.push_back(d.is_null() ? -1 : d.get<int64_t>());
  }
  return std::make_shared<Reshape>(target, layer_common_from_config(config, who));
}

}  // namespace mz::layers
