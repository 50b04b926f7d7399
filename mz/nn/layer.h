// Layer: Keras's contract. build(input_shape) creates weights lazily on the first call;
// call(inputs, training) computes; config() gives Keras's JSON. Concrete layers live in
// nn/layers/, one class per file, registered by Keras class name in nn/layers/registry.cpp.
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/config.h"
#include "mz/nn/keras_tensor.h"
#include "mz/nn/variable.h"

namespace mz {

class Generator;
class Initializer;

// Fields every layer takes (Keras puts them last: `name`, `trainable`, `dtype`).
struct LayerCommon {
  std::string name{};  // empty: a unique name from the class ("dense", "dense_1", ...)
  bool trainable = true;
  DType dtype = DType::f32;
};

class Layer : public std::enable_shared_from_this<Layer> {
 public:
  // class_name: Keras's class name ("Dense"); common.name empty gets a unique snake_case name.
  Layer(std::string class_name, LayerCommon common);
  virtual ~Layer() = default;

  const std::string& class_name() const { return class_name_; }
  const std::string& name() const { return name_; }
  // "Dense 'dense_2'", for messages.
  std::string who() const;
  DType dtype() const { return dtype_; }
  bool trainable() const { return trainable_; }
  // Freezes (false) or unfreezes the layer: its weights created trainable follow (Keras 3's
  // trainable setter); a model overrides it to reach its layers.
  virtual void set_trainable(bool trainable);
  bool built() const { return built_; }
  // Builds once for inputs of these shapes (batch -1): build_multi() then marks it built; a
  // no-op when built. Models call this rather than build() so weights are never made twice.
  void maybe_build(const std::vector<Shape>& input_shapes);

  // Calls the layer: builds on first use (shapes with the batch dimension), checks inputs
  // against the built shapes, and runs call(). Adds activity regularization to losses().
  Tensor operator()(const Tensor& x, bool training = false);
  std::vector<Tensor> operator()(const std::vector<Tensor>& xs, bool training = false);

  // The functional API: calls the layer on symbolic tensors, recording a node of the graph.
  // The graph shares the layer, so a layer called as an lvalue must be owned by a shared_ptr
  // (a LayerPtr or std::make_shared); a temporary (L::Dense(10)(x)) is copied through its
  // config. The single-tensor forms throw ValueError when the call makes several outputs.
  KerasTensor operator()(const KerasTensor& x) &;
  KerasTensor operator()(const KerasTensor& x) &&;
  std::vector<KerasTensor> operator()(const std::vector<KerasTensor>& xs) &;
  std::vector<KerasTensor> operator()(const std::vector<KerasTensor>& xs) &&;

