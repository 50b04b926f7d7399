// The element-wise merging layers (Keras's Merge family): Add, Subtract, Multiply, Average,
// Maximum, Minimum. They take a list of tensors of compatible shapes (equal, or 1 where the
// other has more; lower ranks gain axes after the batch one) and keep masks (the logical and).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layer.h"

namespace mz::layers {

// What every merging layer takes: the common layer fields.
struct MergeOptions {
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// The shared part: input checks (at least two inputs, compatible shapes, naming both shapes),
// rank alignment, masks and config. Subclasses give the element-wise reduction.
class Merge : public Layer {
 public:
  Merge(std::string class_name, MergeOptions options);

  void build_multi(const std::vector<Shape>& input_shapes) override;
  Tensor call(const Tensor& x, bool training) override;
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  std::vector<Tensor> compute_mask(const std::vector<Tensor>& xs,
                                   const std::vector<Tensor>& masks) override;

 protected:
  // The merge of inputs already aligned to one rank.
  virtual Tensor merge(const std::vector<Tensor>& xs) const = 0;
  // Inputs this layer needs: at least 2 (Subtract: exactly 2).
  virtual void check_count(std::size_t n) const;
};

class Add : public Merge {
 public:
  explicit Add(MergeOptions options = {}) : Merge("Add", std::move(options)) {}
  static std::shared_ptr<Add> from_config(const Json& config);

 protected:
  Tensor merge(const std::vector<Tensor>& xs) const override;
};

// x0 - x1, exactly two inputs.
class Subtract : public Merge {
 public:
  explicit Subtract(MergeOptions options = {}) : Merge("Subtract", std::move(options)) {}
  static std::shared_ptr<Subtract> from_config(const Json& config);

 protected:
  Tensor merge(const std::vector<Tensor>& xs) const override;
  void check_count(std::size_t n) const override;
};

class Multiply : public Merge {
 public:
  explicit Multiply(MergeOptions options = {}) : Merge("Multiply", std::move(options)) {}
  static std::shared_ptr<Multiply> from_config(const Json& config);

 protected:
  Tensor merge(const std::vector<Tensor>& xs) const override;
};

class Average : public Merge {
 public:
  explicit Average(MergeOptions options = {}) : Merge("Average", std::move(options)) {}
  static std::shared_ptr<Average> from_config(const Json& config);

 protected:
  Tensor merge(const std::vector<Tensor>& xs) const override;
};

class Maximum : public Merge {
 public:
  explicit Maximum(MergeOptions options = {}) : Merge("Maximum", std::move(options)) {}
  static std::shared_ptr<Maximum> from_config(const Json& config);

 protected:
  Tensor merge(const std::vector<Tensor>& xs) const override;
};

class Minimum : public Merge {
 public:
  explicit Minimum(MergeOptions options = {}) : Merge("Minimum", std::move(options)) {}
  static std::shared_ptr<Minimum> from_config(const Json& config);

 protected:
  Tensor merge(const std::vector<Tensor>& xs) const override;
};

// MergeOptions from a config's common fields.
MergeOptions merge_options_from_config(const Json& config, const std::string& who);

}  // namespace mz::layers
