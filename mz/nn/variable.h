// Variable: a named weight of a layer (or an optimizer slot), with its regularizer and
// constraint. Its Tensor requires grad when trainable.
#pragma once

#include <memory>
#include <string>

#include "mz/core/tensor.h"

namespace mz {

class Regularizer;
class Constraint;

struct Variable {
  std::string name;  // "kernel"
  std::string path;  // "dense/kernel", unique within a model
  Tensor value;
  bool trainable = true;
  std::shared_ptr<Regularizer> regularizer;  // adds to the loss; may be null
  std::shared_ptr<Constraint> constraint;    // applied after each optimizer step; may be null
};

using VariablePtr = std::shared_ptr<Variable>;

}  // namespace mz
