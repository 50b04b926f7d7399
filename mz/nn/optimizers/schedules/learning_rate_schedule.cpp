// Schedule (de)serialization: one reader per Keras schedule class, in a table by class name.
#include "mz/nn/optimizers/schedules/learning_rate_schedule.h"

#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "mz/nn/optimizers/schedules/cosine_decay.h"
#include "mz/nn/optimizers/schedules/cosine_decay_restarts.h"
#include "mz/nn/optimizers/schedules/exponential_decay.h"
#include "mz/nn/optimizers/schedules/inverse_time_decay.h"
#include "mz/nn/optimizers/schedules/piecewise_constant_decay.h"
#include "mz/nn/optimizers/schedules/polynomial_decay.h"

namespace mz::optimizers::schedules {
namespace {

// Reads a schedule's config: required keys must be there, unknown keys are rejected.
class Reader {
 public:
  Reader(const std::string& class_name, const Json& config, std::initializer_list<const char*> keys)
      : who_("schedule_from_config: " + class_name), config_(config) {
    if (!config_.is_object())
      throw ValueError(str(who_, ": config must be a JSON object, got ", config_.dump(), "."));
    for (const auto& [key, value] : config_.items()) {
      bool known = false;
      for (const char* k : keys) known = known || key == k;
      if (!known) throw ValueError(str(who_, ": unknown key \"", key, "\"."));
    }
  }
  template <class T>
  T required(const char* key) const {
    if (!config_.contains(key) || config_[key].is_null())
      throw ValueError(str(who_, ": missing required key \"", key, "\"."));
    return config_[key].get<T>();
  }
  template <class T>
  void optional(const char* key, T& out) const {
    if (config_.contains(key) && !config_[key].is_null()) out = config_[key].get<T>();
  }

 private:
  std::string who_;
  const Json& config_;
};

using Factory = std::function<SchedulePtr(const std::string&, const Json&)>;

const std::vector<std::pair<std::string, Factory>>& factories() {
  static const std::vector<std::pair<std::string, Factory>> table = {
      {"CosineDecay",
       [](const std::string& n, const Json& c) {
         Reader r(n, c,
                  {"initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target",
                   "warmup_steps"});
         CosineDecayOptions o;
         r.optional("alpha", o.alpha);
         r.optional("name", o.name);
         if (c.contains("warmup_target") && !c["warmup_target"].is_null())
           o.warmup_target = c["warmup_target"].get<double>();
         r.optional("warmup_steps", o.warmup_steps);
         return std::make_shared<CosineDecay>(r.required<double>("initial_learning_rate"),
                                              r.required<int64_t>("decay_steps"), o);
       }},
      {"CosineDecayRestarts",
       [](const std::string& n, const Json& c) {
         Reader r(
             n, c,
             {"initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha", "name"});
         CosineDecayRestartsOptions o;
         r.optional("t_mul", o.t_mul);
         r.optional("m_mul", o.m_mul);
         r.optional("alpha", o.alpha);
         r.optional("name", o.name);
         return std::make_shared<CosineDecayRestarts>(r.required<double>("initial_learning_rate"),
                                                      r.required<int64_t>("first_decay_steps"), o);
       }},
      {"ExponentialDecay",
       [](const std::string& n, const Json& c) {
         Reader r(n, c,
                  {"initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"});
         ExponentialDecayOptions o;
         r.optional("staircase", o.staircase);
         r.optional("name", o.name);
         return std::make_shared<ExponentialDecay>(r.required<double>("initial_learning_rate"),
                                                   r.required<int64_t>("decay_steps"),
                                                   r.required<double>("decay_rate"), o);
       }},
      {"InverseTimeDecay",
       [](const std::string& n, const Json& c) {
         Reader r(n, c,
                  {"initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"});
         InverseTimeDecayOptions o;
         r.optional("staircase", o.staircase);
         r.optional("name", o.name);
         return std::make_shared<InverseTimeDecay>(r.required<double>("initial_learning_rate"),
                                                   r.required<int64_t>("decay_steps"),
                                                   r.required<double>("decay_rate"), o);
       }},
      {"PiecewiseConstantDecay",
       [](const std::string& n, const Json& c) {
         Reader r(n, c, {"boundaries", "values", "name"});
         PiecewiseConstantDecayOptions o;
         r.optional("name", o.name);
         return std::make_shared<PiecewiseConstantDecay>(
             r.required<std::vector<int64_t>>("boundaries"),
             r.required<std::vector<double>>("values"), o);
       }},
      {"PolynomialDecay",
       [](const std::string& n, const Json& c) {
         Reader r(n, c,
                  {"initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle",
                   "name"});
         PolynomialDecayOptions o;
         r.optional("end_learning_rate", o.end_learning_rate);
         r.optional("power", o.power);
         r.optional("cycle", o.cycle);
         r.optional("name", o.name);
         return std::make_shared<PolynomialDecay>(r.required<double>("initial_learning_rate"),
                                                  r.required<int64_t>("decay_steps"), o);
       }},
  };
  return table;
}

}  // namespace

Json serialize_schedule(const LearningRateSchedule& schedule) {
  return {{"module", "keras.optimizers.schedules"},
          {"class_name", schedule.class_name()},
          {"config", schedule.config()},
          {"registered_name", nullptr}};
}

SchedulePtr schedule_from_config(const Json& serialized) {
  if (!serialized.is_object() || !serialized.contains("class_name") ||
      !serialized["class_name"].is_string())
    throw ValueError(
        str("schedule_from_config: expected an object with a \"class_name\" string, "
            "got ",
            serialized.dump(), "."));
  std::string name = serialized["class_name"].get<std::string>();
  Json config = serialized.contains("config") ? serialized["config"] : Json::object();
  std::string known;
  for (const auto& [class_name, make] : factories()) {
    if (class_name == name) return make(name, config);
    known += str(known.empty() ? "" : ", ", "\"", class_name, "\"");
  }
  throw ValueError(
      str("schedule_from_config: unknown schedule \"", name, "\": expected one of ", known, "."));
}

}  // namespace mz::optimizers::schedules
