// Quick runs of the Fashion-MNIST demos (Keras face): each meets its quick bar and writes its
// training curves and confusion matrix. Skipped when Debian's dataset-fashion-mnist is absent.
#include <filesystem>

#include "examples/apps/demos.h"
#include "testing.h"

namespace mz::apps {
namespace {

namespace fs = std::filesystem;

DemoResult quick_run(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("mz_apps_test_" + name);
  fs::remove_all(dir);
  std::ostringstream log;
  DemoResult r = run_demo(name, {.out_dir = dir.string(), .quick = true}, log);
  EXPECT_EQ(r.files.size(), 2u) << log.str();
  for (const std::string& f : r.files) EXPECT_TRUE(fs::is_regular_file(f)) << f;
  return r;
}

bool have_fashion_mnist() {
  return fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") ||
         fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte");
}

TEST(FashionMlp, QuickRunMeetsItsBar) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed";
  const DemoResult r = quick_run("fashion_mlp");
  EXPECT_EQ(r.figure_of_merit, "test accuracy");
  EXPECT_GE(r.value, 0.75);
  EXPECT_TRUE(r.passed);
}

TEST(FashionCnn, QuickRunMeetsItsBar) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed";
  const DemoResult r = quick_run("fashion_cnn");
  EXPECT_EQ(r.figure_of_merit, "test accuracy");
  EXPECT_GE(r.value, 0.6);
  EXPECT_TRUE(r.passed);
}

}  // namespace
}  // namespace mz::apps
