// backward(): a topological sweep over the recorded nodes, accumulating gradients.
#include <algorithm>
#include <array>
#include <cstddef>
#include <memory_resource>
#include <span>
#include <unordered_map>
#include <vector>

#include "mz/autograd/node.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace mz::autograd {

namespace {
template <class Range>
bool any_requires_grad(const Range& inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}
}  // namespace

bool should_record(std::initializer_list<Tensor> inputs) { return any_requires_grad(inputs); }
bool should_record(const std::vector<Tensor>& inputs) { return any_requires_grad(inputs); }

void record(const char* name, Tensor& output, std::initializer_list<Tensor> inputs,
            BackwardFn backward) {
  record(name, output, std::vector<Tensor>(inputs), std::move(backward));
}

void record(const char* name, Tensor& output, std::vector<Tensor> inputs, BackwardFn backward) {
  auto node = std::make_shared<Node>();
  node->name = name;
  node->inputs = std::move(inputs);
  MZ_ASSERT(node->inputs.size() <= 32, name, " records ", node->inputs.size(), " inputs");
  for (std::size_t i = 0; i < node->inputs.size(); ++i)
    if (node->inputs[i].defined() && node->inputs[i].requires_grad()) node->need |= 1u << i;
  node->backward = std::move(backward);
  output.impl().grad_fn = std::move(node);
  output.impl().requires_grad = true;
}

namespace {

// Reverse postorder of the nodes reachable from root (iterative: graphs can be deep), its
// bookkeeping in `arena`.
std::pmr::vector<Node*> topological_order(Node* root, std::pmr::memory_resource* arena) {
  std::pmr::vector<Node*> order(arena);
  std::pmr::unordered_map<Node*, bool> visited(arena);
  std::pmr::vector<std::pair<Node*, std::size_t>> stack(arena);
  stack.emplace_back(root, 0);
  visited[root] = true;
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      const Tensor& in = node->inputs[next++];
      if (in.defined() && in.grad_fn() && !visited[in.grad_fn().get()]) {
        visited[in.grad_fn().get()] = true;
        stack.emplace_back(in.grad_fn().get(), 0);
      }
    } else {
      order.push_back(node);
      stack.pop_back();
    }
  }
  std::reverse(order.begin(), order.end());
  return order;
}

// Adds g into slot (which may be undefined); a fresh buffer is kept so later in-place sums
// never write into a tensor that someone else still holds.
void accumulate(Tensor& slot, const Tensor& g) {
  if (!slot.defined()) {
    slot = g.storage().use_count() > 1 || !g.is_contiguous() ? g.clone() : g;
    return;
  }
  add_(slot, g);
}

thread_local LeafReadyHook t_leaf_ready;  // set_leaf_ready_hook's, per thread

// How many nodes of `order` take each leaf that needs a gradient: its gradient is final once
// that many have run.
std::unordered_map<const TensorImpl*, int> leaf_uses(std::span<Node* const> order) {
  std::unordered_map<const TensorImpl*, int> uses;
  for (const Node* node : order)
    for (std::size_t i = 0; i < node->inputs.size(); ++i)
      if (needs(node->need, static_cast<int>(i)) && !node->inputs[i].grad_fn())
        ++uses[&node->inputs[i].impl()];
  return uses;
}

// After `node` ran (or got no gradient): calls the hook for each of its leaves now final.
void release_leaves(const Node& node, std::unordered_map<const TensorImpl*, int>& uses) {
  for (std::size_t i = 0; i < node.inputs.size(); ++i)
    if (needs(node.need, static_cast<int>(i)) && !node.inputs[i].grad_fn() &&
        --uses[&node.inputs[i].impl()] == 0)
      t_leaf_ready(node.inputs[i]);
}

}  // namespace

LeafReadyHook set_leaf_ready_hook(LeafReadyHook hook) {
  std::swap(hook, t_leaf_ready);
  return hook;
}

void backward(const Tensor& root, const Tensor& grad) {
  if (!root.requires_grad())
    throw ValueError(
        "backward: the tensor does not require grad: no parameter it depends on has "
        "set_requires_grad(true), or it was computed under NoGrad.");
  Tensor seed = grad;
  if (!seed.defined()) {
    if (root.numel() != 1)
      throw ValueError(str("backward: the gradient can be implied only for a one-element "
                           "tensor, got shape ", root.shape(), "; pass the gradient."));
    seed = full(root.shape(), 1.0, {.dtype = root.dtype(), .device = root.device()});
  } else if (!(seed.shape() == root.shape())) {
    throw ShapeError(str("backward: the gradient has shape ", seed.shape(), ", the tensor ",
                         root.shape(), "."));
  }
  NoGrad no_grad;
  if (!root.grad_fn()) {  // a leaf: its gradient is the seed
    Tensor slot = root.grad();
    accumulate(slot, seed);
    root.impl().grad = slot.impl_ptr();
    if (t_leaf_ready) t_leaf_ready(root);
    return;
  }
  // The sweep's maps and vectors live in a stack buffer (no malloc for graphs of a few hundred
  // nodes; larger ones spill to the heap).
  std::array<std::byte, 16384> scratch;
  std::pmr::monotonic_buffer_resource arena(scratch.data(), scratch.size());
  std::pmr::unordered_map<Node*, Tensor> grads(&arena);
  grads[root.grad_fn().get()] = seed;
  const std::pmr::vector<Node*> order = topological_order(root.grad_fn().get(), &arena);
  std::unordered_map<const TensorImpl*, int> uses;  // only with a hook: see leaf_uses
  const bool hook = static_cast<bool>(t_leaf_ready);
  if (hook) uses = leaf_uses(order);
  for (Node* node : order) {
    auto it = grads.find(node);
    if (it == grads.end()) {  // no gradient reached this node
      if (hook) release_leaves(*node, uses);
      continue;
    }
    Tensor g = std::move(it->second);
    grads.erase(it);
    Grads in_grads = node->backward(g, node->need);
    MZ_ASSERT(in_grads.size() <= node->inputs.size(), node->name);
    for (std::size_t i = 0; i < in_grads.size(); ++i) {
      const Tensor& input = node->inputs[i];
      const Tensor& gi = in_grads[i];
      if (!gi.defined() || !needs(node->need, static_cast<int>(i))) continue;
      MZ_ASSERT(gi.shape() == input.shape(), node->name, ": gradient ", gi.shape(), " for input ",
                i, " of shape ", input.shape());
      if (input.grad_fn()) {
        accumulate(grads[input.grad_fn().get()], gi);
      } else {
        Tensor slot = input.grad();
        accumulate(slot, gi);
        input.impl().grad = slot.impl_ptr();
      }
    }
    if (hook) release_leaves(*node, uses);
  }
}

}  // namespace mz::autograd

void mz::Tensor::backward(const Tensor& grad) const { autograd::backward(*this, grad); }
