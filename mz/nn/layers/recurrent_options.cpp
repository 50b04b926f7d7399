// The non-template helpers the built-in recurrent layers and cells share: the activity
// regularizer of a layer's config and the fused recurrence's options of a sequence call.
#include "mz/nn/layers/recurrent_options.h"

namespace mz {
namespace layers {
namespace detail {

RegularizerSpec activity_regularizer_from_config(const Json& config) {
  return regularizer_from_config(
      config.contains("activity_regularizer") ? config["activity_regularizer"] : Json(nullptr));
}

RecurrenceOptions recurrence_options(const SequenceCall& call) {
  return {.mask = call.mask,
          .go_backwards = call.go_backwards,
          .zero_output_for_mask = call.zero_output_for_mask};
}

}  // namespace detail
}  // namespace layers
}  // namespace mz
