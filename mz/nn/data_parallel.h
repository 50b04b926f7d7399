// What Model::fit does differently when FitOptions.communicator is set (training.cpp calls
// these; they live in nn/, over dist/'s communicators, because they need Model): the start-up
// checks, the broadcast of rank 0's state, the shard of each global batch, the averaged logs,
// the agreed stop and the end of every rank after one rank's failure.
#pragma once

#include <exception>
#include <utility>
#include <vector>

#include "mz/dist/communicator.h"
#include "mz/nn/callbacks/callback.h"

namespace mz {
class Model;
class DistributedOptimizer;
struct FitOptions;
}  // namespace mz

namespace mz::dist::detail {

// Throws DistributedError (agreed: every rank throws it) naming the ranks whose fit arguments
// differ from rank 0's: samples (so batches per epoch), batch_size, epochs, initial_epoch,
// steps_per_epoch, shuffle; and when batch_size (the global batch) is below the rank count.
void check_fit_arguments(Communicator& comm, int64_t samples, const FitOptions& options);

// The samples a distributed fit trains on: all, unless the last global batch would hold fewer
// rows than there are ranks (n % batch_size in [1, size)): those rows are left out.
int64_t samples_kept(const Communicator& comm, int64_t samples, int64_t batch_size);

// Throws DistributedError (agreed) unless every rank's model has the same parameters (count,
// shapes, dtypes, in order); the message names the differing ranks and, for the first of them,
// the first differing parameter on both sides. Throws ValueError (agreed) for a model without
// weights (not built: give it an Input or call build()).
void check_same_model(Communicator& comm, const Model& model);

// Rank root's weights (trainable and not), optimizer state (built for the trainable weights
// first), learning rate, shuffle generator and resume position, on every rank.
void broadcast_fit_state(Communicator& comm, Model& model, int root = 0);

// Cuts xb, yb and swb (one global batch) to this rank's shard (see shard()) and tells
// `reducer` its sample share.
void take_shard(DistributedOptimizer& reducer, std::vector<Tensor>& xb, std::vector<Tensor>& yb,
                Tensor& swb);

// The rows [begin, end) of a global batch of `rows` rows this rank trains on: rank r takes
// [floor(r rows / size), floor((r + 1) rows / size)).
std::pair<int64_t, int64_t> shard(const Communicator& comm, int64_t rows);

// Replaces each value of logs with its mean over ranks weighted by `weight` (the samples the
// rank's values cover); NaN or Inf on any rank gives NaN or Inf on every rank. Every rank
// must hold the same keys.
void average_logs(Communicator& comm, Logs& logs, double weight);

// True on every rank when `stop` is true on any.
bool agree_stop(Communicator& comm, bool stop);

// The callbacks this rank runs: all on rank 0; elsewhere all but those that write files or
// print (ModelCheckpoint, BackupAndRestore, CSVLogger, ProgbarLogger).
std::vector<CallbackSpec> rank_callbacks(const Communicator& comm,
                                         const std::vector<CallbackSpec>& callbacks);

// After `error` ended this rank's fit: returns for an agreed DistributedError; otherwise calls
// comm.abort() with a message naming this rank and its step (MPI: the job ends there).
void fail(Communicator& comm, const std::exception_ptr& error);

}  // namespace mz::dist::detail
