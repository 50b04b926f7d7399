#!/usr/bin/python3
"""Golden files for mz/nn/optimizers: 10 steps of every optimizer on a fixed problem.

Run with Debian's interpreter (torch 1.13 + NumPy): /usr/bin/python3 tools/golden/optimizers.py
Writes tests/golden/optimizers/optimizers.json.

The problem: two float64 variables, w (3, 4) and b (4,), and a fixed sequence of 10 gradient
pairs (drawn once with a seeded NumPy generator). Each case names a Keras class and config; its
expected values come from torch.optim where torch's rule equals Keras 3's ("source": "torch",
cross-checked here against the NumPy transcription of Keras's rule), else from that NumPy
transcription ("source": "keras_rule"). Where torch's rule differs (epsilon placement, Nadam's
momentum decay, clip_grad_norm_'s 1e-6), torch's values are stored too, under "torch", with a
note, so the C++ test documents the difference.
"""
import json
import math
import os

import numpy as np
import torch

STEPS = 10
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "golden", "optimizers", "optimizers.json")

rng = np.random.default_rng(1234)
W0 = rng.normal(size=(3, 4))
B0 = rng.normal(size=(4,))
# Gradients of varied size over the steps, so the clipping cases clip some steps and not others.
SCALE = [0.3, 1.0, 0.5, 2.0, 0.8, 0.2, 1.5, 0.6, 1.2, 0.4]
GW = [rng.normal(size=(3, 4)) * s for s in SCALE]
GB = [rng.normal(size=(4,)) * s for s in SCALE]


# ----- Keras 3's rules, transcribed from keras/src/optimizers/*.py -----

def exponential_decay(cfg):
    def lr(step):
        p = step / cfg["decay_steps"]
        if cfg.get("staircase", False):
            p = math.floor(p)
        return cfg["initial_learning_rate"] * cfg["decay_rate"] ** p
    return lr


def cosine_decay(cfg):
    alpha = cfg.get("alpha", 0.0)
    d = cfg["decay_steps"]

    def decay(s, frm):
        c = 0.5 * (1.0 + math.cos(math.pi * (s / d)))
        return frm * ((1 - alpha) * c + alpha)

    def lr(step):
        init = cfg["initial_learning_rate"]
        target = cfg.get("warmup_target")
        if target is None:
            return decay(min(step, d), init)
        warm = cfg.get("warmup_steps", 0)
        s = min(step, d + warm)
        if s < warm:
            return (target - init) * (s / warm) + init
        return decay(s - warm, target)
    return lr


SCHEDULES = {"ExponentialDecay": exponential_decay, "CosineDecay": cosine_decay}

DEFAULTS = {
    "SGD": dict(learning_rate=0.01, momentum=0.0, nesterov=False),
    "Adam": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False),
    "AdamW": dict(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                  epsilon=1e-7, amsgrad=False),
    "RMSprop": dict(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False),
    "Adagrad": dict(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7),
    "Adadelta": dict(learning_rate=0.001, rho=0.95, epsilon=1e-7),
    "Adamax": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
    "Nadam": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
    "Lion": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.99),
}


