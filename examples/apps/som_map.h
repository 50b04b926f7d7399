// The map run shared by the SOM demos (som_iris, som_wine): train a z-scored data set on a
// Kohonen map and draw its U-matrix, hit map and class map.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "examples/apps/demo_support.h"

namespace mz::apps {

// What one map run measured: mean BMU distance, share of samples whose two best units are
// not neighbours, and the share of samples whose unit's majority class is their own.
struct SomReport {
  double quantization_error = 0;
  double topographic_error = 0;
  double purity = 0;
};

// Trains a rows x cols rectangular map on data.x (PCA init, sigma, MiniSom's rate 0.5 and
// asymptotic decay, `steps` random-order updates), prints the measures and writes
// NAME_umatrix.svg, NAME_hits.svg and NAME_classes.svg into out_dir.
SomReport run_map(const std::string& name, const LabelledData& data, int64_t rows, int64_t cols,
                  double sigma, int64_t steps, const DemoOptions& options, std::ostream& out,
                  DemoResult& result);

}  // namespace mz::apps
