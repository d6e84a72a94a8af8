#ifndef CONFORMANCE_FRAMEWORK_REPORT_H_
#define CONFORMANCE_FRAMEWORK_REPORT_H_

// The suite's output: one line per test as it ends, a summary table, and the
// files a CI system reads (JUnit XML, and the same results as JSON).

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "conformance/framework/runner.h"

namespace conformance {

// "PASS  responses.404-unknown-pod (0.01s)" and, indented, why.
void PrintLive(const TestResult& r, std::ostream& out);

// Every requirement with its outcome and reason, then the counts.
void PrintSummary(const std::vector<TestResult>& results, const std::string& target, double seconds,
                  std::ostream& out);

// <dir>/junit.xml and <dir>/results.json (dir created if missing).
absl::Status WriteReports(const std::vector<TestResult>& results, const std::string& target,
                          double seconds, const std::string& dir);

const char* OutcomeName(Outcome o);  // "passed", "failed", "skipped"

// The run passes when no MUST requirement failed (and, with `strict`, no
// SHOULD requirement either).
bool ExitOk(const std::vector<TestResult>& results, bool strict);

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_REPORT_H_
