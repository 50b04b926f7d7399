// File plumbing shared by the format readers and writers of io/: whole-file reads with
// size checks, and atomic writes (temporary file, fsync, rename, directory fsync).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mz::io::detail {

// The size of the file in bytes; throws IoError "<who>: cannot open the file: <reason>."
uint64_t file_size(const std::string& path, const std::string& who);

// The whole file as bytes; throws IoError naming `who` when it cannot be read.
std::vector<uint8_t> read_file(const std::string& path, const std::string& who);

// One piece of the bytes to write.
struct Chunk {
  const void* data;
  std::size_t size;
};

// Writes the chunks, in order, to `path` atomically: a temporary file beside it is written,
// fsynced and renamed over `path`, then the directory is fsynced, so `path` holds either its
// old contents or all the new ones. Throws IoError naming `who` and the reason.
// Test hook (the kill test, tests/reliability): with MEREZHA_TEST_KILL_IN_WRITE=<n> in the
// environment, the process's n-th call raises SIGKILL after writing half the temporary file.
void write_file_atomic(const std::string& path, const std::vector<Chunk>& chunks,
                       const std::string& who);

// `who "path"`, the prefix of every message about a file: read_idx "train-images-idx3-ubyte".
std::string who_file(const char* call, const std::string& path);

}  // namespace mz::io::detail
