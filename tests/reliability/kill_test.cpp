// The kill test (specs/reliability.md R2): runs mz_kill_trainer once uninterrupted, then again
// in a fresh backup directory killed with SIGKILL at 20 points (at seeded random steps, and
// inside checkpoint writes through MEREZHA_TEST_KILL_IN_WRITE), resuming each time; the final
// weights and optimizer variables must be bitwise equal to the uninterrupted run's.
//   mz_kill_test <mz_kill_trainer> <work dir> [<data dir>]
// Exit status: 0 pass, 1 fail, 77 skipped (no Fashion-MNIST).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// How a run ended: exit status, or -signal.
int run_trainer(const std::vector<std::string>& args, int kill_in_write) {
  pid_t pid = ::fork();
  if (pid < 0) return 1000;
  if (pid == 0) {
    if (kill_in_write > 0)
      ::setenv("MEREZHA_TEST_KILL_IN_WRITE", std::to_string(kill_in_write).c_str(), 1);
    else
      ::unsetenv("MEREZHA_TEST_KILL_IN_WRITE");
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return WEXITSTATUS(status);
}

std::vector<char> bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int temporary_files(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) ++n;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::cerr << "usage: mz_kill_test <mz_kill_trainer> <work dir> [<data dir>]\n";
    return 1;
  }
  const std::string trainer = argv[1], work = argv[2];
  const std::string data = argc == 4 ? argv[3] : "/usr/share/datasets/fashion-mnist";
  if (!fs::exists(data + "/t10k-images-idx3-ubyte.gz") ||
      !fs::exists(data + "/t10k-labels-idx1-ubyte.gz")) {
    std::cout << "SKIP: kill test: no Fashion-MNIST in " << data
              << " (Debian package dataset-fashion-mnist)\n";
    return 77;
  }
  const auto start = std::chrono::steady_clock::now();
  fs::remove_all(work);
  fs::create_directories(work);
  const std::string straight = work + "/straight.bin", resumed = work + "/resumed.bin";
  const std::string backup_a = work + "/backup_straight", backup_b = work + "/backup_killed";

  int rc = run_trainer({trainer, data, backup_a, straight}, 0);
  if (rc != 0) {
    std::cout << "FAIL: the uninterrupted run ended with status " << rc << "\n";
    return 1;
  }

  // 20 kills: 14 at seeded random steps (2 epochs x 63 batches = 126 steps), in order, and 6
  // inside the 1st to 8th atomic write of the resumed process (a weights file, the state
  // file, the metadata or its .bkp copy).
  std::mt19937_64 rng(20261128);
  std::vector<int> steps;
  while (steps.size() < 14) {
    int s = 2 + static_cast<int>(rng() % 123);
    if (std::find(steps.begin(), steps.end(), s) == steps.end()) steps.push_back(s);
  }
  std::sort(steps.begin(), steps.end());
  int kills = 0, write_kills = 0, half_written = 0, next_step = 0;
  for (int i = 0; i < 20; ++i) {
    const bool in_write = i % 3 == 1;
    std::vector<std::string> args = {trainer, data, backup_b, resumed};
    int write = 0;
    std::string where;
    if (in_write) {
      write = 1 + static_cast<int>(rng() % 8);
      where = "inside atomic write " + std::to_string(write);
    } else {
      args.push_back(std::to_string(steps[next_step]));
      where = "at step " + std::to_string(steps[next_step++]);
    }
    rc = run_trainer(args, write);
    if (rc != -SIGKILL) {
      std::cout << "FAIL: kill " << i + 1 << " (" << where << "): expected SIGKILL, got status "
                << rc << "\n";
      return 1;
    }
    ++kills;
    if (in_write) {
      ++write_kills;
      if (temporary_files(backup_b) > 0) ++half_written;
    }
    std::cout << "kill " << i + 1 << ": " << where << "\n";
  }
  rc = run_trainer({trainer, data, backup_b, resumed}, 0);
  if (rc != 0) {
    std::cout << "FAIL: the last resumed run ended with status " << rc << "\n";
    return 1;
  }
  // Every run after the first kill must have resumed from a backup (not started over).
  std::ifstream log(backup_b + ".log");
  std::vector<long> starts;
  for (long it = 0, epoch = 0, batch = 0; log >> it >> epoch >> batch;) starts.push_back(it);
  const long resumed_runs = std::count_if(starts.begin() + (starts.empty() ? 0 : 1), starts.end(),
                                          [](long it) { return it > 0; });
  std::cout << "runs started at steps:";
  for (long it : starts) std::cout << " " << it;
  std::cout << "\n";
  if (starts.size() != 21 || starts.front() != 0 || starts.back() == 0 || resumed_runs < 19) {
    std::cout << "FAIL: expected 21 runs, each after the first resuming from a backup, got "
              << starts.size() << " runs, " << resumed_runs << " resumed\n";
    return 1;
  }
  const std::vector<char> a = bytes_of(straight), b = bytes_of(resumed);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "kill test: " << kills << " SIGKILLs (" << write_kills
            << " inside checkpoint writes, " << half_written
            << " leaving a half-written temporary file), " << a.size() / sizeof(double)
            << " values compared, " << seconds << " s\n";
  if (a.empty() || a != b) {
    std::cout << "FAIL: the resumed run's weights and optimizer variables differ from the "
                 "uninterrupted run's ("
              << a.size() << " vs " << b.size() << " bytes)\n";
    return 1;
  }
  std::cout << "PASS: bitwise equal\n";
  fs::remove_all(work);
  return 0;
}
