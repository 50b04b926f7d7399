// The NCCL communicator: clear errors in a build without NCCL or on a machine without a GPU,
// MEREZHA_DIST_BACKEND's choices, and with a GPU a world of one rank on it (NCCL refuses two
// ranks on one GPU, so a one-GPU machine tests no more; tools/gpu_check.sh runs these).
#include "mz/dist/nccl_communicator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "mz/backend/kernel.h"
#include "mz/dist/in_process.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz::dist {
namespace {

bool have_nccl_gpu() { return nccl_available() && detail::backend_available(DeviceType::cuda); }

// Sets an environment variable for one scope, then puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(NcclCommunicator, WithoutNcclOrAGpuSaysSo) {
  if (have_nccl_gpu()) GTEST_SKIP() << "NCCL and a CUDA device are present";
  CommunicatorPtr world = in_process_world(1).front();
  if (!nccl_available()) {
    MZ_EXPECT_THROW_MSG(nccl_communicator(world), BackendError,
                        "mz::dist::nccl_communicator: merezha was built without NCCL");
    MZ_EXPECT_THROW_MSG(nccl_device(), BackendError, "built without NCCL");
  } else {
    MZ_EXPECT_THROW_MSG(nccl_communicator(world), BackendError,
                        "mz::dist::nccl_device: expected a CUDA device, got none");
  }
  ScopedEnv env("MEREZHA_DIST_BACKEND", "nccl");
  EXPECT_THROW(init(), BackendError);
}

TEST(NcclCommunicator, InitRefusesAnUnknownBackend) {
  ScopedEnv env("MEREZHA_DIST_BACKEND", "gloo");
  MZ_EXPECT_THROW_MSG(init(), ValueError,
                      "mz::dist::init: MEREZHA_DIST_BACKEND: expected \"mpi\" or \"nccl\", got "
                      "\"gloo\".");
}

TEST(NcclCommunicator, InitKeepsTheCpuPathForMpi) {
  ScopedEnv env("MEREZHA_DIST_BACKEND", "mpi");
  if (std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr) GTEST_SKIP() << "run under mpirun";
  CommunicatorPtr comm = init();
  EXPECT_EQ(comm->backend(), "in_process");
  EXPECT_EQ(comm->size(), 1);
}

TEST(NcclCommunicator, OneRankOnTheGpu) {
  if (!have_nccl_gpu()) GTEST_SKIP() << "needs NCCL and a CUDA device";
  CommunicatorPtr comm = nccl_communicator(in_process_world(1).front());
  EXPECT_EQ(comm->backend(), "nccl");
  EXPECT_EQ(comm->rank(), 0);
  EXPECT_EQ(comm->size(), 1);
  const Device gpu = nccl_device();
  for (DType dtype : {DType::f32, DType::f64}) {
    Tensor host = arange(10, {.dtype = dtype, .device = Device::cpu()});
    Tensor t = host.to(gpu);
    // NCCL's own all-reduce over one rank: the values themselves.
    nccl_native_all_reduce(*comm, t);
    EXPECT_TRUE(testing::all_equal(t.to(Device::cpu()), host));
    comm->all_reduce(t, ReduceOp::average, "t");
    comm->broadcast(t, 0, "t");
    EXPECT_TRUE(testing::all_equal(t.to(Device::cpu()), host));
    Tensor all = comm->all_gather(t, "t");
    EXPECT_EQ(all.shape(), Shape({1, 10}));
    EXPECT_TRUE(testing::all_equal(all.to(Device::cpu()).reshape({10}), host));
    // A host bucket, as the distributed optimizer starts them.
    Tensor bucket = host.clone();
    comm->start_all_reduce(bucket, ReduceOp::average, "bucket").get();
    EXPECT_TRUE(testing::all_equal(bucket, host));
  }
  comm->barrier();
  Tensor host = ones({3}, {.device = Device::cpu()});
  MZ_EXPECT_THROW_MSG(nccl_native_all_reduce(*comm, host), ValueError,
                      "expected a contiguous tensor on cuda:");
  CommunicatorPtr other = in_process_world(1).front();
  MZ_EXPECT_THROW_MSG(nccl_native_all_reduce(*other, host), ValueError,
                      "expected an NCCL communicator, got the in_process backend.");
}

TEST(NcclCommunicator, InitPicksNcclFromTheEnvironment) {
  if (!have_nccl_gpu()) GTEST_SKIP() << "needs NCCL and a CUDA device";
  if (std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr) GTEST_SKIP() << "run under mpirun";
  ScopedEnv env("MEREZHA_DIST_BACKEND", "nccl");
  CommunicatorPtr comm = init();
  EXPECT_EQ(comm->backend(), "nccl");
  EXPECT_EQ(comm->size(), 1);
}

}  // namespace
}  // namespace mz::dist
