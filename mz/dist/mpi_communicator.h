// The MPI backend (Open MPI from Debian): one rank per process, launched by mpirun. Collectives
// are nonblocking MPI calls (made by the calling thread, or by the communicator's worker for
// start_all_reduce: never by two threads at once, as MPI_THREAD_SERIALIZED asks) polled against
// a deadline with a growing sleep (never a full-speed spin); on expiry the waiting rank asks the
// others where they are, prints which ranks did not arrive and calls MPI_Abort. Only
// mpi_communicator.cpp sees mpi.h.
#pragma once

#include "mz/dist/communicator.h"

namespace mz::dist {

// True when merezha was built with MPI (cmake printed "✓ MPI").
bool mpi_available();

// The MPI communicator of MPI_COMM_WORLD, initialising MPI (MPI_THREAD_SERIALIZED) on first
// use; while one lives, later calls return it. MPI_Finalize runs when the last handle goes.
// Throws BackendError "merezha was built without MPI" when it was.
CommunicatorPtr mpi_communicator();

// Shuts the live MPI communicator down now (its worker thread ends, MPI_Finalize runs if it
// initialised MPI); for runtimes that may never destroy it, like Python at exit. Its later
// collectives fail. Does nothing without one (or without MPI).
void mpi_shut_down();

// One MPI_Allreduce (MPI_SUM, in place, blocking, no timeout) over MPI_COMM_WORLD: Open MPI's
// own all-reduce, the yardstick bench/dist_allreduce compares the communicator with. float32
// or float64 host tensors; throws BackendError without MPI.
void mpi_native_all_reduce(Tensor& t);

}  // namespace mz::dist
