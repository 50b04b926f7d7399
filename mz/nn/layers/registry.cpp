// The layer registry: one row per Keras class name (STYLE.md rule 8).
#include "mz/nn/layers/registry.h"

#include <map>

#include "mz/nn/layers/activation.h"
#include "mz/nn/layers/activity_regularization.h"
#include "mz/nn/layers/alpha_dropout.h"
#include "mz/nn/layers/average_pooling1d.h"
#include "mz/nn/layers/average_pooling2d.h"
#include "mz/nn/layers/average_pooling3d.h"
#include "mz/nn/layers/batch_normalization.h"
#include "mz/nn/layers/cropping1d.h"
#include "mz/nn/layers/cropping2d.h"
#include "mz/nn/layers/cropping3d.h"
#include "mz/nn/layers/concatenate.h"
#include "mz/nn/layers/conv1d.h"
#include "mz/nn/layers/conv1d_transpose.h"
#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/conv2d_transpose.h"
#include "mz/nn/layers/conv3d.h"
#include "mz/nn/layers/conv3d_transpose.h"
#include "mz/nn/layers/depthwise_conv1d.h"
#include "mz/nn/layers/depthwise_conv2d.h"
#include "mz/nn/layers/separable_conv1d.h"
#include "mz/nn/layers/separable_conv2d.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/dot.h"
#include "mz/nn/layers/dropout.h"
#include "mz/nn/layers/flatten.h"
#include "mz/nn/layers/gaussian_dropout.h"
#include "mz/nn/layers/gaussian_noise.h"
#include "mz/nn/layers/global_average_pooling1d.h"
#include "mz/nn/layers/global_average_pooling2d.h"
#include "mz/nn/layers/global_average_pooling3d.h"
#include "mz/nn/layers/global_max_pooling1d.h"
#include "mz/nn/layers/global_max_pooling2d.h"
#include "mz/nn/layers/global_max_pooling3d.h"
#include "mz/nn/layers/group_normalization.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/layer_normalization.h"
#include "mz/nn/layers/max_pooling1d.h"
#include "mz/nn/layers/merge.h"
#include "mz/nn/layers/max_pooling2d.h"
#include "mz/nn/layers/max_pooling3d.h"
#include "mz/nn/layers/permute.h"
#include "mz/nn/layers/repeat_vector.h"
#include "mz/nn/layers/rescaling.h"
#include "mz/nn/layers/reshape.h"
#include "mz/nn/layers/spatial_dropout1d.h"
#include "mz/nn/layers/spatial_dropout2d.h"
#include "mz/nn/layers/spatial_dropout3d.h"
#include "mz/nn/layers/unit_normalization.h"
#include "mz/nn/layers/up_sampling1d.h"
#include "mz/nn/layers/up_sampling2d.h"
#include "mz/nn/layers/up_sampling3d.h"
#include "mz/nn/layers/zero_padding1d.h"
#include "mz/nn/layers/zero_padding2d.h"
#include "mz/nn/layers/zero_padding3d.h"
// attention
#include "mz/nn/layers/additive_attention.h"
#include "mz/nn/layers/attention.h"
#include "mz/nn/layers/multi_head_attention.h"
// recurrence, embedding, masking
#include "mz/nn/layers/bidirectional.h"
#include "mz/nn/layers/embedding.h"
#include "mz/nn/layers/gru.h"
#include "mz/nn/layers/gru_cell.h"
#include "mz/nn/layers/lstm.h"
#include "mz/nn/layers/lstm_cell.h"
#include "mz/nn/layers/masking.h"
#include "mz/nn/layers/rnn.h"
#include "mz/nn/layers/simple_rnn.h"
#include "mz/nn/layers/simple_rnn_cell.h"
#include "mz/nn/layers/time_distributed.h"

