// DistributedOptimizer's overlap: autograd's leaf-ready hook reports each leaf once, when its
// gradient is final; buckets started during backward give the same bits as buckets reduced
// after it, in bucket order; an abandoned step does not leave the hook behind.
#include "mz/nn/distributed_optimizer.h"

#include <gtest/gtest.h>

#include <map>

#include "dist/dist_models.h"
#include "mz/autograd/node.h"
#include "mz/core/thread_pool.h"
#include "mz/dist/in_process.h"
#include "mz/ops/arith.h"
#include "mz/ops/reduce.h"
#include "testing.h"

namespace {

using mz::Tensor;
using mz::dist::Communicator;
using mz::dist_testing::Case;
using mz::testing::all_equal;

TEST(LeafReadyHook, ReportsEachLeafOnceWhenItsGradientIsFinal) {
  Tensor w = mz::tensor(std::vector<double>{1.0, 2.0}, {2}).set_requires_grad(true);
  Tensor b = mz::tensor(std::vector<double>{0.5, -1.0}, {2}).set_requires_grad(true);
  Tensor x = mz::tensor(std::vector<double>{3.0, 4.0}, {2});
  std::map<const mz::TensorImpl*, int> calls;
  std::map<const mz::TensorImpl*, Tensor> seen;  // the gradient when reported
  auto old = mz::autograd::set_leaf_ready_hook([&](const Tensor& leaf) {
    ++calls[&leaf.impl()];
    seen[&leaf.impl()] = leaf.grad().clone();
  });
  // w feeds two nodes (w * x and h * w): it is final only after the second runs.
  Tensor h = w * x;
  Tensor loss = mz::sum(h * w + b);
  loss.backward();
  mz::autograd::set_leaf_ready_hook(std::move(old));
  EXPECT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[&w.impl()], 1);
  EXPECT_EQ(calls[&b.impl()], 1);
  EXPECT_TRUE(all_equal(seen[&w.impl()], w.grad()));  // 2 w x = (6, 16)
  EXPECT_EQ(w.grad().to_vector<double>(), (std::vector<double>{6.0, 16.0}));
  EXPECT_TRUE(all_equal(seen[&b.impl()], b.grad()));
  // Unset, backward runs as before and nothing is called.
  w.zero_grad();
  mz::sum(w * x).backward();
  EXPECT_EQ(calls[&w.impl()], 1);
}

// Two ranks' gradients of their own data, averaged by a reducer with tiny buckets, with and
// without overlap: every bucket starts during backward, and the bits are the same.
TEST(DistributedOptimizer, OverlapStartsEveryBucketDuringBackwardWithTheSameBits) {
  mz::ThreadsGuard one_thread(1);
  for (const Case& c : {Case{"mlp", mz::DType::f64}, Case{"cnn", mz::DType::f32}}) {
    SCOPED_TRACE(name(c));
    std::vector<std::shared_ptr<mz::Sequential>> models = {mz::dist_testing::make_model(c, 3),
                                                           mz::dist_testing::make_model(c, 3)};
    std::vector<std::vector<Tensor>> overlapped(2), after(2);
    std::vector<std::size_t> started(2), buckets(2);
    mz::dist::run_in_process(2, [&](Communicator& comm) {
      const auto r = static_cast<std::size_t>(comm.rank());
      mz::Sequential& m = *models[r];
      auto [x, y] = mz::dist_testing::make_data(c, 4, 0.3 * comm.rank());
      std::vector<mz::VariablePtr> vars = m.trainable_weights();
      auto run = [&](bool overlap, std::vector<Tensor>& out) {
        mz::DistributedOptimizer reducer(
            m.optimizer(), comm.shared_from_this(),
            {.first_bucket_mb = 1e-6, .bucket_cap_mb = 1e-6, .overlap = overlap});
        for (const mz::VariablePtr& v : vars) v->value.zero_grad();
        Tensor loss = (*m.loss())(y, m(x, true), Tensor());
        reducer.begin_backward(vars);
        loss.backward();
        reducer.reduce_gradients(vars);
        for (const mz::VariablePtr& v : vars) out.push_back(v->value.grad().clone());
        if (overlap) {
          started[r] = reducer.last_started_in_backward();
          buckets[r] = reducer.last_buckets().size();
        } else {
          EXPECT_EQ(reducer.last_started_in_backward(), 0u);
        }
      };
      run(true, overlapped[r]);
      run(false, after[r]);
    });
    for (std::size_t r = 0; r < 2; ++r) {
      EXPECT_EQ(buckets[r], 4u) << "one variable per bucket";
      EXPECT_EQ(started[r], buckets[r]) << "rank " << r;
      ASSERT_EQ(overlapped[r].size(), after[r].size());
      for (std::size_t k = 0; k < after[r].size(); ++k) {
        EXPECT_TRUE(all_equal(overlapped[r][k], after[r][k])) << "rank " << r << " weight " << k;
        EXPECT_TRUE(all_equal(overlapped[r][k], overlapped[0][k])) << "rank " << r;
      }
    }
  }
}

TEST(DistributedOptimizer, AStepLeftOpenRemovesItsHook) {
  Case c;
  auto m = mz::dist_testing::make_model(c, 3);
  auto comm = mz::dist::in_process_world(1).front();
  auto [x, y] = mz::dist_testing::make_data(c, 4);
  std::vector<mz::VariablePtr> vars = m->trainable_weights();
  int others = 0;
  auto old = mz::autograd::set_leaf_ready_hook([&](const Tensor&) { ++others; });
  {
    mz::DistributedOptimizer reducer(m->optimizer(), comm);
    reducer.set_sample_share(3, 4);  // a share other than 1 reduces even on one rank
    reducer.begin_backward(vars);    // then never finished: the destructor unhooks
  }
  Tensor loss = (*m->loss())(y, (*m)(x, true), Tensor());
  loss.backward();
  EXPECT_EQ(others, 4) << "the hook installed before the reducer is back";
  mz::autograd::set_leaf_ready_hook(std::move(old));
}

}  // namespace
