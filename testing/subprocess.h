#ifndef TESTING_SUBPROCESS_H_
#define TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace kit::testing {

// A child process whose stdout and stderr go to files (<out_prefix>.out and
// .err), for tests of the binaries. Killed (SIGKILL) and reaped on destruction
// if still running. Thread-compatible.
class Subprocess {
 public:
  Subprocess(const std::vector<std::string>& argv, const std::string& out_prefix);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Waits up to `within` for the process to end; false if it is still running.
  bool Wait(std::chrono::milliseconds within = std::chrono::milliseconds(10000));
  bool ExitedWith(int code) const;
  bool KilledBy(int sig) const;
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  std::string out_, err_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
};

}  // namespace kit::testing

#endif  // TESTING_SUBPROCESS_H_
