"""merezha.distribute: init() without a launcher is a world of one rank; fit(communicator=...)
checks its argument; under `mpirun -np 2` (skipped without mpirun or MPI) two Python ranks that
drew different weights end a data-parallel fit with the weights of one process training on the
whole global batch (float32: 1e-4 relative, 1e-6 absolute), identical on both ranks."""
import os
import re
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import merezha as keras
from merezha import distribute

SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    import merezha as keras
    from merezha import distribute

    comm = distribute.init()
    keras.utils.set_random_seed(100 * comm.rank)   # rank 0's weights must win
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="mse")
    x = np.sin(0.37 * np.arange(320 * 5)).reshape(320, 5).astype("float32")
    y = np.cos(0.11 * np.arange(320 * 3)).reshape(320, 3).astype("float32")
    model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0, communicator=comm)
    np.savez(sys.argv[1] + "/rank%d.npz" % comm.rank, *model.get_weights())
    print("rank %d of %d (%s) done" % (comm.rank, comm.size, comm.backend))
""")


def reference_weights():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="mse")
    x = np.sin(0.37 * np.arange(320 * 5)).reshape(320, 5).astype("float32")
    y = np.cos(0.11 * np.arange(320 * 3)).reshape(320, 3).astype("float32")
    model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    return model.get_weights()


def test_init_without_a_launcher_is_one_rank():
    if "OMPI_COMM_WORLD_SIZE" in os.environ:
        pytest.skip("running under mpirun")
    comm = distribute.init()
    assert (comm.rank, comm.size, comm.backend) == (0, 1, "in_process")
    assert distribute.rank() == 0 and distribute.size() == 1
    assert comm.timeout == 60.0 and comm.deterministic
    comm.barrier()
    assert "rank 0 of 1" in repr(comm)


def test_fit_rejects_what_is_not_a_communicator():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((4, 2), "float32")
    with pytest.raises(keras.ValueError, match=re.escape(
            "Model.fit: communicator: expected a merezha.distribute.Communicator (from "
            "merezha.distribute.init()), got int.")):
        model.fit(x, x[:, :1], communicator=3, verbose=0)


def test_mpirun_two_ranks_train_like_one_process(tmp_path):
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("no mpirun (apt-get install openmpi-bin)")
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    cmd = [mpirun, "--oversubscribe", "--allow-run-as-root", "--bind-to", "none", "--mca", "btl",
           "self,vader", "-x", "OMP_NUM_THREADS=1", "-np", "2", sys.executable, str(script),
           str(tmp_path)]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"mpirun -np 2 still running after 90 s: {e.stdout}\n{e.stderr}")
    out = run.stdout + run.stderr
    if "built without MPI" in out:
        pytest.skip("merezha was built without MPI")
    assert run.returncode == 0, out
    assert "rank 0 of 2 (mpi) done" in out and "rank 1 of 2 (mpi) done" in out, out
    expected = reference_weights()
    ranks = [np.load(tmp_path / f"rank{r}.npz") for r in (0, 1)]
    for k, want in enumerate(expected):
        got0, got1 = ranks[0][f"arr_{k}"], ranks[1][f"arr_{k}"]
        assert np.array_equal(got0, got1), f"weight {k} differs between the ranks"
        np.testing.assert_allclose(got0, want, rtol=1e-4, atol=1e-6, err_msg=f"weight {k}")
