// plot_model: a model's graph as Graphviz DOT, and through Graphviz's library as SVG, PNG or
// PDF (Keras's keras.utils.plot_model and model_to_dot).
#pragma once

#include <string>

#include "mz/nn/model.h"

namespace mz {

// Keras's plot_model arguments (expand_nested and dpi aside).
struct PlotOptions {
  bool show_shapes = false;
  bool show_dtype = false;
  bool show_layer_names = true;
  std::string rankdir = "TB";  // "TB" top to bottom, "LR" left to right
  bool show_layer_activations = false;
  bool show_trainable = false;
};

// The model's layers and their connections in the DOT language.
std::string model_to_dot(const Model& model, const PlotOptions& options = {});

// Writes the plot to `to_file`, its format from the extension: ".dot" (always available),
// ".svg", ".png" or ".pdf" (with Graphviz; IoError saying how to get it otherwise). The file
// is written atomically.
void plot_model(const Model& model, const std::string& to_file, const PlotOptions& options = {});

}  // namespace mz