  // ----- what subclasses implement -----
  // Creates the weights for inputs of `input_shape` (batch dimension -1). Default: nothing.
  virtual void build(const Shape& input_shape) {}
  // The computation for one input.
  virtual Tensor call(const Tensor& x, bool training);
  // Several inputs or outputs (merging layers, RNNs with states); default: one-to-one call().
  virtual void build_multi(const std::vector<Shape>& input_shapes);
  virtual std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training);
  // Output shape for an input shape (batch -1); default: traces call() on zeros.
  virtual Shape compute_output_shape(const Shape& input_shape);
  virtual std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes);
  // Keras's config keys ("units", "activation", ... plus "name", "trainable", "dtype").
  virtual Json config() const;

  // ----- masks (Keras's supports_masking, compute_mask and call(..., mask=)) -----
  // A mask is a uint8 (batch, steps) tensor, 1 where a timestep is real; undefined: none.
  // Whether the layer passes masks on (through compute_mask); otherwise its outputs carry none.
  bool supports_masking() const { return supports_masking_; }
  // Calls the layer with one mask per input (undefined: none), as operator() does, and, when
  // out_masks is given, writes one mask per output there (compute_mask, or none).
  std::vector<Tensor> call_with_masks(const std::vector<Tensor>& xs,
                                      const std::vector<Tensor>& masks, bool training,
                                      std::vector<Tensor>* out_masks);
  // The computation given input masks; default: call_multi(), ignoring the masks. Layers that
  // use masks (RNNs, pooling over steps, attention, merging) override it.
  virtual std::vector<Tensor> call_masked(const std::vector<Tensor>& xs,
                                          const std::vector<Tensor>& masks, bool training);
  // The output masks for these inputs and input masks (called only when supports_masking());
  // default: the first input's mask, for every output.
  virtual std::vector<Tensor> compute_mask(const std::vector<Tensor>& xs,
                                           const std::vector<Tensor>& masks);
  // The layer's own random generators (seeded dropout and noise layers), so checkpoints can
  // save and restore their states; default: none (the layer draws from the default generator).
  virtual std::vector<Generator*> generators() { return {}; }
  // The shape build() was called with (batch -1); empty before build.
  const std::vector<Shape>& build_shapes() const { return build_shapes_; }

  // ----- weights -----
  // Creates a weight (in build()); initializer by Keras name or object.
  VariablePtr add_weight(const std::string& name, const Shape& shape,
                         const std::shared_ptr<Initializer>& initializer, bool trainable = true,
                         std::shared_ptr<Regularizer> regularizer = nullptr,
                         std::shared_ptr<Constraint> constraint = nullptr);
  // Weights in creation order (Keras's order for saving), including sublayers'.
  virtual std::vector<VariablePtr> weights() const;
  std::vector<VariablePtr> trainable_weights() const;
  std::vector<VariablePtr> non_trainable_weights() const;
  int64_t count_params() const;
  // Regularization terms from the last call (activity) and the weights (kernel, bias).
  virtual std::vector<Tensor> losses() const;
  // Sets values in weights() order; throws ShapeError naming the weight on a mismatch.
  void set_weights(const std::vector<Tensor>& values);
  std::vector<Tensor> get_weights() const;

 protected:
  // Marks the layer built; subclasses that override build_multi call it.
  void mark_built(const std::vector<Shape>& shapes);
  // The activity regularization of this call (set by subclasses that support it).
  std::vector<Tensor> activity_losses_;
  // Keras's activity_regularizer: operator() applies it to each output into activity_losses_.
  std::shared_ptr<Regularizer> activity_regularizer_;
  std::vector<VariablePtr> weights_;
  // Set by layers that keep masks (Keras's self.supports_masking = True).
  bool supports_masking_ = false;

 private:
  // Builds for xs (naming the layer on an undefined input) and casts them to the layer dtype.
  std::vector<Tensor> prepare(const std::vector<Tensor>& xs);

  std::string class_name_, name_;
  bool trainable_ = true;
  DType dtype_ = DType::f32;
  bool built_ = false;
  std::vector<Shape> build_shapes_;
  std::vector<VariablePtr> created_trainable_;  // what set_trainable(true) turns back on
};

// A shared layer handle: built from a layer value (moved into shared ownership) or a
// shared_ptr, so models take `L::Dense(10)` directly.
class LayerPtr {
 public:
  template <class T>
    requires std::derived_from<std::remove_cvref_t<T>, Layer>
  LayerPtr(T&& layer)  // NOLINT: implicit on purpose
      : ptr_(std::make_shared<std::remove_cvref_t<T>>(std::forward<T>(layer))) {}
  template <class T>
    requires std::derived_from<T, Layer>
  LayerPtr(std::shared_ptr<T> layer) : ptr_(std::move(layer)) {}  // NOLINT
  Layer* operator->() const { return ptr_.get(); }
  Layer& operator*() const { return *ptr_; }
  const std::shared_ptr<Layer>& get() const { return ptr_; }

 private:
  std::shared_ptr<Layer> ptr_;
};

// Keras's to_snake_case: "BatchNormalization" -> "batch_normalization".
std::string to_snake_case(const std::string& class_name);
// A unique name for a new layer: base, base_1, base_2, ... (per process, until clear_session).
std::string unique_layer_name(const std::string& base);
// Forgets the names handed out (Keras's keras.backend.clear_session()).
void clear_session();

// Keras 3's dtype policy: {"module": "keras", "class_name": "DTypePolicy",
// "config": {"name": "float32"}, "registered_name": null}.
Json dtype_policy_config(DType dtype);
// The dtype of a config's "dtype": a policy dict, a NumPy name or null (float32); throws
// ValueError naming `who` for anything else.
DType dtype_from_config(const Json& dtype, const std::string& who);
// The common fields of a layer config ("name", "trainable", "dtype"), for from_config.
LayerCommon layer_common_from_config(const Json& config, const std::string& who);

}  // namespace mz
