// CellularNetwork: Chua & Yang's cellular neural network (1988) on an M x N grid with an
// r-neighbourhood cloning template (A feedback, B control, bias z), integrated in time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/core/tensor.h"

namespace mz::classic {

// A space-invariant cloning template: A and B are (2r+1) x (2r+1) row-major, z the bias.
struct CellularTemplate {
  std::vector<double> a;
  std::vector<double> b;
  double z = 0.0;
  int radius = 1;
};

// A template of the CNN Software Library (Roska et al.): "edge" (binary edge), "grey_edge",
// "corner". Unknown names throw ValueError listing the known ones.
CellularTemplate cellular_template(const std::string& name);

// Integration options: forward "euler" or "rk4" with step dt up to time t_end; the virtual
// cells outside the grid hold input and output `boundary` (0, or -1 = white); the run stops
// early once max |dx/dt| < tolerance (0: never).
struct CellularNetworkOptions {
  double dt = 0.05;
  double t_end = 30.0;
  std::string method = "euler";
  double boundary = 0.0;
  double tolerance = 0.0;
};

// What run() returns: output y = f(x) and state x (both (M, N) float64), the time reached,
// the number of steps, and whether every output is saturated at +-1.
struct CellularRun {
  Tensor output;
  Tensor state;
  double time = 0.0;
  int64_t steps = 0;
  bool saturated = false;
};

class CellularNetwork {
 public:
  // A network with the given template; the template's sizes must match its radius.
  explicit CellularNetwork(CellularTemplate templ, CellularNetworkOptions options = {});

  // Integrates dx/dt = -x + A*y + B*u + z from x(0) = initial_state (default 0) for the
  // input image `input` (M, N), +1 black, -1 white.
  CellularRun run(const Tensor& input, const Tensor& initial_state = {}) const;
  // The template and the integration options.
  const CellularTemplate& templ() const { return t_; }
  const CellularNetworkOptions& options() const { return options_; }
  // The output nonlinearity f(x) = (|x + 1| - |x - 1|) / 2.
  static double output(double x);

 private:
  void derivative(const std::vector<double>& x, const std::vector<double>& bu, int64_t m, int64_t n,
                  std::vector<double>& dx) const;

  CellularTemplate t_;
  CellularNetworkOptions options_;
};

}  // namespace mz::classic
