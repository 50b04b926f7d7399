// Embedding: the table, the lookup through take() (its gradient is a scatter-add into the
// rows used), the index check, the mask_zero mask and the Keras config.
#include "mz/nn/layers/embedding.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/index.h"
#include "mz/ops/shape.h"

namespace mz {
namespace layers {
namespace {

// The indices as an integer tensor: floating ones truncated, as Keras's cast to int32.
Tensor as_indices(const Tensor& x) {
  return is_floating(x.dtype()) ? cast(x.detach(), DType::i64) : x.detach();
}

// Flat position p of `shape` as a Python tuple: "(1, 2)".
std::string position(const Shape& shape, int64_t p) {
  std::vector<int64_t> at(static_cast<std::size_t>(shape.rank()));
  for (int d = shape.rank() - 1; d >= 0; --d) {
    at[d] = shape[d] > 0 ? p % shape[d] : 0;
    p = shape[d] > 0 ? p / shape[d] : 0;
  }
  return to_string(Shape(at));
}

}  // namespace

Embedding::Embedding(int64_t input_dim, int64_t output_dim, EmbeddingOptions options)
    : Layer("Embedding", LayerCommon{.name = std::move(options.name),
                                     .trainable = options.trainable,
                                     .dtype = options.dtype}),
      input_dim_(input_dim),
      output_dim_(output_dim),
      mask_zero_(options.mask_zero),
      embeddings_initializer_(options.embeddings_initializer.get()),
      embeddings_regularizer_(options.embeddings_regularizer.get()),
      embeddings_constraint_(options.embeddings_constraint.get()) {
  if (input_dim_ < 1)
    throw ValueError(
        str(who(), ": input_dim must be positive: expected input_dim >= 1, got ", input_dim_, "."));
  if (output_dim_ < 1)
    throw ValueError(str(who(), ": output_dim must be positive: expected output_dim >= 1, got ",
                         output_dim_, "."));
  if (!embeddings_initializer_) embeddings_initializer_ = get_initializer("uniform");
  activity_regularizer_ = options.activity_regularizer.get();
  supports_masking_ = mask_zero_;
}

void Embedding::build(const Shape& /*input_shape*/) {
  embeddings_ = add_weight("embeddings", {input_dim_, output_dim_}, embeddings_initializer_, true,
                           embeddings_regularizer_, embeddings_constraint_);
}

Tensor Embedding::call(const Tensor& x, bool /*training*/) {
  Tensor index = as_indices(x);
  // Checked here, on the host, so that negative indices do not wrap around as NumPy's do.
  const std::vector<int64_t> values = index.to_vector<int64_t>();
  for (std::size_t p = 0; p < values.size(); ++p)
    if (values[p] < 0 || values[p] >= input_dim_)
      throw ValueError(str(who(), ": index ", values[p], " at position ",
                           position(x.shape(), static_cast<int64_t>(p)),
                           " is out of range: expected 0 <= index < ", input_dim_,
                           " (input_dim)."));
  Shape out = x.shape();
  out.push_back(output_dim_);
  return take(embeddings_->value, index.reshape({index.numel()}), 0).reshape(out);
}

std::vector<Tensor> Embedding::compute_mask(const std::vector<Tensor>& xs,
                                            const std::vector<Tensor>& /*masks*/) {
  if (!mask_zero_ || xs.empty()) return {Tensor()};
  Tensor index = as_indices(xs[0]);
  return {ne(index, zeros({}, {.dtype = index.dtype(), .device = index.device()}))};
}

Shape Embedding::compute_output_shape(const Shape& input_shape) {
  Shape out = input_shape;
  out.push_back(output_dim_);
  return out;
}

Json Embedding::config() const {
  Json c = Layer::config();
  c["input_dim"] = input_dim_;
  c["output_dim"] = output_dim_;
  c["embeddings_initializer"] = initializer_to_config(embeddings_initializer_);
  c["embeddings_regularizer"] = regularizer_to_config(embeddings_regularizer_);
  c["activity_regularizer"] = regularizer_to_config(activity_regularizer_);
  c["embeddings_constraint"] = constraint_to_config(embeddings_constraint_);
  c["mask_zero"] = mask_zero_;
  return c;
}

std::shared_ptr<Embedding> Embedding::from_config(const Json& config) {
  const std::string who = "Embedding.from_config";
  if (!config.is_object() || !config.contains("input_dim") || !config.contains("output_dim"))
    throw ValueError(
        str(who, ": config needs \"input_dim\" and \"output_dim\", got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  auto get = [&](const char* key) { return config.contains(key) ? config[key] : Json(nullptr); };
  return std::make_shared<Embedding>(
      config_get<int64_t>(config, "input_dim", 0, who),
      config_get<int64_t>(config, "output_dim", 0, who),
      EmbeddingOptions{
          .embeddings_initializer = config.contains("embeddings_initializer") &&
                                            !config["embeddings_initializer"].is_null()
                                        ? initializer_from_config(config["embeddings_initializer"])
                                        : get_initializer("uniform"),
          .embeddings_regularizer = regularizer_from_config(get("embeddings_regularizer")),
          .embeddings_constraint = constraint_from_config(get("embeddings_constraint")),
          .mask_zero = config_get(config, "mask_zero", false, who),
          .activity_regularizer = regularizer_from_config(get("activity_regularizer")),
          .name = common.name,
          .trainable = common.trainable,
          .dtype = common.dtype});
}

}  // namespace layers
}  // namespace mz
