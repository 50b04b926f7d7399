// Grad mode: whether ops record the autograd tape on this thread (on by default).
#pragma once

namespace mz {

bool grad_enabled();
void set_grad_enabled(bool enabled);

// Turns recording off for a scope: inference, optimizer steps, metric updates.
class NoGrad {
 public:
  NoGrad() : saved_(grad_enabled()) { set_grad_enabled(false); }
  ~NoGrad() { set_grad_enabled(saved_); }
  NoGrad(const NoGrad&) = delete;
  NoGrad& operator=(const NoGrad&) = delete;

 private:
  bool saved_;
};

// Turns recording on for a scope (inside a NoGrad, e.g. to build a graph of gradients).
class EnableGrad {
 public:
  EnableGrad() : saved_(grad_enabled()) { set_grad_enabled(true); }
  ~EnableGrad() { set_grad_enabled(saved_); }
  EnableGrad(const EnableGrad&) = delete;
  EnableGrad& operator=(const EnableGrad&) = delete;

 private:
  bool saved_;
};

}  // namespace mz
