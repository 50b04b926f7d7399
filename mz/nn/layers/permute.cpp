// Permute layer: Tensor::permute with the batch axis kept first.
#include "mz/nn/layers/permute.h"

#include <algorithm>

namespace mz::layers {
namespace {

std::string dims_text(const std::vector<int>& dims) {
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) s += str(i ? ", " : "", dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

}  // namespace

Permute::Permute(std::vector<int> dims, LayerCommon common)
    : Layer("Permute", std::move(common)), dims_(std::move(dims)) {
  std::vector<int> sorted = dims_;
  std::sort(sorted.begin(), sorted.end());
  bool ok = !sorted.empty() && static_cast<int>(sorted.size()) < kMaxRank;
  for (std::size_t i = 0; ok && i < sorted.size(); ++i) ok = sorted[i] == static_cast<int>(i) + 1;
  if (!ok)
    throw ValueError(str(who(),
                         ": dims must be a permutation of 1..n (the batch axis 0 stays): "
                         "expected each of 1..",
                         dims_.size(), " once, got ", dims_text(dims_), "."));
}

void Permute::check_rank(const Shape& shape) const {
  if (shape.rank() != static_cast<int>(dims_.size()) + 1)
    throw ShapeError(str(who(), ": input must have ", dims_.size(), " axes after the batch one ",
                         "for dims ", dims_text(dims_), ": expected rank ", dims_.size() + 1,
                         ", got ", shape, "."));
}

Tensor Permute::call(const Tensor& x, bool /*training*/) {
  check_rank(x.shape());
  std::vector<int> axes{0};
  axes.insert(axes.end(), dims_.begin(), dims_.end());
  return x.permute(axes);
}

Shape Permute::compute_output_shape(const Shape& input_shape) {
  check_rank(input_shape);
  Shape out{input_shape[0]};
  for (int d : dims_) out.push_back(input_shape[d]);
  return out;
}

Json Permute::config() const {
  Json c = Layer::config();
  c["dims"] = dims_;
  return c;
}

std::shared_ptr<Permute> Permute::from_config(const Json& config) {
  const std::string who = "Permute.from_config";
  if (!config.is_object() || !config.contains("dims") || !config["dims"].is_array())
    throw ValueError(str(who, ": config needs \"dims\" (a list), got ", config.dump(), "."));
  std::vector<int> dims;
  for (const Json& d : config["dims"]) {
    if (!d.is_number_integer())
      throw ValueError(
          str(who, ": config \"dims\": expected integers, got ", config["dims"].dump(), "."));
    dims.push_back(d.get<int>());
  }
  return std::make_shared<Permute>(std::move(dims), layer_common_from_config(config, who));
}

}  // namespace mz::layers
