// Models from Keras's serialized configs (the config.json of .keras files): Model::from_config
// (declared in model.h) and the compile options of a compile_config.
#pragma once

#include <string>
#include <vector>

#include "mz/nn/config.h"
#include "mz/nn/model.h"

namespace mz {

// CompileOptions from Keras's compile_config (optimizer envelope or name; loss as a name,
// an envelope, a list or a dict keyed by output name; loss_weights; metrics as names or
// envelopes, for every output or per output). `output_names` orders dict entries. Throws
// ValueError naming the key for what merezha cannot compile (custom objects, weighted_metrics).
CompileOptions compile_options_from_config(const Json& compile_config,
                                           const std::vector<std::string>& output_names);

}  // namespace mz
