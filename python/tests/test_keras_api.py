"""The Keras face of merezha from Python: layers from Keras names and arguments, Sequential and
functional models, compile with names/objects/configs/functions, fit/evaluate/predict with
History, callbacks (Python subclasses, LambdaCallback, native ones, Ctrl-C), summary, save and
load_model, custom losses and metrics on merezha Tensors."""
import os
import signal
import threading
import time

import numpy as np
import pytest

import merezha as keras
from merezha import layers, ops


def data(n=64, features=4, classes=3, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0.5).astype("int64")
    return x, np.minimum(y, classes - 1)


def mlp(features=4, classes=3):
    return keras.Sequential([keras.Input((features,)), layers.Dense(8, activation="relu"),
                             layers.Dense(classes, activation="softmax")])


def test_every_registry_layer_has_a_factory():
    for name in keras._merezha.layer_class_names():
        if name != "InputLayer":
            assert callable(getattr(layers, name)), name


def test_layer_arguments_follow_keras():
    d = layers.Dense(5, "tanh", False, name="d5")
    c = d.get_config()
    assert (c["units"], c["activation"], c["use_bias"], c["name"]) == (5, "tanh", False, "d5")
    conv = layers.Conv2D(4, 3, strides=2, padding="same")
    c = conv.get_config()
    assert c["kernel_size"] == [3, 3] and c["strides"] == [2, 2] and c["padding"] == "same"
    init = keras.initializers.RandomNormal(stddev=0.5, seed=3)
    d = layers.Dense(2, kernel_initializer=init, kernel_regularizer=keras.regularizers.L2(0.1))
    assert d.get_config()["kernel_initializer"]["class_name"] == "RandomNormal"
    assert layers.MaxPool2D is layers.MaxPooling2D


def test_layer_weights_and_eager_call():
    d = layers.Dense(3)
    d.build((None, 2))
    assert [w.shape for w in d.weights] == [(2, 3), (3,)]
    assert [w.name for w in d.weights] == ["kernel", "bias"]
    d.set_weights([np.ones((2, 3)), np.arange(3.0)])
    out = np.asarray(d(np.array([[1.0, 2.0]], dtype="float32")))
    np.testing.assert_allclose(out, [[3.0, 4.0, 5.0]])
    w = d.get_weights()
    w[0][:] = 0  # a copy
    assert d.get_weights()[0].sum() == 6.0


def test_sequential_input_shape_on_first_layer_and_summary(capsys):
    model = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(1)])
    assert model.built and model.count_params() == 3 * 4 + 4 + 4 + 1
    model.summary()
    out = capsys.readouterr().out
    assert "Total params: 21" in out and "dense" in out
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 21" in lines[0]


def test_fit_evaluate_predict_and_history():
    keras.utils.set_random_seed(0)
    x, y = data()
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    h = model.fit(x, y, batch_size=16, epochs=3, validation_split=0.25, verbose=0)
    assert isinstance(h, keras.callbacks.History)
    assert sorted(h.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert h.epoch == [0, 1, 2] and len(h.history["loss"]) == 3
    assert h.params["epochs"] == 3 and h.model is model
    loss, acc = model.evaluate(x, y, verbose=0)
    d = model.evaluate(x, y, verbose=0, return_dict=True)
    assert d == {"loss": loss, "accuracy": acc}
    p = model.predict(x, verbose=0)
    assert p.shape == (64, 3) and p.dtype == np.float32
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    logs = model.train_on_batch(x[:8], y[:8], return_dict=True)
    assert "loss" in logs
    assert model.predict_on_batch(x[:5]).shape == (5, 3)


def test_compile_takes_objects_configs_and_functions():
    x, y = data()
    model = mlp()
    model.compile(optimizer={"class_name": "SGD", "config": {"learning_rate": 0.1}},
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    assert model.optimizer.class_name == "SGD"
    assert model.optimizer.learning_rate == pytest.approx(0.1)
    model.fit(x, y, epochs=1, verbose=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.sparse_categorical_crossentropy)
    h = model.fit(x, y, epochs=1, verbose=0)
    assert list(h.history) == ["loss"]


def test_custom_loss_is_differentiable_and_matches_mse():
    x, _ = data()
    target = x[:, :1] * 2.0 - x[:, 1:2]

    def my_mse(y_true, y_pred):
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    def run(loss):
        keras.utils.set_random_seed(5)
        model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss=loss)
        return model.fit(x, target, epochs=4, batch_size=16, shuffle=False,
                         verbose=0).history["loss"]

    custom, builtin = run(my_mse), run("mse")
    np.testing.assert_allclose(custom, builtin, rtol=1e-6)
    assert custom[-1] < custom[0]


def test_custom_metric_and_tensor_operators():
    x, y = data()
    model = mlp()

    def mean_top(y_true, y_pred):
        return ops.max(y_pred, axis=-1) * 1.0 + 0.0

    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=[mean_top])
    h = model.fit(x, y, epochs=1, verbose=0)
    assert 1.0 / 3.0 <= h.history["mean_top"][0] <= 1.0
    t = keras.tensor(np.array([1.0, 2.0], dtype="float32"))
    np.testing.assert_allclose(np.asarray(2 * t + 1 - t / 2), [2.5, 4.0])
    np.testing.assert_allclose(np.asarray(-t ** 2), [-1.0, -4.0])


