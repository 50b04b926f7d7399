// The NCCL backend: one GPU per process, collectives on device memory queued on merezha's CUDA
// stream, its ncclUniqueId bootstrapped over another communicator (MPI under mpirun). Compiled
// when cmake found CUDA and NCCL ("✓ NCCL"); otherwise its entry points throw BackendError.
// Only nccl_communicator.cpp sees nccl.h.
#pragma once

#include "mz/core/device.h"
#include "mz/dist/communicator.h"

namespace mz::dist {

// True when merezha was built with NCCL (cmake printed "✓ NCCL").
bool nccl_available();

// The GPU this process drives with NCCL: cuda:(local rank % device count), the local rank read
// from OMPI_COMM_WORLD_LOCAL_RANK (MPI_LOCALRANKID, SLURM_LOCALID; else 0). Throws
// BackendError without a CUDA device.
Device nccl_device();

// An NCCL communicator over the same ranks as `bootstrap` (its rank and size): rank 0 creates
// the ncclUniqueId and bootstrap->broadcast()s it (MPI_Bcast under mpirun), then every rank
// joins on nccl_device(). Every rank must call it. Tensors on that GPU are reduced there with
// no host copy; host tensors (start_all_reduce's buckets, logs) are staged through it. The
// communicator keeps `bootstrap` alive, and its abort() ends the job through bootstrap's.
// Throws BackendError without NCCL or a GPU, DistributedError when NCCL fails to start in
// timeout() seconds (the error names the ranks' common step and this rank).
CommunicatorPtr nccl_communicator(const CommunicatorPtr& bootstrap);

// One ncclAllReduce (sum, in place, no rank-order sum, no world-size-1 shortcut) of t over an
// NCCL communicator's ranks, waited for under its timeout: NCCL's own all-reduce, the
// yardstick for the communicator (as mpi_native_all_reduce for MPI). t: a contiguous float32
// or float64 tensor on nccl_device(). Throws ValueError for another communicator or tensor,
// BackendError without NCCL.
void nccl_native_all_reduce(Communicator& comm, Tensor& t);

}  // namespace mz::dist
