// Whole-file reads and atomic writes over POSIX calls, with messages naming the file.
#include "mz/io/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "mz/core/error.h"

namespace mz::io::detail {

namespace {

std::string reason(int err) { return std::strerror(err); }

// Closes a descriptor when the scope ends.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Fsyncs the directory holding `path`, so a rename in it survives a crash.
void sync_directory(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);  // best effort: some file systems refuse directory fsync
}

// Test hook for the kill test (tests/reliability): MEREZHA_TEST_KILL_IN_WRITE=<n> makes the
// n-th atomic write of this process (from 1) raise SIGKILL after half of its temporary file is
// written, before the fsync and rename. Read once, at the first write; unset: never fires.
bool kill_in_this_write() {
  static const long target = [] {
    const char* v = std::getenv("MEREZHA_TEST_KILL_IN_WRITE");
    return v ? std::strtol(v, nullptr, 10) : 0L;
  }();
  static std::atomic<long> writes{0};
  return target > 0 && ++writes == target;
}

}  // namespace

std::string who_file(const char* call, const std::string& path) {
  return str(call, " \"", path, "\"");
}

uint64_t file_size(const std::string& path, const std::string& who) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw IoError(str(who, ": cannot open the file: ", reason(errno), "."));
  if (S_ISDIR(st.st_mode)) throw IoError(str(who, ": cannot open the file: it is a directory."));
  return static_cast<uint64_t>(st.st_size);
}

std::vector<uint8_t> read_file(const std::string& path, const std::string& who) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) throw IoError(str(who, ": cannot open the file: ", reason(errno), "."));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0)
    throw IoError(str(who, ": cannot stat the file: ", reason(errno), "."));
  if (S_ISDIR(st.st_mode)) throw IoError(str(who, ": cannot open the file: it is a directory."));
  std::vector<uint8_t> bytes(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(f.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw IoError(str(who, ": read failed at byte ", done, ": ", reason(errno), "."));
    if (n == 0) break;  // the file shrank while we read it
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

void write_file_atomic(const std::string& path, const std::vector<Chunk>& chunks,
                       const std::string& who) {
  static std::atomic<uint64_t> counter{0};
  std::string tmp = str(path, ".tmp.", ::getpid(), ".", counter++);
  Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)};
  if (f.fd < 0) throw IoError(str(who, ": cannot create \"", tmp, "\": ", reason(errno), "."));
  auto fail = [&](const std::string& what, int err) {
    ::close(f.fd);
    f.fd = -1;
    ::unlink(tmp.c_str());
    throw IoError(str(who, ": ", what, ": ", reason(err), "."));
  };
  uint64_t stop_at = UINT64_MAX;  // the test hook's byte: half the file
  if (kill_in_this_write()) {
    stop_at = 0;
    for (const Chunk& c : chunks) stop_at += c.size;
    stop_at /= 2;
  }
  uint64_t offset = 0;
  for (const Chunk& c : chunks) {
    const char* p = static_cast<const char*>(c.data);
    std::size_t left = c.size;
    while (left > 0) {
      if (offset >= stop_at) std::raise(SIGKILL);
      const std::size_t want =
          static_cast<std::size_t>(std::min<uint64_t>(left, stop_at - offset));
      ssize_t n = ::write(f.fd, p, want);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(str("write failed at byte ", offset), errno);
      p += n;
      left -= static_cast<std::size_t>(n);
      offset += static_cast<uint64_t>(n);
    }
  }
  if (offset >= stop_at) std::raise(SIGKILL);  // the hook, for an empty file
  if (::fsync(f.fd) != 0) fail("fsync failed", errno);
  if (::close(f.fd) != 0) {
    f.fd = -1;
    int err = errno;
    ::unlink(tmp.c_str());
    throw IoError(str(who, ": close failed: ", reason(err), "."));
  }
  f.fd = -1;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw IoError(str(who, ": cannot rename \"", tmp, "\" to the file: ", reason(err), "."));
  }
  sync_directory(path);
}

}  // namespace mz::io::detail
