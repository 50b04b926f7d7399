// Transfer functions: the element loops behind neurolab.trans (spec §2).
#include "mz/classic/neurolab/trans.h"

#include <cmath>
#include <limits>

#include "mz/core/error.h"

namespace mz::classic::nl {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

const char* Transfer::name() const {
  switch (kind_) {
    case TransferKind::tansig: return "TanSig";
    case TransferKind::purelin: return "PureLin";
    case TransferKind::logsig: return "LogSig";
    case TransferKind::hardlim: return "HardLim";
    case TransferKind::hardlims: return "HardLims";
    case TransferKind::satlin: return "SatLin";
    case TransferKind::satlins: return "SatLins";
    case TransferKind::satlinprm: return "SatLinPrm";
    case TransferKind::softmax: return "SoftMax";
    case TransferKind::competitive: return "Competitive";
    case TransferKind::radbas: return "RadBas";
  }
  return "?";
}

void Transfer::apply(const double* x, double* y, int n) const {
  switch (kind_) {
    case TransferKind::tansig:
      for (int i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
      break;
    case TransferKind::purelin:
      for (int i = 0; i < n; ++i) y[i] = x[i];
      break;
    case TransferKind::logsig:
      for (int i = 0; i < n; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
      break;
    case TransferKind::hardlim:
      for (int i = 0; i < n; ++i) y[i] = x[i] > 0 ? 1.0 : 0.0;
      break;
    case TransferKind::hardlims:
      for (int i = 0; i < n; ++i) y[i] = x[i] > 0 ? 1.0 : -1.0;
      break;
    case TransferKind::satlin:
      for (int i = 0; i < n; ++i) y[i] = x[i] < 0 ? 0.0 : (x[i] > 1 ? 1.0 : x[i]);
      break;
    case TransferKind::satlins:
      for (int i = 0; i < n; ++i) y[i] = x[i] < -1 ? -1.0 : (x[i] > 1 ? 1.0 : x[i]);
      break;
    case TransferKind::satlinprm:
      for (int i = 0; i < n; ++i) {
        double v = x[i] < lo_ ? lo_ : (x[i] > hi_ ? hi_ : x[i]);
        y[i] = v * k_;
      }
      break;
    case TransferKind::softmax: {
      double sum = 0;
      for (int i = 0; i < n; ++i) sum += (y[i] = std::exp(x[i]));
      for (int i = 0; i < n; ++i) y[i] /= sum;
      break;
    }
    case TransferKind::competitive: {
      int best = 0;
      for (int i = 1; i < n; ++i)
        if (x[i] < x[best]) best = i;
      for (int i = 0; i < n; ++i) y[i] = 0.0;
      if (n > 0) y[best] = 1.0;
      break;
    }
    case TransferKind::radbas:
      for (int i = 0; i < n; ++i) y[i] = std::exp(-x[i] * x[i]);
      break;
  }
}

void Transfer::deriv(const double* x, const double* y, double* d, int n) const {
  switch (kind_) {
    case TransferKind::tansig:
      for (int i = 0; i < n; ++i) d[i] = 1.0 - y[i] * y[i];
      break;
    case TransferKind::purelin:
      for (int i = 0; i < n; ++i) d[i] = 1.0;
      break;
    case TransferKind::logsig:
    case TransferKind::softmax:
      for (int i = 0; i < n; ++i) d[i] = y[i] * (1.0 - y[i]);
      break;
    case TransferKind::hardlim:
    case TransferKind::hardlims:
    case TransferKind::radbas:
      for (int i = 0; i < n; ++i) d[i] = 0.0;
      break;
    case TransferKind::satlin:
      for (int i = 0; i < n; ++i) d[i] = (x[i] > 0 && x[i] < 1) ? 1.0 : 0.0;
      break;
    case TransferKind::satlins:
      for (int i = 0; i < n; ++i) d[i] = (x[i] > -1 && x[i] < 1) ? 1.0 : 0.0;
      break;
    case TransferKind::satlinprm:
      for (int i = 0; i < n; ++i) d[i] = (x[i] > lo_ && x[i] < hi_) ? 1.0 : 0.0;
      break;
    case TransferKind::competitive:
      throw ValueError(
          "Competitive.deriv: the competitive transfer has no derivative: expected a "
          "differentiable transfer (TanSig, LogSig, PureLin, ...), got Competitive.");
  }
}

std::vector<double> Transfer::operator()(const std::vector<double>& x) const {
  std::vector<double> y(x.size());
  apply(x.data(), y.data(), static_cast<int>(x.size()));
  return y;
}

std::vector<double> Transfer::deriv(const std::vector<double>& x,
                                    const std::vector<double>& y) const {
  std::vector<double> d(x.size());
  deriv(x.data(), y.data(), d.data(), static_cast<int>(x.size()));
  return d;
}

std::array<double, 2> Transfer::out_minmax() const {
  switch (kind_) {
    case TransferKind::tansig:
    case TransferKind::hardlims:
    case TransferKind::satlins: return {-1, 1};
    case TransferKind::logsig:
    case TransferKind::hardlim:
    case TransferKind::satlin:
    case TransferKind::softmax:
    case TransferKind::competitive: return {0, 1};
    case TransferKind::satlinprm: return {lo_, hi_};
    case TransferKind::purelin:
    case TransferKind::radbas: return {-kInf, kInf};
  }
  return {-kInf, kInf};
}

std::array<double, 2> Transfer::inp_active() const {
  switch (kind_) {
    case TransferKind::tansig: return {-2, 2};
    case TransferKind::logsig: return {-4, 4};
    case TransferKind::hardlim:
    case TransferKind::hardlims: return {0, 0};
    case TransferKind::satlin: return {0, 1};
    case TransferKind::satlins: return {-1, 1};
    case TransferKind::satlinprm: return {lo_, hi_};
    case TransferKind::purelin:
    case TransferKind::softmax:
    case TransferKind::competitive:
    case TransferKind::radbas: return {-kInf, kInf};
  }
  return {-kInf, kInf};
}

}  // namespace mz::classic::nl
