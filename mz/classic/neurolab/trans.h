// neurolab's transfer functions (neurolab.trans): f(x), its derivative dy/dx given x and y,
// out_minmax and inp_active (spec §2). Each class is a Transfer value; copy them freely.
#pragma once

#include <array>
#include <vector>

namespace mz::classic::nl {

enum class TransferKind {
  tansig, purelin, logsig, hardlim, hardlims, satlin, satlins, satlinprm, softmax, competitive,
  radbas
};

// A transfer function; build one through TanSig(), PureLin(), SatLinPrm(k, lo, hi), ...
class Transfer {
 public:
  TransferKind kind() const { return kind_; }
  // SatLinPrm's k, out_min and out_max (1, 0, 1 for the others).
  double k() const { return k_; }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  // neurolab's class name, e.g. "TanSig".
  const char* name() const;
  // y = f(x) for n values (SoftMax and Competitive treat the n values as one vector).
  void apply(const double* x, double* y, int n) const;
  // d = dy/dx given x and y = f(x); Competitive has none and throws ValueError.
  void deriv(const double* x, const double* y, double* d, int n) const;
  // The vector forms of apply and deriv.
  std::vector<double> operator()(const std::vector<double>& x) const;
  std::vector<double> deriv(const std::vector<double>& x, const std::vector<double>& y) const;
  // (min, max) of the output as neurolab declares it (SatLinPrm: out_min, out_max, unscaled).
  std::array<double, 2> out_minmax() const;
  // (lo, hi) of the active input range (initwb_reg and initnw read it); may be infinite.
  std::array<double, 2> inp_active() const;

 protected:
  explicit Transfer(TransferKind kind, double k = 1, double lo = 0, double hi = 1)
      : kind_(kind), k_(k), lo_(lo), hi_(hi) {}

 private:
  TransferKind kind_;
  double k_, lo_, hi_;  // SatLinPrm's k, out_min, out_max
};

// tanh x; deriv 1 - y^2; out [-1, 1]; active [-2, 2].
struct TanSig : Transfer { TanSig() : Transfer(TransferKind::tansig) {} };
// x; deriv 1; out and active (-inf, inf).
struct PureLin : Transfer { PureLin() : Transfer(TransferKind::purelin) {} };
// 1 / (1 + e^-x); deriv y (1 - y); out [0, 1]; active [-4, 4].
struct LogSig : Transfer { LogSig() : Transfer(TransferKind::logsig) {} };
// 1 if x > 0 else 0; deriv 0; out [0, 1]; active [0, 0].
struct HardLim : Transfer { HardLim() : Transfer(TransferKind::hardlim) {} };
// 1 if x > 0 else -1; deriv 0; out [-1, 1]; active [0, 0].
struct HardLims : Transfer { HardLims() : Transfer(TransferKind::hardlims) {} };
// clip(x, 0, 1); deriv 1 on (0, 1) else 0; out and active [0, 1].
struct SatLin : Transfer { SatLin() : Transfer(TransferKind::satlin) {} };
// clip(x, -1, 1); deriv 1 on (-1, 1) else 0; out and active [-1, 1].
struct SatLins : Transfer { SatLins() : Transfer(TransferKind::satlins) {} };
// k * clip(x, out_min, out_max) (saturated values are scaled too); deriv 1 on the open
// interval, k ignored; out_minmax and inp_active [out_min, out_max] (neurolab's quirk B5).
struct SatLinPrm : Transfer {
  explicit SatLinPrm(double k = 1, double out_min = 0, double out_max = 1)
      : Transfer(TransferKind::satlinprm, k, out_min, out_max) {}
};
// e^x / sum e^x over the vector (no max shift, as neurolab); deriv y (1 - y); out [0, 1].
struct SoftMax : Transfer { SoftMax() : Transfer(TransferKind::softmax) {} };
// One-hot at the first argmin of the vector; no derivative; out [0, 1].
struct Competitive : Transfer { Competitive() : Transfer(TransferKind::competitive) {} };
// exp(-x^2); deriv 0 (as neurolab master); out and active (-inf, inf).
struct RadBas : Transfer { RadBas() : Transfer(TransferKind::radbas) {} };

}  // namespace mz::classic::nl
