// Activation layer: a named activation function, validated at construction.
#include "mz/nn/layers/activation.h"

#include "mz/ops/activation.h"

namespace mz::layers {

Activation::Activation(std::string activation, LayerCommon common)
    : Layer("Activation", std::move(common)), activation_(std::move(activation)) {
  if (activation_.empty()) activation_ = "linear";
  if (!is_activation(activation_))
    throw ValueError(str(who(), ": unknown activation: expected one of ", activation_names(),
                         "; got \"", activation_, "\"."));
}

Tensor Activation::call(const Tensor& x, bool /*training*/) {
  return mz::activation(activation_, x);
}

Json Activation::config() const {
  Json c = Layer::config();
  c["activation"] = activation_;
  return c;
}

std::shared_ptr<Activation> Activation::from_config(const Json& config) {
  const std::string who = "Activation.from_config";
  std::string name = "linear";
  if (config.contains("activation")) {
    const Json& a = config["activation"];
    if (a.is_string())
      name = a.get<std::string>();
    else if (a.is_object() && a.contains("config") && a["config"].is_string())
      name = a["config"].get<std::string>();
    else if (!a.is_null())
      throw ValueError(
          str(who, ": config \"activation\": expected an activation name, got ", a.dump(), "."));
  }
  return std::make_shared<Activation>(name, layer_common_from_config(config, who));
}

}  // namespace mz::layers
