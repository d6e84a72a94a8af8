#ifndef CONFORMANCE_FRAMEWORK_RUNNER_H_
#define CONFORMANCE_FRAMEWORK_RUNNER_H_

// Runs the selected requirements against a target: first, N at a time, those
// that may share it; then, one at a time, those that read or change shared
// state (serial, or setting faults without a container of their own).
// A test whose needs the target does not meet is skipped with the flag that
// would meet them. Each test has --timeout; every blocking call inside is bounded
// by it, and a test that ends past it is failed.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "conformance/framework/context.h"
#include "conformance/framework/requirement.h"

namespace conformance {

struct RunOptions {
  std::string focus;  // ECMAScript regex searched in the id; empty: all
  std::string skip;   // ... and these left out; empty: none
  int parallel = 1;
  std::chrono::milliseconds timeout = std::chrono::minutes(5);
};

struct TestResult {
  std::string id, title;
  Outcome outcome = Outcome::kPassed;
  std::string message;  // why it failed or was skipped
  std::vector<std::string> notes;
  double seconds = 0;
  Level level = Level::kMust;
};

// Answers the results in `requirements` order. `on_done` is called (serialized)
// as each test ends. REQUIRES: focus and skip are valid regexes.
std::vector<TestResult> RunRequirements(const Requirements& requirements, Target* target,
                                        const RunOptions& options,
                                        const std::function<void(const TestResult&)>& on_done);

// Requirements whose id the filters select.
Requirements Select(const Requirements& all, const std::string& focus, const std::string& skip);

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_RUNNER_H_