def keras_run(class_name, config):
    """Keras 3's BaseOptimizer.apply over the fixed gradients; returns w and b after each step."""
    c = dict(DEFAULTS[class_name])
    c.update(config)
    lr_cfg = c["learning_rate"]
    lr_of = (SCHEDULES[lr_cfg["class_name"]](lr_cfg["config"]) if isinstance(lr_cfg, dict)
             else (lambda step: lr_cfg))
    vs = [W0.copy(), B0.copy()]
    slots = [dict() for _ in vs]
    u_product = 1.0
    out_w, out_b = [], []
    for it in range(STEPS):
        gs = [GW[it].copy(), GB[it].copy()]
        # (1) clipping
        if c.get("clipnorm"):
            cn = c["clipnorm"]
            gs = [g * cn / max(math.sqrt(np.sum(g * g)), cn) for g in gs]
        elif c.get("global_clipnorm"):
            cn = c["global_clipnorm"]
            norm = math.sqrt(sum(np.sum(g * g) for g in gs))
            gs = [g * (cn * min(1.0 / norm, 1.0 / cn)) for g in gs]
        elif c.get("clipvalue"):
            gs = [np.clip(g, -c["clipvalue"], c["clipvalue"]) for g in gs]
        # (2) learning rate, (3) weight decay
        lr = lr_of(it)
        if c.get("weight_decay") is not None:
            vs = [v - v * c["weight_decay"] * lr for v in vs]
        t = it + 1
        if class_name == "Nadam":  # once per step, before the variables
            u_product = u_product * c["beta_1"] * (1.0 - 0.5 * 0.96 ** t)
        # (4) update_step per variable
        for i, g in enumerate(gs):
            v, s = vs[i], slots[i]
            for key in ("m", "v", "vhat", "u", "avg", "acc", "delta"):
                s.setdefault(key, np.zeros_like(v))
            if class_name == "SGD":
                if c["momentum"] != 0:
                    s["m"] = s["m"] * c["momentum"] - g * lr
                    v = v + (s["m"] * c["momentum"] - g * lr if c["nesterov"] else s["m"])
                else:
                    v = v - g * lr
            elif class_name in ("Adam", "AdamW"):
                b1, b2 = c["beta_1"], c["beta_2"]
                alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
                s["v"] = s["v"] + (g * g - s["v"]) * (1 - b2)
                vv = s["v"]
                if c["amsgrad"]:
                    s["vhat"] = np.maximum(s["vhat"], s["v"])
                    vv = s["vhat"]
                v = v - (s["m"] * alpha) / (np.sqrt(vv) + c["epsilon"])
            elif class_name == "RMSprop":
                rho = c["rho"]
                s["v"] = rho * s["v"] + (1 - rho) * g * g
                if c["centered"]:
                    s["avg"] = rho * s["avg"] + (1 - rho) * g
                    denom = s["v"] - s["avg"] ** 2 + c["epsilon"]
                else:
                    denom = s["v"] + c["epsilon"]
                inc = lr * g / np.sqrt(denom)
                if c["momentum"] > 0:
                    s["m"] = c["momentum"] * s["m"] + inc
                    v = v - s["m"]
                else:
                    v = v - inc
            elif class_name == "Adagrad":
                if it == 0:
                    s["acc"] = np.full_like(v, c["initial_accumulator_value"])
                s["acc"] = s["acc"] + g * g
                v = v - lr * g / np.sqrt(s["acc"] + c["epsilon"])
            elif class_name == "Adadelta":
                rho, eps = c["rho"], c["epsilon"]
                s["acc"] = rho * s["acc"] + (1 - rho) * g * g
                delta = -(np.sqrt(s["delta"] + eps) * g) / np.sqrt(s["acc"] + eps)
                s["delta"] = rho * s["delta"] + (1 - rho) * delta * delta
                v = v + lr * delta
            elif class_name == "Adamax":
                b1, b2 = c["beta_1"], c["beta_2"]
                s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
                s["u"] = np.maximum(b2 * s["u"], np.abs(g))
                v = v - (lr * s["m"]) / ((1 - b1 ** t) * (s["u"] + c["epsilon"]))
            elif class_name == "Nadam":
                b1, b2 = c["beta_1"], c["beta_2"]
                u_t = b1 * (1.0 - 0.5 * 0.96 ** t)
                u_t_1 = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
                u_product_t_1 = u_product * u_t_1
                s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
                s["v"] = s["v"] + (g * g - s["v"]) * (1 - b2)
                m_hat = u_t_1 * s["m"] / (1 - u_product_t_1) + (1 - u_t) * g / (1 - u_product)
                v_hat = s["v"] / (1 - b2 ** t)
                v = v - (m_hat * lr) / (np.sqrt(v_hat) + c["epsilon"])
            elif class_name == "Lion":
                b1, b2 = c["beta_1"], c["beta_2"]
                v = v - lr * np.sign(s["m"] * b1 + g * (1.0 - b1))
                s["m"] = s["m"] * b2 + g * (1.0 - b2)
            vs[i] = v
        out_w.append(vs[0].ravel().tolist())
        out_b.append(vs[1].ravel().tolist())
    return out_w, out_b


# ----- torch.optim -----

def torch_run(make, clip=None, scheduler=None):
    w = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(B0, dtype=torch.float64, requires_grad=True)
    opt = make([w, b])
    sched = scheduler(opt) if scheduler else None
    out_w, out_b = [], []
    for it in range(STEPS):
        w.grad = torch.tensor(GW[it], dtype=torch.float64)
        b.grad = torch.tensor(GB[it], dtype=torch.float64)
        if clip:
            clip([w, b])
        opt.step()
        if sched:
            sched.step()
        out_w.append(w.detach().numpy().ravel().tolist())
        out_b.append(b.detach().numpy().ravel().tolist())
    return out_w, out_b


def max_rel(a, b):
    a, b = np.array(a), np.array(b)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


O = torch.optim
CASES = []


