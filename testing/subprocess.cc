#include "testing/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "testing/temp_dir.h"

extern char** environ;

namespace kit::testing {

Subprocess::Subprocess(const std::vector<std::string>& argv, const std::string& out_prefix)
    : out_(out_prefix + ".out"), err_(out_prefix + ".err") {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&fa);
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
  }
}

bool Subprocess::Wait(std::chrono::milliseconds within) {
  auto end = std::chrono::steady_clock::now() + within;
  while (!exited_) {
    pid_t r = ::waitpid(pid_, &status_, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

bool Subprocess::ExitedWith(int code) const {
  return exited_ && WIFEXITED(status_) && WEXITSTATUS(status_) == code;
}

bool Subprocess::KilledBy(int sig) const {
  return exited_ && WIFSIGNALED(status_) && WTERMSIG(status_) == sig;
}

std::string Subprocess::Stdout() const { return ReadFile(out_); }
std::string Subprocess::Stderr() const { return ReadFile(err_); }

}  // namespace kit::testing
