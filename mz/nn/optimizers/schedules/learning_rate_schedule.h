// Keras's schedule (de)serialization: the {"module", "class_name", "config"} form optimizer
// configs carry as their "learning_rate". The schedules themselves live beside this file.
#pragma once

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers::schedules {

// {"module": "keras.optimizers.schedules", "class_name": ..., "config": ...,
// "registered_name": null}, as keras.optimizers.schedules.serialize writes it.
Json serialize_schedule(const LearningRateSchedule& schedule);

// The schedule of a serialized form (only "class_name" and "config" are read); missing
// optional keys take Keras's defaults. Throws ValueError on an unknown class (listing the
// known ones), a missing required key or an unknown key.
SchedulePtr schedule_from_config(const Json& serialized);

}  // namespace mz::optimizers::schedules