namespace mz {
namespace {

using FromConfig = LayerPtr (*)(const Json& config);

const std::map<std::string, FromConfig>& table() {
  namespace L = layers;
  static const std::map<std::string, FromConfig> rows = {
      {"Activation", [](const Json& c) -> LayerPtr { return L::Activation::from_config(c); }},
      {"BatchNormalization",
       [](const Json& c) -> LayerPtr { return L::BatchNormalization::from_config(c); }},
      {"Add", [](const Json& c) -> LayerPtr { return L::Add::from_config(c); }},
      {"Average", [](const Json& c) -> LayerPtr { return L::Average::from_config(c); }},
      {"Concatenate", [](const Json& c) -> LayerPtr { return L::Concatenate::from_config(c); }},
      {"Conv1D", [](const Json& c) -> LayerPtr { return L::Conv1D::from_config(c); }},
      {"Conv1DTranspose",
       [](const Json& c) -> LayerPtr { return L::Conv1DTranspose::from_config(c); }},
      {"Conv2D", [](const Json& c) -> LayerPtr { return L::Conv2D::from_config(c); }},
      {"Conv2DTranspose",
       [](const Json& c) -> LayerPtr { return L::Conv2DTranspose::from_config(c); }},
      {"Conv3D", [](const Json& c) -> LayerPtr { return L::Conv3D::from_config(c); }},
      {"Conv3DTranspose",
       [](const Json& c) -> LayerPtr { return L::Conv3DTranspose::from_config(c); }},
      {"DepthwiseConv1D",
       [](const Json& c) -> LayerPtr { return L::DepthwiseConv1D::from_config(c); }},
      {"DepthwiseConv2D",
       [](const Json& c) -> LayerPtr { return L::DepthwiseConv2D::from_config(c); }},
      {"SeparableConv1D",
       [](const Json& c) -> LayerPtr { return L::SeparableConv1D::from_config(c); }},
      {"SeparableConv2D",
       [](const Json& c) -> LayerPtr { return L::SeparableConv2D::from_config(c); }},
      {"Dense", [](const Json& c) -> LayerPtr { return L::Dense::from_config(c); }},
      {"Dot", [](const Json& c) -> LayerPtr { return L::Dot::from_config(c); }},
      {"Maximum", [](const Json& c) -> LayerPtr { return L::Maximum::from_config(c); }},
      {"Minimum", [](const Json& c) -> LayerPtr { return L::Minimum::from_config(c); }},
      {"Multiply", [](const Json& c) -> LayerPtr { return L::Multiply::from_config(c); }},
      {"Subtract", [](const Json& c) -> LayerPtr { return L::Subtract::from_config(c); }},
      {"Dropout", [](const Json& c) -> LayerPtr { return L::Dropout::from_config(c); }},
      {"Flatten", [](const Json& c) -> LayerPtr { return L::Flatten::from_config(c); }},
      {"GroupNormalization",
       [](const Json& c) -> LayerPtr { return L::GroupNormalization::from_config(c); }},
      {"InputLayer", [](const Json& c) -> LayerPtr { return L::InputLayer::from_config(c); }},
      {"LayerNormalization",
       [](const Json& c) -> LayerPtr { return L::LayerNormalization::from_config(c); }},
      {"Rescaling", [](const Json& c) -> LayerPtr { return L::Rescaling::from_config(c); }},
      {"Reshape", [](const Json& c) -> LayerPtr { return L::Reshape::from_config(c); }},
      {"UnitNormalization",
       [](const Json& c) -> LayerPtr { return L::UnitNormalization::from_config(c); }},
      {"ActivityRegularization",
       [](const Json& c) -> LayerPtr { return L::ActivityRegularization::from_config(c); }},
      {"AlphaDropout", [](const Json& c) -> LayerPtr { return L::AlphaDropout::from_config(c); }},
      {"AveragePooling1D",
       [](const Json& c) -> LayerPtr { return L::AveragePooling1D::from_config(c); }},
      {"AveragePooling2D",
       [](const Json& c) -> LayerPtr { return L::AveragePooling2D::from_config(c); }},
      {"AveragePooling3D",
       [](const Json& c) -> LayerPtr { return L::AveragePooling3D::from_config(c); }},
      {"Cropping1D", [](const Json& c) -> LayerPtr { return L::Cropping1D::from_config(c); }},
      {"Cropping2D", [](const Json& c) -> LayerPtr { return L::Cropping2D::from_config(c); }},
      {"Cropping3D", [](const Json& c) -> LayerPtr { return L::Cropping3D::from_config(c); }},
      {"GaussianDropout",
       [](const Json& c) -> LayerPtr { return L::GaussianDropout::from_config(c); }},
      {"GaussianNoise", [](const Json& c) -> LayerPtr { return L::GaussianNoise::from_config(c); }},
      {"GlobalAveragePooling1D",
       [](const Json& c) -> LayerPtr { return L::GlobalAveragePooling1D::from_config(c); }},
      {"GlobalAveragePooling2D",
       [](const Json& c) -> LayerPtr { return L::GlobalAveragePooling2D::from_config(c); }},
      {"GlobalAveragePooling3D",
       [](const Json& c) -> LayerPtr { return L::GlobalAveragePooling3D::from_config(c); }},
      {"GlobalMaxPooling1D",
       [](const Json& c) -> LayerPtr { return L::GlobalMaxPooling1D::from_config(c); }},
      {"GlobalMaxPooling2D",
       [](const Json& c) -> LayerPtr { return L::GlobalMaxPooling2D::from_config(c); }},
      {"GlobalMaxPooling3D",
       [](const Json& c) -> LayerPtr { return L::GlobalMaxPooling3D::from_config(c); }},
      {"MaxPooling1D", [](const Json& c) -> LayerPtr { return L::MaxPooling1D::from_config(c); }},
      {"MaxPooling2D", [](const Json& c) -> LayerPtr { return L::MaxPooling2D::from_config(c); }},
      {"MaxPooling3D", [](const Json& c) -> LayerPtr { return L::MaxPooling3D::from_config(c); }},
      {"Permute", [](const Json& c) -> LayerPtr { return L::Permute::from_config(c); }},
      {"RepeatVector", [](const Json& c) -> LayerPtr { return L::RepeatVector::from_config(c); }},
      {"SpatialDropout1D",
       [](const Json& c) -> LayerPtr { return L::SpatialDropout1D::from_config(c); }},
      {"SpatialDropout2D",
       [](const Json& c) -> LayerPtr { return L::SpatialDropout2D::from_config(c); }},
      {"SpatialDropout3D",
       [](const Json& c) -> LayerPtr { return L::SpatialDropout3D::from_config(c); }},
      {"UpSampling1D", [](const Json& c) -> LayerPtr { return L::UpSampling1D::from_config(c); }},
      {"UpSampling2D", [](const Json& c) -> LayerPtr { return L::UpSampling2D::from_config(c); }},
      {"UpSampling3D", [](const Json& c) -> LayerPtr { return L::UpSampling3D::from_config(c); }},
      {"ZeroPadding1D", [](const Json& c) -> LayerPtr { return L::ZeroPadding1D::from_config(c); }},
      {"ZeroPadding2D", [](const Json& c) -> LayerPtr { return L::ZeroPadding2D::from_config(c); }},
      {"ZeroPadding3D", [](const Json& c) -> LayerPtr { return L::ZeroPadding3D::from_config(c); }},
      // attention
      {"AdditiveAttention",
       [](const Json& c) -> LayerPtr { return L::AdditiveAttention::from_config(c); }},
      {"Attention", [](const Json& c) -> LayerPtr { return L::Attention::from_config(c); }},
      {"MultiHeadAttention",
       [](const Json& c) -> LayerPtr { return L::MultiHeadAttention::from_config(c); }},
      // recurrence, embedding, masking
      {"Bidirectional", [](const Json& c) -> LayerPtr { return L::Bidirectional::from_config(c); }},
      {"Embedding", [](const Json& c) -> LayerPtr { return L::Embedding::from_config(c); }},
      {"GRU", [](const Json& c) -> LayerPtr { return L::GRU::from_config(c); }},
      {"GRUCell", [](const Json& c) -> LayerPtr { return L::GRUCell::from_config(c); }},
      {"LSTM", [](const Json& c) -> LayerPtr { return L::LSTM::from_config(c); }},
      {"LSTMCell", [](const Json& c) -> LayerPtr { return L::LSTMCell::from_config(c); }},
      {"Masking", [](const Json& c) -> LayerPtr { return L::Masking::from_config(c); }},
      {"RNN", [](const Json& c) -> LayerPtr { return L::RNN::from_config(c); }},
      {"SimpleRNN", [](const Json& c) -> LayerPtr { return L::SimpleRNN::from_config(c); }},
      {"SimpleRNNCell", [](const Json& c) -> LayerPtr { return L::SimpleRNNCell::from_config(c); }},
      {"TimeDistributed",
       [](const Json& c) -> LayerPtr { return L::TimeDistributed::from_config(c); }},
  };
  return rows;
}

}  // namespace

std::vector<std::string> layer_class_names() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : table()) names.push_back(name);
  return names;
}

