// The tape: each recorded op result points to a Node holding the op's inputs and its backward
// function. Ops call record() right after computing their output (see ops/arith.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <vector>

#include "mz/core/grad_mode.h"
#include "mz/core/tensor.h"

namespace mz::autograd {

// Gradients with respect to each input; an undefined Tensor means "none" (zero).
using Grads = std::vector<Tensor>;
// need bit i is set when input i needs a gradient: skip work for inputs that do not.
using GradMask = uint32_t;
// Maps the gradient of the output to the gradients of the inputs, written in ops.
using BackwardFn = std::function<Grads(const Tensor& grad_output, GradMask need)>;

struct Node {
  const char* name = "";        // the op, for messages
  std::vector<Tensor> inputs;   // in the order of the Grads the backward returns
  GradMask need = 0;
  BackwardFn backward;
};

inline bool needs(GradMask need, int i) { return (need >> i) & 1u; }

// True when grad mode is on and some input requires grad: the op must call record().
bool should_record(std::initializer_list<Tensor> inputs);
bool should_record(const std::vector<Tensor>& inputs);

// Makes `output` a differentiable function of `inputs`.
// NOTE: never capture `output` itself in `backward` (that is a reference cycle that leaks the
// graph); capture output.detach() instead.
void record(const char* name, Tensor& output, std::initializer_list<Tensor> inputs,
            BackwardFn backward);
// The same for a run-time number of inputs (at most 32: GradMask has 32 bits).
void record(const char* name, Tensor& output, std::vector<Tensor> inputs, BackwardFn backward);

// Reverse-mode sweep from `root` (a scalar unless `grad` is given): accumulates into .grad()
// of every leaf that requires grad.
void backward(const Tensor& root, const Tensor& grad = {});

// Called by backward() on its thread with each leaf that requires grad as soon as the leaf's
// gradient is final (no node left to run adds to it), in the order they finish; data-parallel
// training starts each gradient bucket's all-reduce from it. Unset (the default) it costs
// backward() one check per node.
using LeafReadyHook = std::function<void(const Tensor& leaf)>;
// Installs `hook` for the calling thread's backward() calls (empty: none); returns the old one.
LeafReadyHook set_leaf_ready_hook(LeafReadyHook hook);

}  // namespace mz::autograd
