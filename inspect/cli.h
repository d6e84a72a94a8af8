#ifndef INSPECT_CLI_H_
#define INSPECT_CLI_H_

// The checkpoint-inspect command line: parses the arguments, runs `show` or
// `list`, prints to `out` (results) and `err` (errors), and returns the exit
// code: 0 ok, 1 error, 2 bad usage. Thread-compatible.

#include <ostream>
#include <string>
#include <vector>

namespace inspect {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr char kVersion[] = "0.1.0";

// `args` excludes the program name.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

std::string Usage();

}  // namespace inspect

#endif  // INSPECT_CLI_H_
