#include "inspect/cli.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "inspect/archive_scan.h"
#include "inspect/list.h"
#include "inspect/report.h"

namespace inspect {
namespace {

struct Command {
  std::string name;  // "show", "list"
  std::string target;
  bool json = false;
  bool help = false;
  bool version = false;
};

// Returns the parsed command, or a usage error's text.
std::optional<Command> Parse(const std::vector<std::string>& args, std::string* error) {
  Command cmd;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help" || a == "help") {
      cmd.help = true;
    } else if (a == "--version") {
      cmd.version = true;
    } else if (a == "--format" || absl::StartsWith(a, "--format=")) {
      std::string value;
      if (a == "--format") {
        if (i + 1 >= args.size()) {
          *error = "--format needs a value: text or json";
          return std::nullopt;
        }
        value = args[++i];
      } else {
        value = a.substr(9);
      }
      if (value != "text" && value != "json") {
        *error = absl::StrCat("--format \"", value, "\" is not one of text, json");
        return std::nullopt;
      }
      cmd.json = value == "json";
    } else if (a == "--") {
      positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    } else if (absl::StartsWith(a, "-") && a != "-") {
      *error = absl::StrCat("unknown flag ", a);
      return std::nullopt;
    } else {
      positional.push_back(a);
    }
  }
  if (cmd.help || cmd.version) return cmd;
  if (positional.empty()) {
    *error = "no command given: show or list";
    return std::nullopt;
  }
  cmd.name = positional[0];
  if (cmd.name != "show" && cmd.name != "list") {
    *error = absl::StrCat("unknown command \"", cmd.name, "\": show or list");
    return std::nullopt;
  }
  const char* what = cmd.name == "show" ? "ARCHIVE" : "DIR";
  if (positional.size() < 2) {
    *error = absl::StrCat(cmd.name, " needs ", what);
    return std::nullopt;
  }
  if (positional.size() > 2) {
    *error = absl::StrCat(cmd.name, " takes one ", what, ", got also \"", positional[2], "\"");
    return std::nullopt;
  }
  cmd.target = positional[1];
  return cmd;
}

}  // namespace

const char* Usage() {
  return R"(Usage: checkpoint-inspect COMMAND [--format text|json]

Reads container checkpoint archives as the kubelet's checkpoint API leaves them
(CRI-O, containerd 2.x, Podman exports; plain, gzip or zstd tar).

Commands:
  show ARCHIVE   everything the archive says: container, pod, namespace, image,
                 engine, runtime and CRIU versions, creation and checkpoint
                 times, size, memory (pages and bytes from the pagemaps, the
                 pages-*.img sizes), rootfs-diff.tar and its files, deleted
                 files, CRIU dump statistics, process tree
  list DIR       one row per checkpoint archive in DIR: checkpoint-*.tar (the
                 kubelet's names) and any other *.tar that is one; unreadable
                 archives are listed with their error

Options:
  --format text|json   output format (default text)
  -h, --help           this help
  --version            print the version

Exit codes: 0 ok, 1 error (message on stderr names the file and the problem),
2 bad usage. Details: docs/inspect.md.
)";
}

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string error;
  std::optional<Command> cmd = Parse(args, &error);
  if (!cmd) {
    err << "checkpoint-inspect: " << error << "\n"
        << "Run 'checkpoint-inspect --help' for usage.\n";
    return kExitUsage;
  }
  if (cmd->help) {
    out << Usage();
    return kExitOk;
  }
  if (cmd->version) {
    out << "checkpoint-inspect " << kVersion << "\n";
    return kExitOk;
  }
  if (cmd->name == "show") {
    absl::StatusOr<CheckpointFacts> facts = InspectCheckpoint(cmd->target);
    if (!facts.ok()) {
      err << "checkpoint-inspect: " << facts.status().message() << "\n";
      return kExitError;
    }
    out << (cmd->json ? ShowJson(*facts).dump(2) + "\n" : ShowText(*facts));
    return kExitOk;
  }
  ScanOptions options;
  options.full = false;
  absl::StatusOr<std::vector<ListRow>> rows = ListCheckpoints(cmd->target, options);
  if (!rows.ok()) {
    err << "checkpoint-inspect: " << rows.status().message() << "\n";
    return kExitError;
  }
  out << (cmd->json ? ListJson(*rows).dump(2) + "\n" : ListText(*rows));
  return kExitOk;
}

}  // namespace inspect
