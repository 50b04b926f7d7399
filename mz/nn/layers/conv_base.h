// ConvBase: what every convolution layer shares (Keras's BaseConv, BaseConvTranspose,
// BaseDepthwiseConv and BaseSeparableConv in one class): argument checks, weights, the padding
// rule, the forward through mz::conv, shapes and the Keras config. The public layers
// (Conv1D ... SeparableConv2D) are thin subclasses that name a kind and a rank.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/layer.h"
#include "mz/nn/regularizers.h"
#include "mz/ops/conv.h"

namespace mz::layers {

// Keras's int-or-tuple arguments (kernel_size, strides, dilation_rate, output_padding): one
// value for every spatial axis (3) or one per axis ({3, 5}).
class SpatialInts {
 public:
  SpatialInts(int64_t value) : values_{value} {}                            // NOLINT
  SpatialInts(int value) : values_{value} {}                                // NOLINT
  SpatialInts(std::initializer_list<int64_t> values) : values_(values) {}   // NOLINT
  SpatialInts(std::vector<int64_t> values) : values_(std::move(values)) {}  // NOLINT
  const std::vector<int64_t>& values() const { return values_; }

 private:
  std::vector<int64_t> values_;
};

// Which of Keras's convolution families a layer belongs to.
enum class ConvKind { conv, transpose, depthwise, separable };

// Everything a convolution layer is made from; each public layer fills it from its options.
struct ConvSpec {
  ConvKind kind = ConvKind::conv;
  int rank = 2;                  // spatial axes
  int64_t filters = 0;           // out channels (conv, transpose, separable)
  int64_t depth_multiplier = 1;  // depthwise, separable
  SpatialInts kernel_size = 1;
  SpatialInts strides = 1;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  SpatialInts dilation_rate = 1;
  int64_t groups = 1;                         // conv
  std::optional<SpatialInts> output_padding;  // transpose; none: Keras's None
  std::string activation{};
  bool use_bias = true;
  // The kernel of conv and transpose; the depthwise kernel of depthwise and separable.
  InitializerSpec kernel_initializer = "glorot_uniform";
  InitializerSpec pointwise_initializer = "glorot_uniform";  // separable
  InitializerSpec bias_initializer = "zeros";
  RegularizerSpec kernel_regularizer{};
  RegularizerSpec pointwise_regularizer{};
  RegularizerSpec bias_regularizer{};
  RegularizerSpec activity_regularizer{};
  ConstraintSpec kernel_constraint{};
  ConstraintSpec pointwise_constraint{};
  ConstraintSpec bias_constraint{};
  LayerCommon common{};
};

// The options of Conv1D, Conv2D and Conv3D (Keras's order after filters and kernel_size).
struct ConvOptions {
  SpatialInts strides = 1;
  std::string padding = "valid";              // "valid", "same"; Conv1D also "causal"
  std::string data_format = "channels_last";  // channels_first is rejected
  SpatialInts dilation_rate = 1;
  int64_t groups = 1;
  std::string activation{};  // a Keras name; empty is "linear"
  bool use_bias = true;
  InitializerSpec kernel_initializer = "glorot_uniform";
  InitializerSpec bias_initializer = "zeros";
  RegularizerSpec kernel_regularizer{};
  RegularizerSpec bias_regularizer{};
  RegularizerSpec activity_regularizer{};
  ConstraintSpec kernel_constraint{};
  ConstraintSpec bias_constraint{};
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// The options of Conv1DTranspose, Conv2DTranspose and Conv3DTranspose.
struct ConvTransposeOptions {
  SpatialInts strides = 1;
  std::string padding = "valid";
  // Extra size after the last element, each in [0, strides); none: Keras's None (the size
  // that "valid" or "same" implies).
  std::optional<SpatialInts> output_padding{};
  std::string data_format = "channels_last";
  SpatialInts dilation_rate = 1;
  std::string activation{};
  bool use_bias = true;
  InitializerSpec kernel_initializer = "glorot_uniform";
  InitializerSpec bias_initializer = "zeros";
  RegularizerSpec kernel_regularizer{};
  RegularizerSpec bias_regularizer{};
  RegularizerSpec activity_regularizer{};
  ConstraintSpec kernel_constraint{};
  ConstraintSpec bias_constraint{};
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// The options of DepthwiseConv1D and DepthwiseConv2D (Keras's order after kernel_size).
struct DepthwiseConvOptions {
  SpatialInts strides = 1;
  std::string padding = "valid";
  int64_t depth_multiplier = 1;
  std::string data_format = "channels_last";
  SpatialInts dilation_rate = 1;
  std::string activation{};
  bool use_bias = true;
  InitializerSpec depthwise_initializer = "glorot_uniform";
  InitializerSpec bias_initializer = "zeros";
  RegularizerSpec depthwise_regularizer{};
  RegularizerSpec bias_regularizer{};
  RegularizerSpec activity_regularizer{};
  ConstraintSpec depthwise_constraint{};
  ConstraintSpec bias_constraint{};
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// The options of SeparableConv1D and SeparableConv2D (Keras's order after filters and
// kernel_size).
struct SeparableConvOptions {
  SpatialInts strides = 1;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  SpatialInts dilation_rate = 1;
  int64_t depth_multiplier = 1;
  std::string activation{};
  bool use_bias = true;
  InitializerSpec depthwise_initializer = "glorot_uniform";
  InitializerSpec pointwise_initializer = "glorot_uniform";
  InitializerSpec bias_initializer = "zeros";
  RegularizerSpec depthwise_regularizer{};
  RegularizerSpec pointwise_regularizer{};
  RegularizerSpec bias_regularizer{};
  RegularizerSpec activity_regularizer{};
  ConstraintSpec depthwise_constraint{};
  ConstraintSpec pointwise_constraint{};
  ConstraintSpec bias_constraint{};
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// The ConvSpec of each family's options, for a layer with `rank` spatial axes.
ConvSpec conv_spec(int rank, int64_t filters, SpatialInts kernel_size, ConvOptions options);
ConvSpec conv_transpose_spec(int rank, int64_t filters, SpatialInts kernel_size,
                             ConvTransposeOptions options);
ConvSpec depthwise_conv_spec(int rank, SpatialInts kernel_size, DepthwiseConvOptions options);
ConvSpec separable_conv_spec(int rank, int64_t filters, SpatialInts kernel_size,
                             SeparableConvOptions options);

// A convolution layer over channels_last inputs (batch, *spatial, channels) with `rank` spatial
// axes. Weights as Keras: conv "kernel" (*kernel_size, in / groups, filters); transpose
// "kernel" (*kernel_size, filters, in); depthwise "kernel" (*kernel_size, in, depth_multiplier);
// separable "depthwise_kernel" (*kernel_size, in, depth_multiplier) and "pointwise_kernel"
// (1, ..., in * depth_multiplier, filters); then "bias" unless use_bias is false.
// Throws ValueError at construction for a bad argument (naming the layer and listing the allowed
// values), ShapeError at build or call for an input of the wrong rank or channel count, or one
// smaller than the kernel with padding "valid":
//   Conv2D 'conv2d': expected input of rank 4 (batch, rows, cols, channels), got rank 3: (None,
//   28, 28).
class ConvBase : public Layer {
 public:
  int rank() const { return spec_.rank; }
  ConvKind kind() const { return spec_.kind; }
  int64_t filters() const { return spec_.filters; }
  int64_t depth_multiplier() const { return spec_.depth_multiplier; }
  const std::vector<int64_t>& kernel_size() const { return kernel_size_; }
  const std::vector<int64_t>& strides() const { return strides_; }
  const std::vector<int64_t>& dilation_rate() const { return dilation_rate_; }
  // "valid", "same" or (Conv1D) "causal".
  const std::string& padding() const { return spec_.padding; }
  int64_t groups() const { return spec_.groups; }
  // "linear" when none was given.
  const std::string& activation() const { return activation_; }
  // The weights (null before build; bias null when use_bias is false). kernel() is the
  // depthwise kernel of a SeparableConv layer.
  const VariablePtr& kernel() const { return kernel_; }
  const VariablePtr& pointwise_kernel() const { return pointwise_kernel_; }
  const VariablePtr& bias() const { return bias_; }

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys for the kind (BaseConv.get_config and its siblings); conv transpose adds
  // "output_padding" (null for Keras's None), which Keras's constructor takes.
  Json config() const override;