namespace {

std::function<std::shared_ptr<Layer>(const Json&)>& layer_fallback() {
  static std::function<std::shared_ptr<Layer>(const Json&)> fallback;
  return fallback;
}

}  // namespace

void set_layer_fallback(std::function<std::shared_ptr<Layer>(const Json&)> fallback) {
  layer_fallback() = std::move(fallback);
}

LayerPtr layer_from_config(const Json& keras_layer_config) {
  const Json& k = keras_layer_config;
  if (!k.is_object() || !k.contains("class_name") || !k["class_name"].is_string())
    throw ValueError(
        str("layer_from_config: expected {\"class_name\": ..., \"config\": {...}}, "
            "got ",
            k.dump(), "."));
  std::string cls = k["class_name"].get<std::string>();
  auto it = table().find(cls);
  if (it == table().end() && layer_fallback())
    if (std::shared_ptr<Layer> layer = layer_fallback()(k)) return LayerPtr(std::move(layer));
  if (it == table().end()) {
    std::string known;
    for (const std::string& n : layer_class_names()) known += (known.empty() ? "" : ", ") + n;
    throw ValueError(str("layer_from_config: unknown layer class: expected one of ", known,
                         "; got \"", cls, "\"."));
  }
  Json config = k.contains("config") && !k["config"].is_null() ? k["config"] : Json::object();
  if (!config.is_object())
    throw ValueError(
        str("layer_from_config: ", cls, ": \"config\" must be a dict, got ", config.dump(), "."));
  return it->second(config);
}

}  // namespace mz
