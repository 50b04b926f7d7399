"""Layers and models subclassed in Python (build / call / add_weight / get_config), Lambda,
saving with custom objects and register_keras_serializable, and isinstance() on the C++
layer classes: asserted by value against the C++ layers they must equal."""
import numpy as np
import pytest

import merezha as keras
from merezha import ops


class Linear(keras.layers.Layer):
    """Keras's documentation example: y = x w + b."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True, name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


class TwoDense(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(5, activation="tanh")
        self.out = keras.layers.Dense(2)

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))


def data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype("float32")
    y = np.stack([x.sum(axis=1), x[:, 0] - x[:, 2]], axis=1).astype("float32")
    return x, y


def test_a_subclassed_layer_computes_with_its_weights():
    layer = Linear(2)
    assert layer.name.startswith("linear") and layer.class_name == "Linear"
    assert not layer.built
    x = np.arange(6, dtype="float32").reshape(2, 3)
    layer(x)
    assert layer.built
    assert [w.name for w in layer.weights] == ["w", "b"]
    assert [w.shape for w in layer.weights] == [(3, 2), (2,)]
    w = np.array([[1, 2], [3, 4], [5, 6]], "float32")
    layer.set_weights([w, np.array([0.5, -1], "float32")])
    np.testing.assert_allclose(layer(x).numpy(), x @ w + [0.5, -1], rtol=1e-6)
    assert layer.count_params() == 8


def test_a_subclassed_layer_trains_exactly_like_dense():
    x, y = data()
    keras.utils.set_random_seed(3)
    mine = keras.Sequential([keras.Input((3,)), Linear(4), keras.layers.Dense(2)])
    ref = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    ref.set_weights(mine.get_weights())
    for model in (mine, ref):
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    h_mine = mine.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    h_ref = ref.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_mine, h_ref, rtol=1e-6)
    assert h_mine[-1] < h_mine[0]
    for a, b in zip(mine.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_a_subclassed_model_trains_exactly_like_the_functional_one():
    x, y = data()
    keras.utils.set_random_seed(4)
    mine = TwoDense()
    mine(x[:1])
    assert [layer.name for layer in mine.layers] == [mine.hidden.name, mine.out.name]
    assert len(mine.weights) == 4 and mine.count_params() == 3 * 5 + 5 + 5 * 2 + 2
    inputs = keras.Input((3,))
    ref = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dense(5, activation="tanh")(
        inputs)))
    ref.set_weights(mine.get_weights())
    for model in (mine, ref):
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse",
                      metrics=["mae"])
    h_mine = mine.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history
    h_ref = ref.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history
    np.testing.assert_allclose(h_mine["loss"], h_ref["loss"], rtol=1e-6)
    np.testing.assert_allclose(h_mine["mae"], h_ref["mae"], rtol=1e-6)
    np.testing.assert_allclose(mine.predict(x, verbose=0), ref.predict(x, verbose=0), rtol=1e-6)
    assert mine.name.startswith("two_dense") and mine.class_name == "TwoDense"


def test_training_reaches_call_and_the_sublayers_it_calls():
    seen = []

    class Noisy(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.drop = keras.layers.Dropout(0.5)

        def call(self, inputs, training=None):
            seen.append(training)
            return self.drop(inputs)  # training=None: inherits this call's flag

    layer = Noisy()
    x = np.ones((4, 50), "float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)
    out = layer(x, training=True).numpy()
    assert set(np.unique(out)) <= {0.0, 2.0} and 0 < (out == 0).sum() < out.size
    model = keras.Sequential([keras.Input((50,)), layer, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    seen.clear()
    model.fit(x, np.ones((4, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    model.predict(x, verbose=0)
    assert seen == [True, False]


def test_config_round_trip_and_from_config():
    layer = Linear(7, name="lin")
    config = layer.get_config()
    assert config["units"] == 7 and config["name"] == "lin" and config["trainable"] is True
    assert config["dtype"]["config"]["name"] == "float32"
    again = Linear.from_config(config)
    assert isinstance(again, Linear) and again.units == 7 and again.name == "lin"


def test_layers_take_several_inputs_and_give_several_outputs():
    class SumProduct(keras.layers.Layer):
        def call(self, inputs):
            a, b = inputs
            return [a + b, a * b]

    a, b = keras.Input((3,)), keras.Input((3,))
    s, p = SumProduct()([a, b])
    assert s.shape == (None, 3) and p.shape == (None, 3)
    model = keras.Model([a, b], [s, p])
    outs = model.predict([np.ones((2, 3)), np.full((2, 3), 2.0)], verbose=0)
    np.testing.assert_array_equal(outs[0], np.full((2, 3), 3.0))
    np.testing.assert_array_equal(outs[1], np.full((2, 3), 2.0))


def test_variables_compute_as_tensors():
    class Ops(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")

        def call(self, x):
            return (x @ self.w) * 2 + ops.sum(self.w) - 6

    layer = Ops()
    np.testing.assert_allclose(layer(np.ones((1, 3), "float32")).numpy(), [[6.0, 6.0]])
    assert layer.weights[0].name.startswith("variable")


def test_lambda_layers():
    lam = keras.layers.Lambda(lambda x: x * 2.0 + 1.0)
    np.testing.assert_allclose(lam(np.ones((2, 2), "float32")).numpy(), np.full((2, 2), 3.0))
    scaled = keras.layers.Lambda(lambda x, k: x * k, arguments={"k": 3.0})
    inputs = keras.Input((4,))
    out = scaled(keras.layers.Dense(4)(inputs))
    assert out.shape == (None, 4)
    model = keras.Model(inputs, out)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((8, 4)), np.zeros((8, 4)), epochs=2, verbose=0).history
    assert history["loss"][1] < history["loss"][0]

    def square_it(x):
        return ops.square(x)

    config = keras.layers.Lambda(square_it, name="sq").get_config()
    assert config["function"] == "square_it" and config["name"] == "sq"
    with pytest.raises(ValueError, match="Lambda: function: expected a callable, got int"):
        keras.layers.Lambda(3)


def test_save_and_load_with_custom_objects(tmp_path):
    def double(x):
        return x * 2.0

    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input((3,)), Linear(4), keras.layers.Lambda(double),
                              keras.layers.Dense(2)])
    x, _ = data(4)
    expected = model.predict(x, verbose=0)
    path = str(tmp_path / "custom.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"Linear": Linear, "double": double})
    assert [type(layer).__name__ for layer in loaded.layers[:2]] == ["Linear", "Lambda"]
    assert loaded.layers[0].units == 4
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6)
    with pytest.raises(ValueError, match='unknown layer class: .*got "Linear"'):
        keras.models.load_model(path)
    with pytest.raises(ValueError, match='Lambda: function: expected "double" in '
                                         'custom_objects'):
        keras.models.load_model(path, custom_objects={"Linear": Linear})
    clone = keras.models.model_from_json(model.to_json(),
                                         custom_objects={"Linear": Linear, "double": double})
    assert clone.count_params() == model.count_params()


def test_registered_classes_load_without_custom_objects(tmp_path):
    @keras.saving.register_keras_serializable(package="tests")
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, input_shape):
            self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="s")

        def call(self, x):
            return x * self.s * self.factor

        def get_config(self):
            config = super().get_config()
            config["factor"] = self.factor
            return config

    @keras.saving.register_keras_serializable(package="tests")
    def halve(x):
        return x * 0.5

    assert keras.saving.get_registered_name(Scale) == "tests>Scale"
    assert keras.saving.get_custom_objects()["tests>halve"] is halve
    model = keras.Sequential([keras.Input((2,)), Scale(3.0), keras.layers.Lambda(halve)])
    model.layers[0].set_weights([np.array([1.0, 2.0], "float32")])
    path = str(tmp_path / "registered.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.layers[0].factor == 3.0
    np.testing.assert_allclose(loaded.predict(np.ones((1, 2)), verbose=0), [[1.5, 3.0]])


def test_isinstance_checks_the_keras_class():
    dense = keras.layers.Dense(3)
    assert isinstance(dense, keras.layers.Dense)
    assert isinstance(dense, keras.layers.Layer)
    assert not isinstance(dense, keras.layers.Conv2D)
    assert isinstance(keras.layers.MaxPool2D(), keras.layers.MaxPooling2D)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2), keras.layers.Dropout(0.1)])
    assert [isinstance(layer, keras.layers.Dropout) for layer in model.layers] == [False, True]
    assert isinstance(Linear(), keras.layers.Layer) and not isinstance(Linear(),
                                                                        keras.layers.Dense)
    assert keras.layers.Dense.from_config({"units": 5}).get_config()["units"] == 5
    inputs = keras.Input((4,))
    functional = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    assert [isinstance(layer, keras.layers.InputLayer) for layer in functional.layers] == [
        True, False]
    with pytest.raises(TypeError, match="merezha.layers.Dense is a C\\+\\+ layer and cannot "
                                        "be subclassed in Python"):
        class MyDense(keras.layers.Dense):
            pass


def test_errors_name_the_layer():
    class NoneOut(keras.layers.Layer):
        def call(self, x):
            return None

    x = np.ones((2, 2), "float32")
    with pytest.raises(ValueError, match="NoneOut 'none_out.*': call\\(\\): expected a merezha "
                                         "Tensor \\(or a list of them\\), got None."):
        NoneOut()(x)

    class NoCall(keras.layers.Layer):
        pass

    with pytest.raises(ValueError, match="call: expected the Python subclass to define "
                                         "call\\(self, inputs\\), got none."):
        NoCall()(x)
    with pytest.raises(ValueError, match='Layer: expected keyword arguments among name, '
                                         'trainable, dtype, input_shape; got "units".'):
        keras.layers.Layer(units=3)

    class Unknown(keras.layers.Layer):
        def build(self, input_shape):
            self.add_weight(shape=(None, 2))

        def call(self, x):
            return x

    with pytest.raises(ValueError, match="add_weight: shape: expected known dimensions, got "
                                         "\\(None, 2\\)."):
        Unknown()(x)


def test_an_exception_in_call_propagates_out_of_fit():
    class Boom(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.calls = 0

        def call(self, x, training=None):
            if training:
                self.calls += 1
                if self.calls == 3:
                    raise RuntimeError("boom at batch 3")
            return x

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2), Boom()])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((32, 2), "float32")
    with pytest.raises(RuntimeError, match="boom at batch 3"):
        model.fit(x, x, batch_size=8, verbose=0)
    assert np.isfinite(model.evaluate(x, x, verbose=0))


def test_python_losses_and_metrics_load_with_custom_objects(tmp_path):
    def my_mse(y_true, y_pred):
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    def my_mae(y_true, y_pred):
        return ops.mean(ops.abs(y_true - y_pred), axis=-1)

    x, y = data(16)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss=my_mse, metrics=[my_mae])
    model.fit(x, y, epochs=1, verbose=0)
    path = str(tmp_path / "losses.keras")
    model.save(path)
    with pytest.raises(ValueError, match="compile_config: expected the Python functions "
                                         "\\['my_mse', 'my_mae'\\] in custom_objects"):
        keras.models.load_model(path)
    assert not keras.models.load_model(path, compile=False).compiled
    loaded = keras.models.load_model(path, custom_objects={"my_mse": my_mse, "my_mae": my_mae})
    got = loaded.evaluate(x, y, verbose=0, return_dict=True)
    want = model.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(got) == ["loss", "my_mae"]
    np.testing.assert_allclose([got["loss"], got["my_mae"]], [want["loss"], want["my_mae"]],
                               rtol=1e-6)


def test_a_subclassed_model_saves_its_weights(tmp_path):
    x, _ = data(4)
    keras.utils.set_random_seed(6)
    model = TwoDense()
    expected = model.predict(x, verbose=0)
    path = str(tmp_path / "two_dense.weights.h5")
    model.save_weights(path)
    other = TwoDense()
    other(x[:1])
    other.load_weights(path)
    np.testing.assert_allclose(other.predict(x, verbose=0), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="is a subclassed model; only Sequential and functional "
                                         "models can be saved whole"):
        model.save(str(tmp_path / "two_dense.keras"))
