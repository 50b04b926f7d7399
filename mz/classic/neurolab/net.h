// Net: neurolab's network (neurolab.core.Net, spec §1.1): layers wired by a connect list,
// step/sim, reset, init, copy, train, and the flat parameter vector (spec §1.3).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "mz/classic/neurolab/error.h"
#include "mz/classic/neurolab/layer.h"
#include "mz/classic/neurolab/matrix.h"
#include "mz/classic/neurolab/train.h"

namespace mz::classic::nl {

// connect[i] lists the sources of layer i (-1 = net input, j = layer j's output),
// concatenated in order; the last entry lists the sources of the net output.
using Connect = std::vector<std::vector<int>>;

class Net {
 public:
  // Wires and initialises the layers (each layer's inp_minmax from its sources, then
  // init()). inp_minmax is (ci, 2). Throws ShapeError for a minmax that is not (ci, 2) or a
  // connect list whose widths do not fit, ValueError for a connect list of the wrong length,
  // a bad source index or a layer whose output nobody uses.
  Net(Matrix inp_minmax, int co, std::vector<Layer> layers, Connect connect, Trainer trainf,
      std::optional<ErrorFn> errorf);

  // One step through the layers in index order (spec §1.1); returns the net output (co).
  // A self-loop reads the layer's previous output (Elman context). Throws ShapeError when
  // x does not have ci values.
  const std::vector<double>& step(const std::vector<double>& x);
  const std::vector<double>& step(const double* x);
  // step() for each row of input (samples, ci); returns (samples, co). Keeps recurrent
  // state. Throws ShapeError when input does not have ci columns.
  Matrix sim(const Matrix& input);
  // The same on `rows` rows of ci values at `input` (row-major), without copying them.
  Matrix sim(const double* input, std::size_t rows);
  // Zeroes the stored input and output of the net and its layers (clears Elman context).
  // Unlike neurolab it never touches the caller's arrays (the state is copied).
  void reset();
  // Re-runs every layer's initf.
  void init();
  // A deep copy.
  Net copy() const;
  // trainf(*this, input, target, options): the errors of the recorded epochs.
  std::vector<double> train(const Matrix& input, const Matrix& target,
                            const TrainOptions& options = {});
  // Training without a target (train_wta, train_cwta). NOTE: spell the options type,
  // net.train(x, TrainOptions{.epochs = 5}): GCC 12 finds a bare designated list ambiguous
  // with the (input, target) overload because Matrix has (rows, cols[, fill]) constructors.
  std::vector<double> train(const Matrix& input, const TrainOptions& options = {});

  // Number of parameters, the flat vector, and its inverse (neurolab tool.np_*).
  std::size_t np_size() const;
  std::vector<double> np_get() const;
  // Throws ShapeError when the count is not np_size().
  void np_set(const std::vector<double>& flat);

  int ci = 0, co = 0;
  Matrix inp_minmax, out_minmax;
  std::vector<Layer> layers;
  Connect connect;
  Trainer trainf;
  std::optional<ErrorFn> errorf;
  std::vector<double> inp, out;  // last step's input and output (copies)

 private:
  std::vector<std::vector<double>> signal_;  // per connect entry, the concatenation buffer
};

}  // namespace mz::classic::nl
