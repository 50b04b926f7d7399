#!/usr/bin/python3
"""Writes the .npy/.npz files that mz/io/npy_test.cpp reads back bitwise (tests/golden/npy/).

Values follow formulas the C++ test recomputes: element i (in C order) of a float array is
i * 0.37 - 1.5 computed in float64 and cast; of an integer array i * 7 - 20 cast (wrapping as
NumPy's astype does); f2 uses i * 0.25 - 1 (exact in half). Run with Debian's NumPy:
    /usr/bin/python3 tools/golden/npy_files.py
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "npy")


def floats(shape, dtype):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float64) * 0.37 - 1.5).astype(dtype).reshape(shape)


def ints(shape, dtype):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.int64) * 7 - 20).astype(dtype).reshape(shape)


def save(name, array, version=None):
    path = os.path.join(OUT, name)
    if version is None:
        np.save(path, array)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version)


def main():
    os.makedirs(OUT, exist_ok=True)
    save("f4_2x3.npy", floats((2, 3), "<f4"))
    save("f8_be_3x2.npy", floats((3, 2), ">f8"))
    save("f4_be_2x3.npy", floats((2, 3), ">f4"))
    save("i4_fortran_2x3x4.npy", np.asfortranarray(ints((2, 3, 4), "<i4")))
    save("f8_fortran_be_3x5.npy", np.asfortranarray(floats((3, 5), ">f8")))
    save("i8_4.npy", ints((4,), "<i8"))
    save("i8_be_4.npy", ints((4,), ">i8"))
    save("u1_2x2.npy", ints((2, 2), "u1"))
    save("b1_5.npy", np.array([True, False, True, True, False]))
    save("i1_6.npy", ints((6,), "i1"))
    save("i2_be_6.npy", ints((6,), ">i2"))
    save("u2_6.npy", (np.arange(6) * 9000).astype("<u2"))
    save("u4_6.npy", (np.arange(6) * 800000000).astype("<u4"))
    save("u8_6.npy", (np.arange(6) * 10**15).astype("<u8"))
    save("f2_6.npy", (np.arange(6) * 0.25 - 1).astype("<f2"))
    special = np.array([-0.0, np.inf, -np.inf, np.nan, 1e-45, 3.4028235e38], dtype="<f4")
    save("f4_special.npy", special)
    save("f8_scalar.npy", np.float64(2.75))
    save("i8_empty_0x3.npy", np.zeros((0, 3), dtype="<i8"))
    save("f4_v2_2x3.npy", floats((2, 3), "<f4"), version=(2, 0))
    save("f4_v3_2x3.npy", floats((2, 3), "<f4"), version=(3, 0))
    save("c8_2.npy", np.array([1 + 2j, 3 - 1j], dtype="<c8"))
    save("U3_2.npy", np.array(["abc", "de"], dtype="<U3"))
    np.savez(os.path.join(OUT, "stored.npz"), a=floats((2, 3), "<f4"), b=ints((4,), "<i8"))
    np.savez_compressed(os.path.join(OUT, "deflated.npz"), floats((3, 2), "<f8"),
                        ints((2, 2), "u1"))


if __name__ == "__main__":
    main()
