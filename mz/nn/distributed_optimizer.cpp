// DistributedOptimizer: gradients flattened into per-dtype buckets in reverse variable order,
// one all-reduce (average) per bucket on the communicator's worker thread, started from
// autograd's leaf-ready hook during backward (or after it), copied back; then the wrapped
// optimizer's update.
#include "mz/nn/distributed_optimizer.h"

#include <cstdlib>
#include <cstring>

#include "mz/core/grad_mode.h"
#include "mz/ops/creation.h"

namespace mz {

DistributedOptimizerOptions DistributedOptimizerOptions::from_environment() {
  DistributedOptimizerOptions o;
  auto read = [](const char* name, double& value) {
    const char* text = std::getenv(name);
    if (text == nullptr) return;
    char* end = nullptr;
    const double v = std::strtod(text, &end);
    if (end == text || *end != '\0')
      throw ValueError(
          str("DistributedOptimizer: ", name, ": expected a number, got \"", text, "\"."));
    value = v;
  };
  read("MZ_DIST_FIRST_BUCKET_MB", o.first_bucket_mb);
  read("MZ_DIST_BUCKET_CAP_MB", o.bucket_cap_mb);
  double overlap = o.overlap ? 1.0 : 0.0;
  read("MZ_DIST_OVERLAP", overlap);
  o.overlap = overlap != 0.0;
  return o;
}

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

// NOTE: started all-reduces hold their buffers and finish on the communicator's worker, which
// the communicator joins when it goes; waiting here could hang a rank whose peers failed.
DistributedOptimizer::~DistributedOptimizer() { unhook(); }

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

void DistributedOptimizer::plan(const std::vector<VariablePtr>& vars) {
  vars_ = vars;
  buckets_.clear();
  plan_.clear();
  index_.clear();
  bucket_of_.assign(vars.size(), 0);
  next_ = 0;
  started_in_backward_ = 0;
  // Buckets: reverse order, one dtype each, closed when full (the first one sooner).
  std::vector<std::size_t> open;
  double open_bytes = 0.0;
  DType open_dtype = DType::f32;
  auto close = [&] {
    if (open.empty()) return;
    Bucket b{.dtype = open_dtype, .waiting = open.size()};
    for (std::size_t k : open) {
      b.total += vars[k]->value.numel();
      bucket_of_[k] = buckets_.size();
    }
    buckets_.push_back(open);
    plan_.push_back(std::move(b));
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
    index_[&value.impl()] = k;
    open_bytes += static_cast<double>(value.numel() * static_cast<int64_t>(dtype_size(open_dtype)));
    const double cap =
        (buckets_.empty() ? options_.first_bucket_mb : options_.bucket_cap_mb) * 1024.0 * 1024.0;
    if (open_bytes >= cap) close();
  }
  close();
}

void DistributedOptimizer::begin_backward(const std::vector<VariablePtr>& vars) {
  unhook();
  if (!options_.overlap || (comm_->size() == 1 && scale_ == 1.0)) return;
  plan(vars);
  previous_hook_ =
      autograd::set_leaf_ready_hook([this](const Tensor& leaf) { on_leaf_ready(leaf); });
  hooked_ = true;
}

void DistributedOptimizer::unhook() {
  if (!hooked_) return;
  autograd::set_leaf_ready_hook(std::move(previous_hook_));
  previous_hook_ = nullptr;
  hooked_ = false;
}

void DistributedOptimizer::on_leaf_ready(const Tensor& leaf) {
  auto it = index_.find(&leaf.impl());
  if (it == index_.end()) return;  // not one of the step's variables (an input, say)
  Bucket& bucket = plan_[bucket_of_[it->second]];
  if (bucket.waiting == 0 || --bucket.waiting > 0) return;
  // Buckets start in bucket order, so every rank starts the same collectives in one order.
  while (next_ < plan_.size() && plan_[next_].waiting == 0) {
    start(next_++);
    ++started_in_backward_;
  }
}

void DistributedOptimizer::start(std::size_t b) {
  Bucket& bucket = plan_[b];
  const std::vector<std::size_t>& members = buckets_[b];
  const Device first = vars_[members.front()]->value.device();
  bucket.flat = empty(Shape{bucket.total},
                      {.dtype = bucket.dtype, .device = first.is_host() ? first : Device::cpu()});
  const std::size_t item = dtype_size(bucket.dtype);
  char* out = static_cast<char*>(bucket.flat.raw_data());
  int64_t at = 0;
  for (std::size_t k : members) {
    const Tensor& v = vars_[k]->value;
    const int64_t n = v.numel();
    Tensor g = v.grad();
    char* to = out + static_cast<std::size_t>(at) * item;
    if (!g.defined())
      std::memset(to, 0, static_cast<std::size_t>(n) * item);
    else if (g.device().is_host() && g.is_contiguous() && g.dtype() == bucket.dtype)
      std::memcpy(to, g.raw_data(), static_cast<std::size_t>(n) * item);
    else
      bucket.flat.slice(0, at, at + n).copy_(g.reshape(Shape{n}));
    at += n;
  }
  if (scale_ != 1.0) {  // unequal shards: weight this rank's mean gradient by its rows
    if (bucket.dtype == DType::f32) {
      float* p = bucket.flat.data<float>();
      for (int64_t i = 0; i < bucket.total; ++i) p[i] = static_cast<float>(p[i] * scale_);
    } else {
      double* p = bucket.flat.data<double>();
      for (int64_t i = 0; i < bucket.total; ++i) p[i] *= scale_;
    }
  }
  bucket.done = comm_->start_all_reduce(bucket.flat, dist::ReduceOp::average,
                                        str("gradients bucket ", b + 1, " of ", plan_.size()));
}

void DistributedOptimizer::reduce_gradients(const std::vector<VariablePtr>& vars) {
  NoGrad no_grad;
  unhook();
  if (comm_->size() == 1 && scale_ == 1.0) {
    buckets_.clear();
    plan_.clear();
    vars_.clear();
    started_in_backward_ = 0;
    return;
  }
  if (vars_ != vars || plan_.empty()) {  // no begin_backward for these variables
    comm_->wait_started();               // whatever an abandoned step started
    plan(vars);
  }
  std::vector<Bucket> step;
  try {
    while (next_ < plan_.size()) start(next_++);
    step = std::move(plan_);
    plan_.clear();
    vars_.clear();
    for (Bucket& bucket : step) bucket.done.get();  // rethrows the collective's error
  } catch (...) {
    plan_.clear();
    vars_.clear();
    throw;
  }
  for (std::size_t b = 0; b < step.size(); ++b) {
    const std::size_t item = dtype_size(step[b].dtype);
    const char* from = static_cast<const char*>(step[b].flat.raw_data());
    int64_t at = 0;
    for (std::size_t k : buckets_[b]) {
      Tensor& v = vars[k]->value;
      const int64_t n = v.numel();
      // NOTE: a new gradient tensor, not a copy into the old one: autograd may have handed
      // one buffer to several variables (the gradient of x + b is dy for both).
      // NOTE: a fresh buffer, not a view into flat: the optimizer's in-place kernels take
      // another path (other rounding) for an operand at an odd offset, and the result must not
      // depend on where a variable sits in its bucket (tests/dist: bitwise equal to one process).
      if (v.grad().defined()) {
        Tensor part = empty(v.shape(), {.dtype = step[b].dtype, .device = step[b].flat.device()});
        std::memcpy(part.raw_data(), from + static_cast<std::size_t>(at) * item,
                    static_cast<std::size_t>(n) * item);
        if (!(part.device() == v.device())) part = part.to(v.device());
        v.set_grad(part);
      }
      at += n;
    }
  }
}

void DistributedOptimizer::broadcast_variables(const std::vector<VariablePtr>& vars, int root) {
  NoGrad no_grad;
  for (const VariablePtr& v : vars) comm_->broadcast(v->value, root, v->path);
}

}  // namespace mz