  // The ConvSpec of a Keras config of `kind` and `rank` (unknown keys ignored); `who` names the
  // class in messages ("Conv2D.from_config").
  static ConvSpec spec_from_config(ConvKind kind, int rank, const Json& config,
                                   const std::string& who);

 protected:
  ConvBase(std::string class_name, ConvSpec spec);

 private:
  // Throws ShapeError unless `shape` (batch first) has rank + 2 axes.
  void check_rank(const Shape& shape) const;
  // The conv geometry (Keras padding resolved) for an input of these spatial sizes.
  ConvGeometry geometry_for(const Shape& input_shape) const;
  // Output spatial size of axis i for input size n (-1 stays -1).
  int64_t output_size(int axis, int64_t n) const;
  // The Keras-style "(None, 28, 28, 1)" of a shape whose unknown sizes are -1.
  static std::string shape_text(const Shape& shape);
  Tensor apply_bias_activation(const Tensor& y) const;

  ConvSpec spec_;
  std::vector<int64_t> kernel_size_, strides_, dilation_rate_, output_padding_;
  std::string activation_;
  InitializerPtr kernel_initializer_, pointwise_initializer_, bias_initializer_;
  RegularizerPtr kernel_regularizer_, pointwise_regularizer_, bias_regularizer_;
  ConstraintPtr kernel_constraint_, pointwise_constraint_, bias_constraint_;
  VariablePtr kernel_, pointwise_kernel_, bias_;
  int64_t in_channels_ = -1;  // set by build
};

}  // namespace mz::layers
