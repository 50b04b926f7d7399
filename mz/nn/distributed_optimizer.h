// DistributedOptimizer: Horovod's wrapper (PyTorch DDP's reducer) for data-parallel training.
// It averages the variables' gradients over the ranks of a communicator in buckets taken in
// reverse variable order (the order backward finishes them); with begin_backward() each
// bucket's all-reduce starts during backward, as soon as its last gradient is final, and runs
// on the communicator's worker thread while backward goes on. Then the wrapped optimizer steps.
// Model::fit uses it when FitOptions.communicator is set; custom loops use it directly.
#pragma once

#include <future>
#include <memory>
#include <unordered_map>
#include <vector>

#include "mz/autograd/node.h"
#include "mz/dist/communicator.h"
#include "mz/nn/optimizers/optimizer.h"

namespace mz {

// Bucket sizes, as DDP's: a small first bucket (its all-reduce starts soonest), then larger
// ones. overlap: begin_backward() starts buckets during backward (false: after it, in
// reduce_gradients). Neither changes the result's bits.
struct DistributedOptimizerOptions {
  double first_bucket_mb = 1.0;
  double bucket_cap_mb = 25.0;
  bool overlap = true;
  // The defaults, overridden by MZ_DIST_FIRST_BUCKET_MB, MZ_DIST_BUCKET_CAP_MB (numbers) and
  // MZ_DIST_OVERLAP (0 or 1) when set (Horovod's HOROVOD_FUSION_THRESHOLD); what Model::fit
  // uses. Throws ValueError for a value that is not a number.
  static DistributedOptimizerOptions from_environment();
};

class DistributedOptimizer {
 public:
  // Throws ValueError for a null optimizer or communicator, or bucket sizes <= 0.
  DistributedOptimizer(OptimizerPtr optimizer, dist::CommunicatorPtr communicator,
                       DistributedOptimizerOptions options = {});
  // Removes the backward hook if a step was left open, and lets started all-reduces finish.
  ~DistributedOptimizer();
  DistributedOptimizer(const DistributedOptimizer&) = delete;
  DistributedOptimizer& operator=(const DistributedOptimizer&) = delete;

  // Call right before loss.backward() on the same thread: plans the buckets of `vars` and hooks
  // autograd so that each bucket's all-reduce starts once all its gradients are final (buckets
  // start in bucket order). reduce_gradients / apply_gradients with the same vars finish it.
  // Does nothing with options.overlap false, or on one rank with equal shards.
  void begin_backward(const std::vector<VariablePtr>& vars);
  // reduce_gradients(vars), then the wrapped optimizer's apply_gradients(vars).
  void apply_gradients(const std::vector<VariablePtr>& vars);
  // Replaces each variable's .grad() with its average over ranks, weighted by each rank's
  // sample share (set_sample_share): starts the buckets begin_backward did not, waits for all.
  // A variable without a gradient contributes zeros and keeps none. float32 and float64
  // gradients; every rank must pass the same variables in order.
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
  // How many buckets of the last reduce_gradients had started during backward (0 without
  // begin_backward).
  std::size_t last_started_in_backward() const { return started_in_backward_; }

 private:
  // One bucket of the step: its gradients flattened into `flat`, reduced on the worker thread.
  struct Bucket {
    DType dtype = DType::f32;
    int64_t total = 0;              // elements
    std::size_t waiting = 0;        // gradients not final yet (during backward)
    Tensor flat;                    // host buffer, set when started
    std::shared_future<void> done;  // valid once started
  };
  void plan(const std::vector<VariablePtr>& vars);
  // Autograd's hook: `leaf`'s gradient is final.
  void on_leaf_ready(const Tensor& leaf);
  // Copies bucket b's gradients (scaled by scale_) into its buffer and starts its all-reduce.
  void start(std::size_t b);
  // Restores the hook begin_backward replaced.
  void unhook();

  OptimizerPtr optimizer_;
  dist::CommunicatorPtr comm_;
  DistributedOptimizerOptions options_;
  double scale_ = 1.0;  // local * size / global; exactly 1 for equal shards
  std::vector<std::vector<std::size_t>> buckets_;
  // The open step: its variables, buckets, each variable's bucket, the next bucket to start.
  std::vector<VariablePtr> vars_;
  std::vector<Bucket> plan_;
  std::vector<std::size_t> bucket_of_;
  std::unordered_map<const TensorImpl*, std::size_t> index_;  // variable value -> index
  std::size_t next_ = 0;
  std::size_t started_in_backward_ = 0;
  bool hooked_ = false;
  autograd::LeafReadyHook previous_hook_;
};

}  // namespace mz
