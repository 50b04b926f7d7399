// The in-process backend: a world of ranks that are threads of one process, sharing memory.
// Deterministic and fast; what the unit tests and a one-rank dist::init() use.
#pragma once

#include <functional>
#include <vector>

#include "mz/dist/communicator.h"

namespace mz::dist {

// One communicator per rank of a new world of `size` ranks (size >= 1); give comms[r] to the
// thread that plays rank r. Throws ValueError for size < 1.
std::vector<CommunicatorPtr> in_process_world(int size);

// Runs fn(comm) for every rank of a new world, each on its own thread (timeout in seconds for
// every collective), and waits for all. When ranks throw, rethrows the exception of the
// lowest rank that failed on its own (not of one ended by another rank's abort); a rank that throws
// aborts the world, so the others' collectives fail instead of waiting.
void run_in_process(int size, const std::function<void(Communicator&)>& fn, double timeout = 60.0);

}  // namespace mz::dist
