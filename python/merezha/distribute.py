"""Data-parallel training over MPI (docs/distributed.md), Horovod's recipe in Keras's words::

    import merezha as keras
    from merezha import distribute

    comm = distribute.init()            # rank and size from mpirun; one rank without it
    model = ...                         # the same model on every rank (rank 0's weights win)
    model.compile(...)
    model.fit(x, y, batch_size=64, communicator=comm)   # 64 rows a step over all ranks
    if comm.rank == 0:
        model.save("model.keras")

Run with ``mpirun -np 4 python train.py``. Every rank passes the same ``x`` and ``y`` and
trains on its own shard of each global batch; gradients are averaged over the ranks before
each identical update; only rank 0 prints, checkpoints and logs.
"""
import atexit

from merezha import _merezha
from merezha._merezha import Communicator  # noqa: F401

_live = []  # the communicator of init(), so that exit can end MPI (see _shut_down)


def init():
    """The job's ``Communicator``: the MPI one when an MPI launcher (``mpirun``) started this
    process, else a world of one rank (the same program runs alone). Calls return the same
    communicator while it lives."""
    comm = _merezha._distribute_init()
    if not _live:
        _live.append(comm)
    return comm


def rank():
    """This process's rank in the job (0 without ``mpirun``)."""
    return init().rank


def size():
    """The number of ranks in the job (1 without ``mpirun``)."""
    return init().size


@atexit.register
def _shut_down():
    # MPI must be finalised before the process exits (mpirun fails a job whose ranks do not),
    # and Python may never free objects still referenced at exit.
    _live.clear()
    _merezha._distribute_shut_down()


__all__ = ["Communicator", "init", "rank", "size"]
