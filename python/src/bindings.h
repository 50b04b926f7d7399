// The parts of merezha._merezha: each bind_* function adds one area's classes and functions to
// the module (module.cpp calls them in order: errors first, so later parts can raise them).
#pragma once

#include <nanobind/nanobind.h>

namespace mz::py {

// merezha.Error and its subclasses, and the translation of mz::Error into them (errors.cpp).
void bind_errors(nanobind::module_& m);
// merezha.Tensor and the ndarray <-> Tensor conversions (tensor.cpp).
void bind_tensor(nanobind::module_& m);

// merezha.neurolab's C++ side: mz::classic::nl's Net, transfers, errors (neurolab.cpp).
void bind_neurolab(nanobind::module_& m);
// The Keras face: layers, KerasTensor and Input (keras_layers.cpp); optimizers, losses,
// metrics and callbacks (keras_training.cpp); Model and Sequential (keras_model.cpp); Tensor
// operators and merezha.ops (keras_ops.cpp). In this order: each uses the classes before it.
void bind_keras_layers(nanobind::module_& m);
void bind_keras_training(nanobind::module_& m);
void bind_keras_model(nanobind::module_& m);
void bind_keras_ops(nanobind::module_& m);

}  // namespace mz::py
