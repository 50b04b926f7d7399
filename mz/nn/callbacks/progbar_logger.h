// ProgbarLogger: Keras's progress bar. On a terminal (verbose 1) a live bar redrawn in place:
//   469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 6ms/step - accuracy: 0.8123 - loss: 0.5271
// otherwise (verbose 2, or output that is not a terminal) one line per epoch:
//   469/469 - 3s - 6ms/step - accuracy: 0.8123 - loss: 0.5271
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "mz/nn/callbacks/callback.h"

namespace mz::callbacks {

// ProgbarLogger's options beyond verbose (tests inject the stream and the clock).
struct ProgbarLoggerOptions {
  std::ostream* out = nullptr;  // where to print; null: std::cout
  // Redraw the bar in place; unset: when printing to std::cout and stdout is a terminal.
  std::optional<bool> dynamic_display;
  double interval = 0.1;          // least seconds between two redraws of a live bar
  std::function<double()> clock;  // seconds from any origin; unset: a steady clock
};

class ProgbarLogger : public Callback {
 public:
  // verbose: 0 silent, 1 a bar (one line per epoch when not on a terminal), 2 one line per epoch.
  explicit ProgbarLogger(int verbose = 1, ProgbarLoggerOptions options = {});

  void on_train_begin(const Logs& logs) override;
  void on_train_end(const Logs& logs) override;
  void on_epoch_begin(int epoch, const Logs& logs) override;
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_test_begin(const Logs& logs) override;
  void on_test_batch_end(int64_t batch, const Logs& logs) override;
  void on_test_end(const Logs& logs) override;
  void on_predict_begin(const Logs& logs) override;
  void on_predict_batch_end(int64_t batch, const Logs& logs) override;
  void on_predict_end(const Logs& logs) override;

 private:
  // Starts a bar for params().steps steps.
  void reset();
  // Shows `current` steps done with `logs`; `finalize` ends the bar with its last line.
  void update(int64_t current, const Logs& logs, bool finalize);
  // Keras's Progbar._estimate_step_duration: seconds per step, ignoring the first step.
  double step_duration(int64_t current, double now);
  double now() const;

  int verbose_;
  ProgbarLoggerOptions options_;
  std::ostream* out_;
  bool dynamic_;
  bool in_fit_ = false;  // inside fit, validation runs silently
  int64_t target_ = 0;   // steps per epoch; 0 unknown
  int64_t seen_ = 0;
  double start_ = 0, last_update_ = -1e300, first_step_done_ = 0;
  bool have_first_step_ = false;
  std::size_t prev_width_ = 0;
};

}  // namespace mz::callbacks
