// Recall in a Hopfield net made by newhop, many probes at once: W u = (Pᵀ(P u) - p u) / n
// through the p stored patterns, as two GEMMs over the probes still iterating, instead of one
// n x n product per probe. The same iteration and stopping rule as Layer::step.
#pragma once

#include <optional>

#include "mz/classic/neurolab/matrix.h"

namespace mz::classic::nl {

class Net;

namespace detail {

// net.sim(input) (rows x ci values, row-major) for a net whose only layer is newhop's Reccurent
// layer with w unchanged since newhop built it; nullopt for any other net (the caller then steps
// probe by probe). Leaves the net's state (inp, out, the layer's inp, s, out, iterations) as
// stepping through every row would: the last row's.
std::optional<Matrix> hebbian_sim(Net& net, const double* input, std::size_t rows);

}  // namespace detail
}  // namespace mz::classic::nl
