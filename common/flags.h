#ifndef COMMON_FLAGS_H_
#define COMMON_FLAGS_H_

// The kit's one command-line parser (fake-cri, checkpoint-endpoint,
// checkpoint-conformance, checkpoint-inspect), reading flags as the kubelet's (spf13/pflag) do:
//   --name value, --name=value    a flag with a value (the last one given wins,
//                                 unless the flag is repeatable);
//   --name, --name=false          a boolean flag: alone it means true, and it
//                                 takes a value only after '=' (Go's ParseBool);
//   --                            the end of the flags;
//   anything else                 a positional argument, kept in order.
// A flag is registered with a setter, so each binary keeps its own types and
// checks in one place; the usage text is made from the same registrations.
// Errors name the flag:
//   "unknown flag --x (see --help)", "--x: needs a value",
//   "--x=v: <the setter's reason>".
// Thread-compatible: register, then Parse (which may be called once per set).

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kit {

class FlagSet {
 public:
  // Receives the flag's text value; an error's message is the reason only (the
  // parser adds "--name=value: " in front).
  using Setter = std::function<absl::Status(const std::string& value)>;

  // A heading printed above the flags registered after it.
  void Section(std::string heading);
  // A flag that takes a value. `value_name` is how the usage spells it ("D",
  // "FILE"); `help` may hold newlines, each continuation is indented; a flag
  // with an empty `help` (an alias such as "-h") is not listed.
  void Add(std::string name, std::string value_name, std::string help, Setter set);
  // A flag alone on the line: `seen` runs when it is given (--help, --list).
  // REQUIRES: `name` starts with "-"; aliases such as "-h" are separate calls.
  void AddSwitch(std::string name, std::string help, std::function<void()> seen);
  // A boolean flag with Go's syntax (--x, --x=true, --x=0, ...).
  void AddBool(std::string name, std::string help, bool* target);
  // The same syntax, the value handed to `set` as given ("true" when alone),
  // for a caller that keeps its own boolean type.
  void AddBool(std::string name, std::string help, Setter set);
  // Shorthands for the common kinds.
  void AddString(std::string name, std::string value_name, std::string help, std::string* target);
  // Repeatable: each occurrence appends.
  void AddStrings(std::string name, std::string value_name, std::string help,
                  std::vector<std::string>* target);
  // An integer from `min` to `max`, written in decimal.
  void AddInt64(std::string name, std::string value_name, std::string help, int64_t* target,
                int64_t min, int64_t max);
  // A Go duration ("90s", "1m30s"; see ParseDurationNanos), at least `min`.
  void AddDuration(std::string name, std::string value_name, std::string help,
                   std::chrono::nanoseconds* target,
                   std::chrono::nanoseconds min = std::chrono::nanoseconds(1));

  // Parses `args` (without the program name); returns the positional
  // arguments in order.
  absl::StatusOr<std::vector<std::string>> Parse(const std::vector<std::string>& args) const;

  // One line per flag ("  --name VALUE   help", the help from column 36, longer
  // names on a line of their own), under their section headings.
  std::string Usage() const;

 private:
  struct Flag {
    std::string name;
    std::string value_name;  // empty for switches and booleans
    std::string help;
    bool takes_value = true;      // false: a switch, or a boolean
    bool optional_value = false;  // a boolean: a value only after '='
    Setter set;
    std::string section;
  };
  const Flag* Find(absl::string_view name) const;
  void Register(Flag flag);

  std::vector<Flag> flags_;
  std::string section_;
};

// Go's strconv.ParseBool: 1 t T TRUE true True, 0 f F FALSE false False.
absl::StatusOr<bool> ParseGoBool(absl::string_view text);

}  // namespace kit

#endif  // COMMON_FLAGS_H_