def case(name, class_name, config, torch_same=None, torch_differs=None, note=None):
    """torch_same: torch's run must equal Keras's rule (it becomes the source);
    torch_differs: torch's nearest run, stored to document the difference."""
    kw, kb = keras_run(class_name, config)
    entry = {"name": name, "class_name": class_name, "config": config}
    if torch_same:
        tw, tb = torch_run(*torch_same)
        err = max(max_rel(kw, tw), max_rel(kb, tb))
        assert err < 1e-12, f"{name}: torch and the Keras rule differ by {err}"
        entry.update(source="torch", w=tw, b=tb)
    else:
        entry.update(source="keras_rule", w=kw, b=kb)
    if torch_differs:
        tw, tb = torch_run(*torch_differs)
        err = max(max_rel(kw, tw), max_rel(kb, tb))
        assert err > 1e-12, f"{name}: torch was expected to differ"
        entry["torch"] = {"w": tw, "b": tb, "max_rel_diff": err, "note": note}
    CASES.append(entry)


# SGD: torch's momentum buffer is -Keras's velocity / lr, so the two agree at a constant rate.
case("sgd", "SGD", {"learning_rate": 0.1}, torch_same=(lambda p: O.SGD(p, lr=0.1),))
case("sgd_momentum", "SGD", {"learning_rate": 0.1, "momentum": 0.9},
     torch_same=(lambda p: O.SGD(p, lr=0.1, momentum=0.9),))
case("sgd_nesterov", "SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
     torch_same=(lambda p: O.SGD(p, lr=0.05, momentum=0.9, nesterov=True),))
case("sgd_weight_decay", "SGD", {"learning_rate": 0.1, "momentum": 0.5, "weight_decay": 0.1},
     torch_differs=(lambda p: O.SGD(p, lr=0.1, momentum=0.5, weight_decay=0.1),),
     note="torch's SGD weight_decay adds wd * w to the gradient (L2); Keras decays w directly")
case("sgd_clipvalue", "SGD", {"learning_rate": 0.1, "clipvalue": 0.5},
     torch_same=(lambda p: O.SGD(p, lr=0.1),
                 lambda ps: torch.nn.utils.clip_grad_value_(ps, 0.5)))
case("sgd_clipnorm", "SGD", {"learning_rate": 0.1, "clipnorm": 1.5},
     torch_differs=(lambda p: O.SGD(p, lr=0.1),
                    lambda ps: [torch.nn.utils.clip_grad_norm_([q], 1.5) for q in ps]),
     note="torch's clip_grad_norm_ divides by norm + 1e-6")
case("sgd_global_clipnorm", "SGD", {"learning_rate": 0.1, "momentum": 0.9,
                                    "global_clipnorm": 2.0},
     torch_differs=(lambda p: O.SGD(p, lr=0.1, momentum=0.9),
                    lambda ps: torch.nn.utils.clip_grad_norm_(ps, 2.0)),
     note="torch's clip_grad_norm_ divides by norm + 1e-6")
# Adam family: Keras puts epsilon outside the bias correction (epsilon hat); with epsilon 0
# the two rules are equal.
case("adam", "Adam", {"learning_rate": 0.01},
     torch_differs=(lambda p: O.Adam(p, lr=0.01, eps=1e-7),),
     note="torch adds eps to sqrt(v_hat) after bias correction; Keras adds it to sqrt(v)")
case("adam_eps0", "Adam", {"learning_rate": 0.01, "epsilon": 0.0},
     torch_same=(lambda p: O.Adam(p, lr=0.01, eps=0.0),))
case("adam_amsgrad", "Adam", {"learning_rate": 0.01, "amsgrad": True},
     torch_differs=(lambda p: O.Adam(p, lr=0.01, eps=1e-7, amsgrad=True),),
     note="torch adds eps after bias correction")
case("adam_amsgrad_eps0", "Adam", {"learning_rate": 0.01, "beta_2": 0.9, "epsilon": 0.0,
                                   "amsgrad": True},
     torch_same=(lambda p: O.Adam(p, lr=0.01, betas=(0.9, 0.9), eps=0.0, amsgrad=True),))
case("adamw", "AdamW", {"learning_rate": 0.01},
     torch_differs=(lambda p: O.AdamW(p, lr=0.01, eps=1e-7, weight_decay=0.004),),
     note="torch adds eps after bias correction")
case("adamw_eps0", "AdamW", {"learning_rate": 0.01, "weight_decay": 0.1, "epsilon": 0.0},
     torch_same=(lambda p: O.AdamW(p, lr=0.01, eps=0.0, weight_decay=0.1),))
case("adam_global_clipnorm", "Adam", {"learning_rate": 0.01, "global_clipnorm": 1.0})
# RMSprop and Adagrad: Keras takes sqrt(v + eps), torch sqrt(v) + eps.
case("rmsprop", "RMSprop", {"learning_rate": 0.01},
     torch_differs=(lambda p: O.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-7),),
     note="torch adds eps outside the square root")
case("rmsprop_eps0", "RMSprop", {"learning_rate": 0.01, "epsilon": 0.0},
     torch_same=(lambda p: O.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0),))
