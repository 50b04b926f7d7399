// Wrapper's pass-through of weights, losses and trainability, and nested-layer serialization.
#include "mz/nn/layers/wrapper.h"

#include "mz/nn/layers/registry.h"

namespace mz {
namespace layers {

Wrapper::Wrapper(std::string class_name, LayerPtr layer, LayerCommon common)
    : Layer(std::move(class_name), std::move(common)), layer_(std::move(layer)) {
  if (!layer_.get())
    throw ValueError(str(who(), ": expected a layer to wrap, got a null pointer."));
}

std::vector<VariablePtr> Wrapper::weights() const { return layer_->weights(); }

std::vector<Tensor> Wrapper::losses() const {
  std::vector<Tensor> out = activity_losses_;
  for (const Tensor& t : layer_->losses()) out.push_back(t);
  return out;
}

void Wrapper::set_trainable(bool trainable) {
  Layer::set_trainable(trainable);
  layer_->set_trainable(trainable);
}

Json Wrapper::config() const {
  Json c = Layer::config();
  c["layer"] = detail::serialize_layer(*layer_);
  return c;
}

void Wrapper::adopt_weight_paths(const Layer& inner) const {
  for (const VariablePtr& v : inner.weights()) v->path = str(name(), "/", v->path);
}

namespace detail {

Json serialize_layer(const Layer& layer) {
  return {{"module", "keras.layers"},
          {"class_name", layer.class_name()},
          {"config", layer.config()},
          {"registered_name", nullptr}};
}

LayerPtr deserialize_layer(const Json& config, const std::string& who) {
  if (!config.is_object() || !config.contains("class_name"))
    throw ValueError(str(who,
                         ": expected a serialized layer {\"class_name\": ..., \"config\": "
                         "{...}}, got ",
                         config.dump(), "."));
  return layer_from_config(config);
}

LayerPtr wrapped_layer_from_config(const Json& config, const char* key, const std::string& who) {
  if (!config.is_object() || !config.contains(key))
    throw ValueError(str(who, ": config needs \"", key, "\", got ", config.dump(), "."));
  return deserialize_layer(config[key], who);
}

}  // namespace detail
}  // namespace layers
}  // namespace mz
