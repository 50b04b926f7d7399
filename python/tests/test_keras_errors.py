"""Bad input to the Keras face from Python gives a Python exception with a clear message
(asserted by text), never a crash: wrong dtypes, shapes and None, non-contiguous and
read-only arrays (accepted: copied or viewed), unknown names, and Python callbacks, losses
and metrics that raise."""
import numpy as np
import pytest

import merezha as keras
from merezha import layers


def compiled(features=4):
    model = keras.Sequential([keras.Input((features,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    return model


X = np.random.RandomState(0).rand(16, 4).astype("float32")
Y = np.random.RandomState(1).rand(16, 2).astype("float32")


@pytest.mark.parametrize("call,text", [
    (lambda m: m.fit(None, Y, verbose=0), "Model.fit: x: expected an array"),
    (lambda m: m.fit(X, None, verbose=0), "Model.fit: y: expected an array"),
    (lambda m: m.predict(None, verbose=0), "Model.predict: x: expected an array, got None."),
    (lambda m: m.fit(np.array([["a"] * 4] * 16), Y, verbose=0), "expected a numeric array"),
    (lambda m: m.predict(np.ones((3, 4), dtype=complex), verbose=0), "dtype 'complex128'"),
    (lambda m: m.evaluate(X, None, verbose=0), "Model.evaluate: y: expected an array"),
])
def test_none_and_wrong_dtypes_are_value_errors(call, text):
    with pytest.raises(ValueError) as e:
        call(compiled())
    assert text in str(e.value)


def test_wrong_shapes_name_both_shapes():
    model = compiled()
    with pytest.raises(ValueError) as e:
        model.predict(np.ones((3, 5), dtype="float32"), verbose=0)
    assert "expected (None, 4), got (3, 5)" in str(e.value)
    assert isinstance(e.value, keras.ShapeError)
    with pytest.raises(ValueError, match="Model.fit: x has 16 samples but y has 10."):
        model.fit(X, Y[:10], verbose=0)
    with pytest.raises(ValueError, match=r"\(16, 3\) and \(16, 2\)"):
        model.fit(X, np.ones((16, 3), dtype="float32"), verbose=0)
    with pytest.raises(ValueError, match="set_weights: weight \"kernel\" has the wrong shape"):
        model.layers[0].set_weights([np.ones((3, 2)), np.ones(2)])


def test_non_contiguous_read_only_and_float64_arrays_work():
    model = compiled()
    base = np.asarray(model.predict(X, verbose=0))
    wide = np.zeros((16, 8), dtype="float64")
    wide[:, ::2] = X
    np.testing.assert_allclose(model.predict(wide[:, ::2], verbose=0), base, rtol=1e-6)
    ro = X.copy()
    ro.setflags(write=False)
    np.testing.assert_allclose(model.predict(ro, verbose=0), base, rtol=1e-6)
    fortran = np.asfortranarray(X)
    np.testing.assert_allclose(model.predict(fortran, verbose=0), base, rtol=1e-6)
    model.fit(ro, np.asfortranarray(Y), epochs=1, verbose=0)


def test_unknown_names_list_the_valid_ones():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
    with pytest.raises(ValueError, match="unknown") as e:
        model.compile(optimizer="adamm", loss="mse")
    assert "adam" in str(e.value)
    with pytest.raises(ValueError) as e:
        model.compile(optimizer="sgd", loss="mean_squared_eror")
    assert "mean_squared_error" in str(e.value)
    with pytest.raises(ValueError, match="Model.compile: loss: expected a name"):
        model.compile(optimizer="sgd", loss=5)
    with pytest.raises(ValueError, match="Model.compile: optimizer: expected a name"):
        model.compile(optimizer=3.0, loss="mse")
    with pytest.raises(ValueError, match="unknown activation"):
        layers.Dense(3, activation="relu7")
    with pytest.raises(ValueError, match="Model.fit: x: expected an array"):
        model.fit(None, None)


def test_uncompiled_model_and_bad_callbacks():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
    with pytest.raises(ValueError, match="compile"):
        model.fit(X, Y, verbose=0)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="callbacks: expected merezha.callbacks objects"):
        model.fit(X, Y, verbose=0, callbacks=[object()])
    with pytest.raises(ValueError, match="callbacks: expected a list"):
        model.fit(X, Y, verbose=0, callbacks=keras.callbacks.Callback())
    with pytest.raises(ValueError, match="Model: inputs: expected a KerasTensor"):
        keras.Model(inputs=None, outputs=None)


def test_a_raising_callback_propagates_and_the_model_stays_usable():
    model = compiled()

    class Boom(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                raise RuntimeError("boom in the callback")

    with pytest.raises(RuntimeError, match="boom in the callback"):
        model.fit(X, Y, batch_size=4, epochs=3, verbose=0, callbacks=[Boom()])
    assert model.predict(X, verbose=0).shape == (16, 2)
    model.fit(X, Y, epochs=1, verbose=0)


def test_a_raising_or_wrong_custom_loss_is_a_clear_error():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])

    def bad_loss(y_true, y_pred):
        raise ZeroDivisionError("loss went wrong")

    model.compile(optimizer="sgd", loss=bad_loss)
    with pytest.raises(ZeroDivisionError, match="loss went wrong"):
        model.fit(X, Y, verbose=0)

    def numpy_loss(y_true, y_pred):
        return np.zeros(4)

    model.compile(optimizer="sgd", loss=numpy_loss)
    with pytest.raises(ValueError, match="custom loss 'numpy_loss': expected the function to "
                                         "return a merezha Tensor"):
        model.fit(X, Y, verbose=0)

    def bad_metric(y_true, y_pred):
        raise KeyError("metric")

    model.compile(optimizer="sgd", loss="mse", metrics=[bad_metric])
    with pytest.raises(KeyError):
        model.evaluate(X, Y, verbose=0)
    model.compile(optimizer="sgd", loss="mse")
    assert np.isfinite(model.evaluate(X, Y, verbose=0))


def test_nested_lists_are_one_array():
    model = compiled()
    rows = X[:3].tolist()
    np.testing.assert_allclose(model.predict(rows, verbose=0), model.predict(X[:3], verbose=0),
                               rtol=1e-6)
