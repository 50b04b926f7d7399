// Wrapper: the base of layers that wrap another layer (Keras's Wrapper; TimeDistributed), and
// the serialization of nested layers (Keras's serialize_keras_object) that wrappers and RNN
// configs use for their "layer" and "cell" keys.
#pragma once

#include <string>
#include <vector>

#include "mz/nn/layer.h"

namespace mz {
namespace layers {

// Holds the wrapped layer: its weights are the wrapper's, set_trainable reaches it, and
// config() writes it under "layer".
class Wrapper : public Layer {
 public:
  const LayerPtr& layer() const { return layer_; }
  std::vector<VariablePtr> weights() const override;
  std::vector<Tensor> losses() const override;
  void set_trainable(bool trainable) override;
  Json config() const override;

 protected:
  // Throws ValueError for a null layer.
  Wrapper(std::string class_name, LayerPtr layer, LayerCommon common);
  // Prefixes the paths of the wrapped layer's weights with this layer's name.
  void adopt_weight_paths(const Layer& inner) const;

  LayerPtr layer_;
};

namespace detail {

// {"module": "keras.layers", "class_name", "config", "registered_name": null} of a layer.
Json serialize_layer(const Layer& layer);
// A layer from such a dict (through layer_from_config); `who` names the caller in errors.
LayerPtr deserialize_layer(const Json& config, const std::string& who);
// The "layer" entry of a wrapper's config, deserialized.
LayerPtr wrapped_layer_from_config(const Json& config, const char* key, const std::string& who);

}  // namespace detail
}  // namespace layers
}  // namespace mz
