// CSVLogger: file contents as Keras writes them, append mode, separators, missing keys.
#include "mz/nn/callbacks/csv_logger.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "testing.h"

namespace mz::callbacks {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_file(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name()))
      .string();
}

TEST(CSVLogger, WritesHeaderAndOneFlushedRowPerEpoch) {
  const std::string path = temp_file("log.csv");
  CSVLogger cb(path);
  cb.on_train_begin({});
  cb.on_epoch_end(0, {{"loss", 0.5}, {"accuracy", 0.25}, {"val_loss", 0.1}});
  EXPECT_EQ(slurp(path), "epoch,accuracy,loss,val_loss\r\n0,0.25,0.5,0.1\r\n");  // flushed
  cb.on_epoch_end(1, {{"loss", 0.30000000000000004}, {"accuracy", 1.0}});
  cb.on_train_end({});
  EXPECT_EQ(slurp(path),
            "epoch,accuracy,loss,val_loss\r\n0,0.25,0.5,0.1\r\n1,1.0,0.30000000000000004,NA\r\n");

  // append: no second header; without append: overwritten.
  CSVLogger more(path, {.separator = ";", .append = true});
  more.on_train_begin({});
  more.on_epoch_end(2, {{"loss", 0.125}});
  more.on_train_end({});
  EXPECT_EQ(slurp(path),
            "epoch,accuracy,loss,val_loss\r\n0,0.25,0.5,0.1\r\n1,1.0,0.30000000000000004,NA\r\n"
            "2;0.125\r\n");
  CSVLogger fresh(path, {.separator = ";"});
  fresh.on_train_begin({});
  fresh.on_epoch_end(0, {{"a;b", 1e-05}});
  fresh.on_train_end({});
  EXPECT_EQ(slurp(path), "epoch;\"a;b\"\r\n0;1e-05\r\n");
  std::filesystem::remove(path);
}

TEST(CSVLogger, AppendToAMissingFileWritesTheHeader) {
  const std::string path = temp_file("new.csv");
  std::filesystem::remove(path);
  CSVLogger cb(path, {.append = true});
  cb.on_train_begin({});
  cb.on_epoch_end(0, {{"loss", 2.0}});
  cb.on_train_end({});
  EXPECT_EQ(slurp(path), "epoch,loss\r\n0,2.0\r\n");
  std::filesystem::remove(path);
}

TEST(CSVLogger, UnwritablePathIsIoError) {
  CSVLogger cb("/nonexistent/dir/log.csv");
  MZ_EXPECT_THROW_MSG(cb.on_train_begin({}), IoError,
                      "CSVLogger \"/nonexistent/dir/log.csv\": cannot open the file: No such "
                      "file or directory.");
}

}  // namespace
}  // namespace mz::callbacks
