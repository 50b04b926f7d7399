// Optimizer: Keras's base class. apply() clips the gradients (clipvalue, clipnorm,
// global_clipnorm), applies decoupled weight_decay, calls update_step() per variable with the
// learning rate of the current iteration, then applies constraints. Concrete optimizers live
// in nn/optimizers/, one class per file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/config.h"
#include "mz/nn/variable.h"

namespace mz {

// A learning rate that depends on the step (Keras's LearningRateSchedule).
class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;
  // The rate at step (the optimizer's iterations before this update, from 0).
  virtual double operator()(int64_t step) const = 0;
  virtual std::string class_name() const = 0;
  virtual Json config() const = 0;
};
using SchedulePtr = std::shared_ptr<LearningRateSchedule>;

// A constant rate or a schedule: {.learning_rate = 1e-3} or {.learning_rate = schedule}.
class LearningRate {
 public:
  LearningRate(double value) : value_(value) {}  // NOLINT
  LearningRate(SchedulePtr schedule) : schedule_(std::move(schedule)) {}  // NOLINT
  template <class T>
    requires std::derived_from<std::remove_cvref_t<T>, LearningRateSchedule>
  LearningRate(T&& s) : schedule_(std::make_shared<std::remove_cvref_t<T>>(std::forward<T>(s))) {}  // NOLINT
  double at(int64_t step) const { return schedule_ ? (*schedule_)(step) : value_; }
  const SchedulePtr& schedule() const { return schedule_; }

 private:
  double value_ = 0.0;
  SchedulePtr schedule_;
};

// Options every optimizer takes after its own (Keras's order).
struct OptimizerCommon {
  std::optional<double> weight_decay;
  std::optional<double> clipnorm;
  std::optional<double> clipvalue;
  std::optional<double> global_clipnorm;
  std::string name;
};

class Optimizer {
 public:
  Optimizer(std::string class_name, LearningRate learning_rate, OptimizerCommon common);
  virtual ~Optimizer() = default;

  // One update of `vars` from their .grad() (variables without a gradient are skipped).
  void apply_gradients(const std::vector<VariablePtr>& vars);
  // One update of `vars` from `grads` (same order; an undefined gradient skips its variable).
  void apply(const std::vector<Tensor>& grads, const std::vector<VariablePtr>& vars);

  // The rate the next update uses.
  double learning_rate() const;
  // Replaces the rate with a constant (ReduceLROnPlateau, LearningRateScheduler).
  void set_learning_rate(double value);
  int64_t iterations() const { return iterations_; }
  const std::string& class_name() const { return class_name_; }
  const std::string& name() const { return name_; }
  // "Adam 'adam'", for messages.
  std::string who() const;
  // Slot variables (momentums, ...) in Keras's order, for saving; iterations comes first.
  virtual std::vector<Tensor> variables() const;
  virtual Json config() const;
  // Builds the slots for `vars` as the first apply() would (a no-op when built), so saved
  // state can be loaded into them (load_model).
  void build_for(const std::vector<VariablePtr>& vars);
  // Sets iterations and the slot values (the slots of variables(), in its order); throws
  // ValueError naming the optimizer on a count, shape or dtype mismatch.
  void set_state(int64_t iterations, const std::vector<Tensor>& slots);

 protected:
  // Creates the per-variable slots (called once, on the first apply).
  virtual void build(const std::vector<VariablePtr>& vars) {}
  // Updates one variable in place (no autograd); `index` is its position in the build list.
  virtual void update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) = 0;
  // The slots of build(), one per variable per kind, for variables().
  std::vector<Tensor> slots_;

  OptimizerCommon common_;
  LearningRate learning_rate_;
  int64_t iterations_ = 0;

 private:
  std::string class_name_, name_;
  bool built_ = false;
  std::vector<const Variable*> built_for_;
};

using OptimizerPtr = std::shared_ptr<Optimizer>;

// "sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion" with
// Keras's defaults; throws ValueError listing the valid names.
OptimizerPtr get_optimizer(const std::string& name);
// An optimizer from Keras's serialized form {"class_name": "Adam", "config": {...}} (the
// config may omit keys: Keras's defaults fill them); throws ValueError on an unknown class or key.
OptimizerPtr optimizer_from_config(const Json& config);

// What compile() accepts as an optimizer: a name or an Optimizer object.
class OptimizerSpec {
 public:
  OptimizerSpec() : OptimizerSpec("rmsprop") {}
  OptimizerSpec(const char* name) : ptr_(get_optimizer(name)) {}         // NOLINT
  OptimizerSpec(const std::string& name) : ptr_(get_optimizer(name)) {}  // NOLINT
  OptimizerSpec(OptimizerPtr o) : ptr_(std::move(o)) {}                  // NOLINT
  template <class T>
    requires std::derived_from<std::remove_cvref_t<T>, Optimizer>
  OptimizerSpec(T&& o) : ptr_(std::make_shared<std::remove_cvref_t<T>>(std::forward<T>(o))) {}  // NOLINT
  const OptimizerPtr& get() const { return ptr_; }

 private:
  OptimizerPtr ptr_;
};

}  // namespace mz
