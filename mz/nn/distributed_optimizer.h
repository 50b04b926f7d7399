// DistributedOptimizer: Horovod's wrapper (PyTorch DDP's reducer) for data-parallel training.
// Before each update it averages the variables' gradients over the ranks of a communicator, in
// buckets taken in reverse variable order (the order backward finishes them), then lets the
// wrapped optimizer step. Model::fit uses it when FitOptions.communicator is set; custom loops
// use it directly.
#pragma once

#include <memory>
#include <vector>

#include "mz/dist/communicator.h"
#include "mz/nn/optimizers/optimizer.h"

namespace mz {

// Bucket sizes, as DDP's: a small first bucket (its all-reduce starts soonest), then larger ones.
struct DistributedOptimizerOptions {
  double first_bucket_mb = 1.0;
  double bucket_cap_mb = 25.0;
};

class DistributedOptimizer {
 public:
  // Throws ValueError for a null optimizer or communicator, or bucket sizes <= 0.
  DistributedOptimizer(OptimizerPtr optimizer, dist::CommunicatorPtr communicator,
                       DistributedOptimizerOptions options = {});

  // reduce_gradients(vars), then the wrapped optimizer's apply_gradients(vars).
  void apply_gradients(const std::vector<VariablePtr>& vars);
  // Replaces each variable's .grad() with its average over ranks, weighted by each rank's
  // sample share (set_sample_share). A variable without a gradient contributes zeros and keeps
  // none. float32 and float64 gradients; every rank must pass the same variables in order.
  void reduce_gradients(const std::vector<VariablePtr>& vars);
  // This rank's rows of the global batch: with equal shards (local * size == global, the
  // default) gradients are summed in rank order and divided by size; otherwise each rank's
  // gradient is scaled by local * size / global first, so the result is the mean over the
  // global batch of per-sample gradients (for losses that average over the batch).
  void set_sample_share(int64_t local_rows, int64_t global_rows);
  // Rank root's values of `vars` on every rank (Horovod's broadcast_variables).
  void broadcast_variables(const std::vector<VariablePtr>& vars, int root = 0);

  const OptimizerPtr& optimizer() const { return optimizer_; }
  const dist::CommunicatorPtr& communicator() const { return comm_; }
  // The buckets of the last reduce_gradients: the variable indices of each, in reduce order.
  const std::vector<std::vector<std::size_t>>& last_buckets() const { return buckets_; }

 private:
  OptimizerPtr optimizer_;
  dist::CommunicatorPtr comm_;
  DistributedOptimizerOptions options_;
  double scale_ = 1.0;  // local * size / global; exactly 1 for equal shards
  std::vector<std::vector<std::size_t>> buckets_;
};

}  // namespace mz