case("rmsprop_momentum_centered", "RMSprop", {"learning_rate": 0.01, "momentum": 0.9,
                                              "centered": True},
     torch_differs=(lambda p: O.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-7, momentum=0.9,
                                        centered=True),),
     note="torch adds eps outside the square root")
case("rmsprop_momentum_centered_eps0", "RMSprop", {"learning_rate": 0.01, "rho": 0.8,
                                                   "momentum": 0.5, "epsilon": 0.0,
                                                   "centered": True},
     torch_same=(lambda p: O.RMSprop(p, lr=0.01, alpha=0.8, eps=0.0, momentum=0.5,
                                     centered=True),))
case("adagrad", "Adagrad", {"learning_rate": 0.1},
     torch_differs=(lambda p: O.Adagrad(p, lr=0.1, initial_accumulator_value=0.1, eps=1e-7),),
     note="torch adds eps outside the square root")
case("adagrad_eps0", "Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5,
                                 "epsilon": 0.0},
     torch_same=(lambda p: O.Adagrad(p, lr=0.1, initial_accumulator_value=0.5, eps=0.0),))
case("adadelta", "Adadelta", {"learning_rate": 1.0},
     torch_same=(lambda p: O.Adadelta(p, lr=1.0, rho=0.95, eps=1e-7),))
case("adadelta_rho", "Adadelta", {"learning_rate": 0.5, "rho": 0.8, "epsilon": 1e-4},
     torch_same=(lambda p: O.Adadelta(p, lr=0.5, rho=0.8, eps=1e-4),))
case("adamax", "Adamax", {"learning_rate": 0.01},
     torch_differs=(lambda p: O.Adamax(p, lr=0.01, eps=1e-7),),
     note="torch takes max(beta_2 * u, |g| + eps); Keras divides by u + eps")
case("adamax_eps0", "Adamax", {"learning_rate": 0.01, "beta_2": 0.9, "epsilon": 0.0},
     torch_same=(lambda p: O.Adamax(p, lr=0.01, betas=(0.9, 0.9), eps=0.0),))
# Nadam: Keras 3 decays the momentum schedule with 0.96^t, torch with 0.96^(momentum_decay t).
case("nadam", "Nadam", {"learning_rate": 0.01},
     torch_differs=(lambda p: O.NAdam(p, lr=0.01, eps=1e-7),),
     note="torch 1.13's NAdam differs twice: its default momentum_decay 0.004 gives "
          "mu_t = beta_1 (1 - 0.5 * 0.96^(0.004 t)) where Keras 3 uses 0.96^t, and it takes "
          "mu_product_next = mu_product * mu * mu_next (one mu too many; fixed in later torch)")
case("nadam_weight_decay", "Nadam", {"learning_rate": 0.02, "beta_1": 0.8, "weight_decay": 0.05})
# Lion: not in torch 1.13.
case("lion", "Lion", {"learning_rate": 0.01})
case("lion_weight_decay", "Lion", {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9,
                                   "weight_decay": 0.5})
# Schedules: torch's ExponentialLR(gamma) is Keras's ExponentialDecay(decay_steps=1) for SGD.
EXP = {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
       "config": {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.8,
                  "staircase": False, "name": "ExponentialDecay"}, "registered_name": None}
case("sgd_exponential_decay", "SGD", {"learning_rate": EXP},
     torch_same=(lambda p: O.SGD(p, lr=0.1), None,
                 lambda o: O.lr_scheduler.ExponentialLR(o, gamma=0.8)))
COS = {"module": "keras.optimizers.schedules", "class_name": "CosineDecay",
       "config": {"initial_learning_rate": 0.0, "decay_steps": 6, "alpha": 0.1,
                  "name": "CosineDecay", "warmup_target": 0.02, "warmup_steps": 3},
       "registered_name": None}
case("adam_cosine_decay_warmup", "Adam", {"learning_rate": COS, "weight_decay": 0.2})


def main():
    doc = {
        "generator": "tools/golden/optimizers.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "steps": STEPS,
        "w0": W0.ravel().tolist(), "w_shape": list(W0.shape),
        "b0": B0.ravel().tolist(), "b_shape": list(B0.shape),
        "grads_w": [g.ravel().tolist() for g in GW],
        "grads_b": [g.ravel().tolist() for g in GB],
        "cases": CASES,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        # One line per top-level entry and per case: small, and diffs stay readable.
        f.write("{\n")
        items = [(k, v) for k, v in doc.items() if k != "cases"]
        for k, v in items:
            f.write(f" {json.dumps(k)}: {json.dumps(v)},\n")
        f.write(' "cases": [\n')
        f.write(",\n".join("  " + json.dumps(c) for c in CASES))
        f.write("\n ]\n}\n")
    print(f"wrote {OUT}: {len(CASES)} cases, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
