// DistributedOptimizer: gradients flattened into per-dtype buckets in reverse variable order,
// one all-reduce (average) per bucket, copied back; then the wrapped optimizer's update.
#include "mz/nn/distributed_optimizer.h"

#include "mz/core/grad_mode.h"
#include "mz/ops/creation.h"

namespace mz {

DistributedOptimizer::DistributedOptimizer(OptimizerPtr optimizer,
                                           dist::CommunicatorPtr communicator,
                                           DistributedOptimizerOptions options)
    : optimizer_(std::move(optimizer)), comm_(std::move(communicator)), options_(options) {
  if (!optimizer_) throw ValueError("DistributedOptimizer: expected an optimizer, got null.");
  if (!comm_) throw ValueError("DistributedOptimizer: expected a communicator, got null.");
  if (!(options_.first_bucket_mb > 0.0) || !(options_.bucket_cap_mb > 0.0))
    throw ValueError(
        str("DistributedOptimizer: bucket sizes must be positive, got first_bucket_mb ",
            options_.first_bucket_mb, " and bucket_cap_mb ", options_.bucket_cap_mb, "."));
}

void DistributedOptimizer::apply_gradients(const std::vector<VariablePtr>& vars) {
  reduce_gradients(vars);
  optimizer_->apply_gradients(vars);
}

void DistributedOptimizer::set_sample_share(int64_t local_rows, int64_t global_rows) {
  if (global_rows <= 0 || local_rows < 0 || local_rows > global_rows)
    throw ValueError(str("DistributedOptimizer.set_sample_share: expected 0 <= local rows <= ",
                         "global rows and global rows > 0, got ", local_rows, " and ", global_rows,
                         "."));
  const int64_t n = comm_->size();
  scale_ = local_rows * n == global_rows
               ? 1.0
               : static_cast<double>(local_rows) * static_cast<double>(n) /
                     static_cast<double>(global_rows);
}

void DistributedOptimizer::reduce_gradients(const std::vector<VariablePtr>& vars) {
  NoGrad no_grad;
  buckets_.clear();
  if (comm_->size() == 1 && scale_ == 1.0) return;
  // Buckets: reverse order, one dtype each, closed when full (the first one sooner).
  std::vector<std::size_t> open;
  double open_bytes = 0.0;
  DType open_dtype = DType::f32;
  auto close = [&] {
    if (!open.empty()) buckets_.push_back(open);
    open.clear();
    open_bytes = 0.0;
  };
  for (std::size_t k = vars.size(); k-- > 0;) {
    const Tensor& value = vars[k]->value;
    if (value.dtype() != DType::f32 && value.dtype() != DType::f64)
      throw ValueError(str("DistributedOptimizer: \"", vars[k]->path, "\" is ",
                           dtype_name(value.dtype()), ", expected float32 or float64."));
    if (!open.empty() && value.dtype() != open_dtype) close();
    open_dtype = value.dtype();
    open.push_back(k);
    open_bytes += static_cast<double>(value.numel() * static_cast<int64_t>(dtype_size(open_dtype)));
    const double cap =
        (buckets_.empty() ? options_.first_bucket_mb : options_.bucket_cap_mb) * 1024.0 * 1024.0;
    if (open_bytes >= cap) close();
  }
  close();

  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    const std::vector<std::size_t>& bucket = buckets_[b];
    const DType dtype = vars[bucket.front()]->value.dtype();
    int64_t total = 0;
    for (std::size_t k : bucket) total += vars[k]->value.numel();
    const Device device = vars[bucket.front()]->value.device();
    Tensor flat =
        zeros(Shape{total}, {.dtype = dtype, .device = device.is_host() ? device : Device::cpu()});
    int64_t at = 0;
    for (std::size_t k : bucket) {
      const Tensor& v = vars[k]->value;
      Tensor g = v.grad();
      if (g.defined()) flat.slice(0, at, at + v.numel()).copy_(g.reshape(Shape{v.numel()}));
      at += v.numel();
    }
    if (scale_ != 1.0) {  // unequal shards: weight this rank's mean gradient by its rows
      if (dtype == DType::f32) {
        float* p = flat.data<float>();
        for (int64_t i = 0; i < total; ++i) p[i] = static_cast<float>(p[i] * scale_);
      } else {
        double* p = flat.data<double>();
        for (int64_t i = 0; i < total; ++i) p[i] *= scale_;
      }
    }
    comm_->all_reduce(flat, dist::ReduceOp::average,
                      str("gradients bucket ", b + 1, " of ", buckets_.size()));
    at = 0;
    for (std::size_t k : bucket) {
      Tensor& v = vars[k]->value;
      // NOTE: a new gradient tensor, not a copy into the old one: autograd may have handed
      // one buffer to several variables (the gradient of x + b is dy for both).
      // NOTE: a copy, not a view into flat: the optimizer's in-place kernels take another path
      // (other rounding) for an operand at an odd offset, and the result must not depend on
      // where a variable sits in its bucket (tests/dist: bitwise equal to one process).
      Tensor part = flat.slice(0, at, at + v.numel()).reshape(v.shape()).clone();
      if (!(part.device() == v.device())) part = part.to(v.device());
      if (v.grad().defined()) v.set_grad(part);
      at += v.numel();
    }
  }
}

void DistributedOptimizer::broadcast_variables(const std::vector<VariablePtr>& vars, int root) {
  NoGrad no_grad;
  for (const VariablePtr& v : vars) comm_->broadcast(v->value, root, v->path);
}

}  // namespace mz
