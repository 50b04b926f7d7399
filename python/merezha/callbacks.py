"""Keras's callbacks: ``Callback`` (subclass it: on_epoch_end(epoch, logs), ...; the hooks
run with the model's training paused between batches), ``LambdaCallback``, ``History`` (what
fit returns) and the callbacks of the C++ core (EarlyStopping, ModelCheckpoint,
ReduceLROnPlateau, CSVLogger, TerminateOnNaN, LearningRateScheduler)."""
from merezha._merezha import (  # noqa: F401
    CSVLogger,
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    NativeCallback,
    ReduceLROnPlateau,
    TensorBoard,
    TerminateOnNaN,
)


class Callback:
    """Keras's Callback base: override the hooks you need; self.model and self.params are
    set by fit/evaluate/predict."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        """Called by fit/evaluate/predict with the model."""
        self.model = model

    def set_params(self, params):
        """Called at the start of a run with {"epochs", "steps", "verbose"}."""
        self.params = params

    def on_train_begin(self, logs=None):
        """At the start of fit."""

    def on_train_end(self, logs=None):
        """At the end of fit."""

    def on_epoch_begin(self, epoch, logs=None):
        """At the start of each epoch."""

    def on_epoch_end(self, epoch, logs=None):
        """At the end of each epoch, with the epoch's logs (validation included)."""

    def on_train_batch_begin(self, batch, logs=None):
        """Before each training batch."""

    def on_train_batch_end(self, batch, logs=None):
        """After each training batch, with the running logs."""

    def on_test_begin(self, logs=None):
        """At the start of evaluate (and of fit's validation)."""

    def on_test_end(self, logs=None):
        """At the end of evaluate."""

    def on_test_batch_begin(self, batch, logs=None):
        """Before each evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """After each evaluation batch."""

    def on_predict_begin(self, logs=None):
        """At the start of predict."""

    def on_predict_end(self, logs=None):
        """At the end of predict."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Before each prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """After each prediction batch."""


_HOOKS = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
          "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
          "on_predict_batch_begin", "on_predict_batch_end"]


class LambdaCallback(Callback):
    """Keras's LambdaCallback: a callback made of functions, one per hook
    (on_epoch_end=lambda epoch, logs: ...); on_batch_begin/on_batch_end mean the training
    batch hooks."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        functions = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                         on_train_begin=on_train_begin, on_train_end=on_train_end,
                         on_train_batch_begin=on_train_batch_begin,
                         on_train_batch_end=on_train_batch_end)
        if "on_batch_begin" in kwargs:
            functions["on_train_batch_begin"] = kwargs.pop("on_batch_begin")
        if "on_batch_end" in kwargs:
            functions["on_train_batch_end"] = kwargs.pop("on_batch_end")
        for key in list(kwargs):
            if key not in _HOOKS:
                raise TypeError(f"LambdaCallback() got an unexpected keyword argument '{key}'")
            functions[key] = kwargs.pop(key)
        for hook, fn in functions.items():
            if fn is not None:
                # An instance attribute shadows the base hook; the C++ side sees it through
                # the class, so each LambdaCallback gets a class of its own.
                setattr(self, hook, fn)
        overrides = {hook: _forward(hook) for hook, fn in functions.items() if fn is not None}
        self.__class__ = type("LambdaCallback", (LambdaCallback,), overrides)


def _forward(hook):
    def call(self, *args):
        return self.__dict__[hook](*args)
    call.__name__ = hook
    return call


class History(Callback):
    """What fit returns: history[key] is the list of per-epoch values, epoch the epochs."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    @classmethod
    def _from_fit(cls, history, epoch, params, model):
        h = cls()
        h.history = dict(history)
        h.epoch = list(epoch)
        h.params = params
        h.model = model
        return h

    def __repr__(self):
        return f"<History epochs={len(self.epoch)} keys={sorted(self.history)}>"


__all__ = ["Callback", "LambdaCallback", "History", "EarlyStopping", "ModelCheckpoint",
           "ReduceLROnPlateau", "CSVLogger", "TerminateOnNaN", "LearningRateScheduler", "TensorBoard"]
