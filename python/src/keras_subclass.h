// Layers and models subclassed in Python (Keras's `class MyLayer(keras.layers.Layer)` and
// `class MyModel(keras.Model)`): C++ layers whose build(), call(), get_config() and
// compute_output_shape() run the Python class's methods with the GIL held (keras_subclass.cpp).
#pragma once

#include <nanobind/nanobind.h>

#include <string>
#include <vector>

#include "mz/nn/layer.h"
#include "mz/nn/model.h"

namespace mz::py {

// The common fields (name, trainable, dtype) of Keras's Layer(**kwargs); ValueError naming
// `who` for any other keyword.
LayerCommon layer_common_from_kwargs(nanobind::kwargs kwargs, const char* who);

// A layer subclassed in Python. The Python object owns it (`self_` is borrowed); every hook
// takes the GIL, so the training loop may call it with the GIL released.
class PyLayer : public Layer {
 public:
  PyLayer(nanobind::handle self, LayerCommon common);
  void build_multi(const std::vector<Shape>& input_shapes) override;
  Tensor call(const Tensor& x, bool training) override;
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
  Json config() const override;
  // Own weights (add_weight), then those of the layers held as attributes, in order.
  std::vector<VariablePtr> weights() const override;
  std::vector<Tensor> losses() const override;
  void set_trainable(bool trainable) override;

 private:
  PyObject* self_;
};

// A model subclassed in Python (layers as attributes, call() in Python), or a functional
// model made from Python (Model(inputs, outputs), whose methods stay C++'s).
class PyModel : public Model {
 public:
  PyModel(nanobind::handle self, LayerCommon common);
  PyModel(nanobind::handle self, const KerasTensors& inputs, const KerasTensors& outputs,
          LayerCommon common);
  void build_multi(const std::vector<Shape>& input_shapes) override;
  Tensor call(const Tensor& x, bool training) override;
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
  Json config() const override;
  // A subclassed model: the layers held as attributes; a functional one: its graph's.
  std::vector<LayerPtr> layers() const override;

 private:
  PyObject* self_;
};

// Keras's Layer.add_weight(shape, initializer, dtype, trainable, autocast, regularizer,
// constraint, aggregation, overwrite_with_gradient, name) on a layer made in Python.
VariablePtr add_weight_py(Layer& layer, nanobind::handle shape, nanobind::handle initializer,
                          nanobind::handle dtype, bool trainable, nanobind::handle regularizer,
                          nanobind::handle constraint, nanobind::handle name);
// The config of the C++ part only (Layer::config() of a Python layer, whose get_config()
// calls super().get_config()); the full config for C++ layers.
Json base_config(const Layer& layer);
// Sends configs of layer classes the C++ registry lacks to merezha.saving (the classes
// registered with register_keras_serializable or passed as custom_objects).
void install_layer_fallback();
// The training flag of the innermost Python call() running on this thread, or -1 outside any:
// a sublayer called there with training=None inherits it (Keras's call context).
int current_training();

}  // namespace mz::py
