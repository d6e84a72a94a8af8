#include "common/flags.h"

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/units.h"

namespace kit {
namespace {

constexpr size_t kHelpColumn = 36;

}  // namespace

absl::StatusOr<bool> ParseGoBool(absl::string_view v) {
  if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") return true;
  if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False")
    return false;
  return absl::InvalidArgumentError("not a boolean");
}

void FlagSet::Section(std::string heading) { section_ = std::move(heading); }

void FlagSet::Register(Flag flag) {
  flag.section = section_;
  flags_.push_back(std::move(flag));
}

void FlagSet::Add(std::string name, std::string value_name, std::string help, Setter set) {
  Register(
      {std::move(name), std::move(value_name), std::move(help), true, false, std::move(set), ""});
}

void FlagSet::AddSwitch(std::string name, std::string help, std::function<void()> seen) {
  Register({std::move(name), "", std::move(help), false, false,
            [seen = std::move(seen)](const std::string&) {
              seen();
              return absl::OkStatus();
            },
            ""});
}

void FlagSet::AddBool(std::string name, std::string help, bool* target) {
  Register({std::move(name), "", std::move(help), false, true,
            [target](const std::string& value) {
              auto b = ParseGoBool(value);
              if (!b.ok()) return b.status();
              *target = *b;
              return absl::OkStatus();
            },
            ""});
}

void FlagSet::AddBool(std::string name, std::string help, Setter set) {
  Register({std::move(name), "", std::move(help), false, true, std::move(set), ""});
}

void FlagSet::AddString(std::string name, std::string value_name, std::string help,
                        std::string* target) {
  Add(std::move(name), std::move(value_name), std::move(help), [target](const std::string& v) {
    *target = v;
    return absl::OkStatus();
  });
}

void FlagSet::AddStrings(std::string name, std::string value_name, std::string help,
                         std::vector<std::string>* target) {
  Add(std::move(name), std::move(value_name), std::move(help), [target](const std::string& v) {
    target->push_back(v);
    return absl::OkStatus();
  });
}

void FlagSet::AddInt64(std::string name, std::string value_name, std::string help, int64_t* target,
                       int64_t min, int64_t max) {
  Add(std::move(name), std::move(value_name), std::move(help),
      [target, min, max](const std::string& v) {
        int64_t n = 0;
        // SimpleAtoi refuses overflow; a leading '+' or spaces are refused here.
        if (v.empty() || v[0] == '+' || v[0] == ' ' || !absl::SimpleAtoi(v, &n) || n < min ||
            n > max) {
          return absl::InvalidArgumentError(absl::StrCat("not an integer from ", min, " to ", max));
        }
        *target = n;
        return absl::OkStatus();
      });
}

void FlagSet::AddDuration(std::string name, std::string value_name, std::string help,
                          std::chrono::nanoseconds* target, std::chrono::nanoseconds min) {
  Add(std::move(name), std::move(value_name), std::move(help), [target, min](const std::string& v) {
    auto ns = ParseDurationNanos(v);
    if (!ns.ok()) return ns.status();
    if (std::chrono::nanoseconds(*ns) < min) {
      return absl::InvalidArgumentError(min.count() <= 1 ? "must be more than 0" : "too short");
    }
    *target = std::chrono::nanoseconds(*ns);
    return absl::OkStatus();
  });
}

const FlagSet::Flag* FlagSet::Find(absl::string_view name) const {
  for (const Flag& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

absl::StatusOr<std::vector<std::string>> FlagSet::Parse(
    const std::vector<std::string>& args) const {
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    std::string name = arg, value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    const Flag* flag = Find(name);
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", name, " (see --help)"));
    }
    if (!flag->takes_value && !flag->optional_value && has_value) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": takes no value"));
    }
    if (!has_value) {
      if (flag->optional_value) {
        value = "true";
      } else if (flag->takes_value) {
        if (i + 1 >= args.size()) {
          return absl::InvalidArgumentError(absl::StrCat(name, ": needs a value"));
        }
        value = args[++i];
      }
    }
    if (absl::Status s = flag->set(value); !s.ok()) {
      return absl::Status(s.code(), flag->takes_value || flag->optional_value
                                        ? absl::StrCat(name, "=", value, ": ", s.message())
                                        : absl::StrCat(name, ": ", s.message()));
    }
  }
  return positional;
}

std::string FlagSet::Usage() const {
  std::string out;
  const std::string* section = nullptr;
  for (const Flag& f : flags_) {
    if (f.help.empty()) continue;  // an alias, or hidden
    if (section == nullptr || *section != f.section) {
      if (!f.section.empty()) absl::StrAppend(&out, out.empty() ? "" : "\n", f.section, "\n");
      section = &f.section;
    }
    std::string left = absl::StrCat("  ", f.name);
    if (f.optional_value) {
      absl::StrAppend(&left, "[=BOOL]");
    } else if (f.takes_value) {
      absl::StrAppend(&left, " ", f.value_name);
    }
    bool first = true;
    for (absl::string_view line : absl::StrSplit(f.help, '\n')) {
      if (first) {
        if (left.size() + 1 >= kHelpColumn) {
          absl::StrAppend(&out, left, "\n", std::string(kHelpColumn, ' '), line, "\n");
        } else {
          absl::StrAppend(&out, left, std::string(kHelpColumn - left.size(), ' '), line, "\n");
        }
        first = false;
      } else {
        absl::StrAppend(&out, std::string(kHelpColumn, ' '), line, "\n");
      }
    }
  }
  return out;
}

}  // namespace kit
