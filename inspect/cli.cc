#include "inspect/cli.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/flags.h"
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

void RegisterFlags(Command* cmd, kit::FlagSet* f) {
  f->Add("--format", "text|json", "output format (default text)", [cmd](const std::string& v) {
    if (v != "text" && v != "json") return absl::InvalidArgumentError("not one of text, json");
    cmd->json = v == "json";
    return absl::OkStatus();
  });
  f->AddSwitch("--help", "this help (also -h)", [cmd] { cmd->help = true; });
  f->AddSwitch("-h", "", [cmd] { cmd->help = true; });
  f->AddSwitch("--version", "print the version", [cmd] { cmd->version = true; });
}

// Returns the parsed command, or a usage error's text.
std::optional<Command> Parse(const std::vector<std::string>& args, std::string* error) {
  Command cmd;
  kit::FlagSet flags;
  RegisterFlags(&cmd, &flags);
  absl::StatusOr<std::vector<std::string>> parsed = flags.Parse(args);
  if (!parsed.ok()) {
    *error = std::string(parsed.status().message());
    return std::nullopt;
  }
  std::vector<std::string> positional = *std::move(parsed);
  if (!positional.empty() && positional[0] == "help") cmd.help = true;
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

std::string Usage() {
  Command unused;
  kit::FlagSet flags;
  RegisterFlags(&unused, &flags);
  return absl::StrCat(R"(Usage: checkpoint-inspect COMMAND [--format text|json]

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
)",
                      flags.Usage(), R"(
Exit codes: 0 ok, 1 error (message on stderr names the file and the problem),
2 bad usage. Details: docs/inspect.md.
)");
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
