// AdamW: Adam under Keras's class name "AdamW", weight decay taken from its own options.
#include "mz/nn/optimizers/adamw.h"

namespace mz::optimizers {

AdamW::AdamW(AdamWOptions o)
    : Adam("AdamW", AdamOptions{.learning_rate = o.learning_rate,
                                .beta_1 = o.beta_1,
                                .beta_2 = o.beta_2,
                                .epsilon = o.epsilon,
                                .amsgrad = o.amsgrad,
                                .weight_decay = o.weight_decay,
                                .clipnorm = o.clipnorm,
                                .clipvalue = o.clipvalue,
                                .global_clipnorm = o.global_clipnorm,
                                .name = o.name}) {}

}  // namespace mz::optimizers