def test_functional_two_inputs_dict_data_and_save_load(tmp_path):
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = layers.concatenate([layers.Dense(4)(a), layers.Dense(4)(b)])
    out = layers.Dense(1, name="out")(h)
    model = keras.Model(inputs=[a, b], outputs=out)
    assert [t.name for t in model.inputs] == ["a", "b"]
    assert model.outputs[0].shape == (None, 1)
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    xa = np.random.rand(20, 3).astype("float32")
    xb = np.random.rand(20, 2).astype("float32")
    y = np.random.rand(20, 1).astype("float32")
    model.fit({"a": xa, "b": xb}, y, epochs=1, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict([xa, xb], verbose=0),
                               model.predict([xa, xb], verbose=0), rtol=1e-6)
    assert loaded.optimizer.class_name == "RMSprop"
    assert loaded.get_layer("out").count_params() == 9


def test_python_callbacks_see_the_hooks_and_can_stop_training():
    x, y = data()
    model = mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    seen = []

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(("begin", self.params["epochs"]))

        def on_epoch_end(self, epoch, logs=None):
            assert self.params["epochs"] == 10  # validation runs keep fit's params
            seen.append(("epoch", epoch, sorted(logs)))
            if epoch == 1:
                self.model.stop_training = True

    lam = keras.callbacks.LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))
    h = model.fit(x, y, epochs=10, batch_size=32, verbose=0, callbacks=[Recorder(), lam],
                  validation_split=0.5)
    assert h.epoch == [0, 1]
    assert seen[0] == ("begin", 10)
    assert ("epoch", 1, ["loss", "val_loss"]) in seen and seen.count(0) == 2


def test_native_callbacks():
    x, y = data()
    model = mlp()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=1)
    h = model.fit(x, y, epochs=20, verbose=0, callbacks=[stop])
    assert len(h.epoch) == 2 and stop.stopped_epoch == 1
    sched = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.5 / (epoch + 1))
    model.fit(x, y, epochs=2, verbose=0, callbacks=[sched])
    assert model.optimizer.learning_rate == pytest.approx(0.25)


def test_ctrl_c_stops_fit_between_batches():
    x = np.random.rand(256, 4).astype("float32")
    y = np.random.rand(256, 1).astype("float32")
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    start = time.time()
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=100000, batch_size=8, verbose=0)
    timer.join()
    assert time.time() - start < 30
    assert model.optimizer.iterations > 0
    assert model.predict(x[:2], verbose=0).shape == (2, 1)  # still usable


def test_metric_objects_have_keras_names_and_classes():
    assert keras.metrics.Accuracy().class_name == "Accuracy"
    m = keras.metrics.BinaryAccuracy()
    assert (m.name, m.class_name) == ("binary_accuracy", "BinaryAccuracy")
    m.update_state(np.array([[1.0], [0.0]]), np.array([[0.9], [0.8]]))
    assert m.result() == pytest.approx(0.5)
    with pytest.raises(ValueError, match="merezha makes metric objects with Keras's defaults"):
        keras.metrics.Precision(thresholds=0.7)


def test_nested_layers_objects_and_activation_functions():
    model = keras.Sequential([
        keras.Input((5, 3)),
        layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
        layers.TimeDistributed(layers.Dense(2, activation=keras.activations.softmax)),
        layers.GlobalAveragePooling1D(),
        layers.Dense(1, kernel_initializer=keras.initializers.HeNormal(seed=1),
                     kernel_constraint=keras.constraints.MaxNorm(2.0)),
    ])
    assert model.layers[1].get_config()["layer"]["config"]["activation"] == "softmax"
    model.compile(optimizer=keras.optimizers.Adam(),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True), metrics=["auc"])
    x = np.random.rand(10, 5, 3).astype("float32")
    y = (np.random.rand(10, 1) > 0.5).astype("float32")
    h = model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y))
    assert sorted(h.history) == ["auc", "loss", "val_auc", "val_loss"]
    emb = keras.Sequential([keras.Input((6,), dtype="int32"), layers.Embedding(20, 4),
                            layers.Flatten(), layers.Dense(1)])
    assert emb.predict(np.random.randint(0, 20, (3, 6)), verbose=0).shape == (3, 1)


KERAS_FILES = os.path.join(os.environ.get("MZ_GOLDEN_DIR", os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tests",
    "golden")), "keras_files")


@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm", "two_input"])
def test_load_model_reads_keras_written_files_and_keeps_training(name):
    def arr(suffix):
        return np.load(os.path.join(KERAS_FILES, f"{name}_{suffix}.npy"))

    model = keras.models.load_model(os.path.join(KERAS_FILES, name + ".keras"))
    x = [arr("x0"), arr("x1")] if name == "two_input" else arr("x")
    np.testing.assert_allclose(model.predict(x, verbose=0), arr("y"), rtol=1e-4, atol=1e-5)
    model.train_on_batch(x, arr("ytrain"))
    np.testing.assert_allclose(model.predict(x, verbose=0), arr("ynext"), rtol=1e-3, atol=1e-4)


def test_ctrl_c_interrupts_predict():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    x = np.random.rand(1000000, 4).astype("float32")
    timer = threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    start = time.time()
    with pytest.raises(KeyboardInterrupt):
        model.predict(x, batch_size=1, verbose=0)
    timer.join()
    assert time.time() - start < 30
