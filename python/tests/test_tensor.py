"""NumPy <-> Tensor: shared memory where the layout allows, conversions, clear errors."""
import numpy as np
import pytest

import merezha as mz


def test_float32_array_is_wrapped_without_a_copy():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = mz.tensor(a)
    assert t.shape == (2, 3) and t.dtype == "float32"
    a[0, 0] = 42.0
    assert t.numpy()[0, 0] == 42.0


def test_strided_view_keeps_its_strides():
    a = np.arange(12, dtype=np.float64).reshape(3, 4)
    t = mz.tensor(a[:, ::2])
    np.testing.assert_array_equal(t.numpy(), a[:, ::2])
    a[2, 2] = -1.0
    assert t.numpy()[2, 1] == -1.0


def test_read_only_and_reversed_arrays_are_copied():
    a = np.arange(4, dtype=np.float32)
    a.setflags(write=False)
    np.testing.assert_array_equal(mz.tensor(a).numpy(), a)
    b = np.arange(5, dtype=np.int64)[::-1]
    np.testing.assert_array_equal(mz.tensor(b).numpy(), b)


@pytest.mark.parametrize("dtype,expected", [(np.bool_, "uint8"), (np.int16, "int64"),
                                            (np.float16, "float32"), (np.uint8, "uint8")])
def test_other_dtypes_convert(dtype, expected):
    assert mz.tensor(np.ones(3, dtype=dtype)).dtype == expected


def test_lists_are_accepted():
    assert mz.tensor([[1.0, 2.0]]).shape == (1, 2)


def test_array_outlives_the_tensor_and_back():
    t = mz.tensor(np.full((2, 2), 3.0))
    a = np.asarray(t)
    del t
    assert a.sum() == 12.0


@pytest.mark.parametrize("bad,text", [(None, "got None"), (np.array(["a"]), "dtype '<U1'"),
                                      (np.array([1j]), "dtype 'complex128'")])
def test_bad_input_is_a_value_error(bad, text):
    with pytest.raises(ValueError, match="merezha.tensor: expected a numeric array") as e:
        mz.tensor(bad)
    assert text in str(e.value)
    assert isinstance(e.value, mz.Error)


def test_big_endian_arrays_are_converted():
    a = np.arange(3, dtype=">f4")
    np.testing.assert_array_equal(mz.tensor(a).numpy(), [0, 1, 2])
