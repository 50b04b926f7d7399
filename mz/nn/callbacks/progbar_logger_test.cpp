// ProgbarLogger with an injected stream and clock: the one-line-per-epoch format (verbose 2 and
// non-terminals), the live bar with ETA and throttling, evaluate's bar, number formats.
#include "mz/nn/callbacks/progbar_logger.h"

#include <cmath>
#include <sstream>

#include "testing.h"

namespace mz::callbacks {
namespace {

// A logger printing into `out`, with a clock the test moves by hand.
struct Harness {
  std::ostringstream out;
  double t = 100.0;
  ProgbarLogger make(int verbose, bool dynamic, int epochs, int64_t steps) {
    ProgbarLogger p(verbose,
                    {.out = &out, .dynamic_display = dynamic, .clock = [this] { return t; }});
    p.set_params({.epochs = epochs, .steps = steps, .verbose = verbose});
    return p;
  }
  // One epoch of `steps` batches of 0.75 s each.
  void epoch(ProgbarLogger& p, int e, int64_t steps, const Logs& batch, const Logs& end) {
    p.on_epoch_begin(e, {});
    for (int64_t b = 0; b < steps; ++b) {
      t += 0.75;
      p.on_train_batch_end(b, batch);
    }
    p.on_epoch_end(e, end);
  }
};

TEST(ProgbarLogger, OneLinePerEpochWhenNotATerminal) {
  for (int verbose : {1, 2}) {
    Harness h;
    ProgbarLogger p = h.make(verbose, /*dynamic=*/false, 2, 4);
    p.on_train_begin({});
    h.epoch(p, 0, 4, {{"loss", 0.9}}, {{"accuracy", 0.8123}, {"loss", 0.5271}});
    h.epoch(p, 1, 4, {{"loss", 0.4}},
            {{"accuracy", 0.9}, {"loss", 0.25}, {"val_accuracy", 0.875}, {"val_loss", 0.3}});
    p.on_train_end({});
    EXPECT_EQ(h.out.str(),
              "Epoch 1/2\n"
              "4/4 - 3s - 750ms/step - accuracy: 0.8123 - loss: 0.5271\n"
              "Epoch 2/2\n"
              "4/4 - 3s - 750ms/step - accuracy: 0.9000 - loss: 0.2500 - val_accuracy: 0.8750 - "
              "val_loss: 0.3000\n")
        << "verbose " << verbose;
  }
}

TEST(ProgbarLogger, CountsAreRightAlignedAndSmallValuesScientific) {
  Harness h;
  ProgbarLogger p = h.make(2, false, 1, 12);
  p.on_train_begin({});
  p.on_epoch_begin(0, {});  // one epoch: no "Epoch 1/1" line
  h.t += 0.024;
  p.on_epoch_end(0, {{"loss", 0.0001}, {"mae", std::nan("")}, {"x", -2.5}});
  EXPECT_EQ(h.out.str(), "12/12 - 0s - 2ms/step - loss: 1.0000e-04 - mae: nan - x: -2.5000\n");
}

TEST(ProgbarLogger, LiveBarRedrawsInPlaceWithEtaAndThrottles) {
  Harness h;
  ProgbarLogger p = h.make(1, /*dynamic=*/true, 1, 4);
  p.on_train_begin({});
  p.on_epoch_begin(0, {});
  h.t += 0.75;
  p.on_train_batch_end(0, {{"loss", 0.5}});
  const std::string first = h.out.str();
  EXPECT_EQ(first,
            "\r\x1b[1m1/4\x1b[0m \x1b[32m━━━━━\x1b[0m\x1b[37m━━━━━━━━━━━━━━━\x1b[0m "
            "\x1b[1m2s\x1b[0m 750ms/step - loss: 0.5000");
  p.on_train_batch_end(1, {{"loss", 0.25}});  // no time passed: throttled
  EXPECT_EQ(h.out.str(), first);
  h.t += 0.75;
  p.on_train_batch_end(1, {{"loss", 0.25}});
  h.t += 0.75;
  p.on_train_batch_end(2, {{"loss", 0.125}});
  h.t += 0.75;
  p.on_train_batch_end(3, {{"loss", 0.0625}});
  p.on_epoch_end(0, {{"loss", 0.0625}});
  const std::string all = h.out.str();
  const std::string last = all.substr(all.rfind('\r'));
  EXPECT_EQ(last,
            "\r\x1b[1m4/4\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m\x1b[37m\x1b[0m "
            "\x1b[1m3s\x1b[0m 750ms/step - loss: 0.0625\n");
  EXPECT_NE(all.find("\r\x1b[1m3/4\x1b[0m"), std::string::npos);
}

TEST(ProgbarLogger, LiveBarPadsOverALongerPreviousLine) {
  Harness h;
  ProgbarLogger p = h.make(1, true, 1, 2);
  p.on_epoch_begin(0, {});
  h.t += 0.75;
  p.on_train_batch_end(0, {{"loss", 0.5}, {"long_metric_name", 0.5}});
  p.on_train_batch_end(1, {{"loss", 0.5}});  // throttled: not drawn
  h.t += 0.75;
  p.on_epoch_end(0, {{"loss", 0.5}});
  std::string all = h.out.str();
  std::string last = all.substr(all.rfind('\r'));
  // The finished line is shorter: spaces blank out " - long_metric_name: 0.5000" (27).
  EXPECT_NE(last.find("loss: 0.5000" + std::string(27, ' ') + "\n"), std::string::npos) << last;
}

TEST(ProgbarLogger, EvaluateHasABarButValidationInsideFitIsSilent) {
  Harness h;
  ProgbarLogger p = h.make(2, false, 1, 3);
  p.on_test_begin({});
  for (int b = 0; b < 3; ++b) {
    h.t += 1.5;
    p.on_test_batch_end(b, {{"loss", 1.0}});
  }
  p.on_test_end({{"loss", 0.75}});
  EXPECT_EQ(h.out.str(), "3/3 - 4s - 2s/step - loss: 0.7500\n");

  Harness fit;
  ProgbarLogger q = fit.make(2, false, 1, 1);
  q.on_train_begin({});
  q.on_epoch_begin(0, {});
  fit.t += 0.5;
  q.on_train_batch_end(0, {{"loss", 1.0}});
  q.on_test_begin({});
  q.on_test_batch_end(0, {{"loss", 2.0}});
  q.on_test_end({{"loss", 2.0}});
  q.on_epoch_end(0, {{"loss", 1.0}, {"val_loss", 2.0}});
  EXPECT_EQ(fit.out.str(), "1/1 - 0s - 500ms/step - loss: 1.0000 - val_loss: 2.0000\n");
}

TEST(ProgbarLogger, SilentAtVerboseZero) {
  Harness h;
  ProgbarLogger p = h.make(0, true, 3, 2);
  h.epoch(p, 0, 2, {{"loss", 1.0}}, {{"loss", 1.0}});
  EXPECT_EQ(h.out.str(), "");
}

}  // namespace
}  // namespace mz::callbacks
