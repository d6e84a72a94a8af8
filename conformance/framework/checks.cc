#include "conformance/framework/checks.h"

#include <regex>
#include <sstream>

#include "nlohmann/json.hpp"

namespace conformance {

const char* const kRequiredEntries[3] = {"spec.dump", "config.dump", "checkpoint/inventory.img"};

HttpResult Send(TestContext& t, const std::string& method, const std::string& path_and_query,
                const Credentials* who) {
  const EndpointTarget& e = t.endpoint();
  return SendRequest(e, e.url, method, path_and_query, who ? *who : e.allowed, t.Remaining());
}

HttpResult PostCheckpoint(TestContext& t, const ContainerRef& c, const std::string& query) {
  return Send(t, "POST", c.Path() + query);
}

void ExpectAnswer(TestContext& t, const std::string& what, const HttpResult& r, int status,
                  const std::string& body) {
  if (!r.sent || r.status != status || r.body != body) {
    t.Fail(what + " answered " + r.Describe() + ", want " + std::to_string(status) + " " +
           Quote(body));
  }
}

bool IsCannotCheckpointError(const std::string& text) {
  // Sources: docs/runtime-profiles.md; the node e2e test
  // (test/e2e_node/checkpoint_container.go) matches the first four the same way.
  static const std::regex kTexts(
      // containerd 1.6.0-1.6.8: grpc-go's answer for a method the server lacks.
      R"(rpc error: code = Unimplemented desc = unknown method CheckpointContainer for service runtime\.v1\.RuntimeService)"
      // containerd 1.6.9-1.7.x.
      R"(|rpc error: code = Unimplemented desc = method CheckpointContainer not implemented)"
      // CRI-O started without criu on PATH, or enable_criu_support = false.
      R"(|rpc error: code = Unknown desc = checkpoint/restore support not available)"
      // CRI-O whose CRIU went missing (or is too old) after start, or whose
      // runtime cannot checkpoint (the full container id follows "container").
      R"(|rpc error: code = Unknown desc = failed to checkpoint container [0-9a-f]+: (check for CRIU .*|configured runtime does not support checkpoint/restore|checkpointing not implemented for runtimeVM))"
      // containerd 2.0-2.3 (the cause follows the id).
      R"(|rpc error: code = Unknown desc = CRIU binary not found or too old \(<[0-9]+\)\. Failed to checkpoint container "[^"]*"(: .*)?)"
      // containerd 2.2.7+, 2.3.4+ and 2.4.
      R"(|rpc error: code = Unknown desc = failed to checkpoint container "[^"]*": (criu binary not found in shim path or system PATH|criu support is disabled by configuration|failed to retrieve criu version: .*|checkpoint/restore requires at least CRIU [0-9]+, current version is [0-9]+))");
  return std::regex_match(text, kTexts);
}

void ExpectVersioned(TestContext& t, const std::string& what, const HttpResult& r,
                     const std::function<Form(int)>& expected) {
  if (!r.sent) t.Fail(what + ": " + r.Describe());
  const Form got{r.status, r.body, r.Header("location")};
  const std::string matching = MatchingVersions(expected, got);
  const auto& minor = t.endpoint().kubelet.minor;
  if (!minor) {
    t.Check(!matching.empty(),
            what + " answered " + Describe(got) + ", which no kubelet " +
                KubeletName(kOldestKubeletMinor) + "-" + KubeletName(kNewestKubeletMinor) +
                " answers (the newest answers " + Describe(expected(kNewestKubeletMinor)) + ")");
    t.Note("the answer is kubelet " + matching +
           "'s (version not known: " + t.endpoint().kubelet.version_source + ")");
    return;
  }
  const Form want = expected(*minor);
  if (got == want) return;
  t.Fail(what + " answered " + Describe(got) + "; a kubelet " + KubeletName(*minor) +
         " (judged as that, from " + t.endpoint().kubelet.version_source + ") answers " +
         Describe(want) +
         (matching.empty() ? std::string(", and no kubelet " + KubeletName(kOldestKubeletMinor) +
                                         "-" + KubeletName(kNewestKubeletMinor) + " answers that")
                           : ", and what it answered is kubelet " + matching + "'s"));
}

std::optional<std::string> CannotCheckpointText(const HttpResult& r, const ContainerRef& c) {
  if (!r.sent || r.status != 500) return std::nullopt;
  std::string prefix = "checkpointing of " + c.Slash() + " failed (";
  if (r.body.rfind(prefix, 0) != 0 || r.body.size() < prefix.size() + 1 || r.body.back() != ')') {
    return std::nullopt;
  }
  std::string inner = r.body.substr(prefix.size(), r.body.size() - prefix.size() - 1);
  if (!IsCannotCheckpointError(inner)) return std::nullopt;
  return inner;
}

std::optional<std::string> ParseItems(const std::string& body, std::string* why) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    *why = "not JSON";
  } else if (!j.is_object() || j.size() != 1 || !j.contains("items")) {
    *why = "not an object with the single key \"items\"";
  } else if (!j["items"].is_array() || j["items"].size() != 1 || !j["items"][0].is_string()) {
    *why = "\"items\" is not an array of one string";
  } else {
    return j["items"][0].get<std::string>();
  }
  return std::nullopt;
}

std::string CheckpointOrSkip(TestContext& t, const ContainerRef& c, const std::string& query) {
  HttpResult r = PostCheckpoint(t, c, query);
  if (auto text = CannotCheckpointText(r, c)) {
    t.Skip("the runtime cannot checkpoint: " + *text);
  }
  if (!r.sent || r.status != 200) {
    t.Fail("POST " + c.Path() + query + " answered " + r.Describe() + ", want 200");
  }
  std::string why;
  auto path = ParseItems(r.body, &why);
  if (!path) {
    t.Skip("precondition: the 200 body " + Quote(r.body) + " is " + why +
           " (responses.200-items-json-with-archive-path fails)");
  }
  return *path;
}

void RequireLocalFiles(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  PathFacts dir = InspectPath(e.CheckpointsDir());
  if (!dir.exists) {
    t.Skip("file checks skipped: " + e.CheckpointsDir() +
           " is not reachable from here (run the suite on the node, or pass --root-dir)");
  }
}

TarFacts RequireGoodArchive(TestContext& t, const std::string& path) {
  PathFacts f = InspectPath(path);
  if (!f.exists || !f.regular) {
    t.Skip("precondition: no regular file at " + path +
           " (archive.regular-file-at-returned-path fails)");
  }
  TarFacts tar = ReadTar(path);
  if (!tar.readable) {
    t.Skip("precondition: " + path + " is not a readable tar: " + tar.error +
           " (archive.readable-by-independent-tar-reader fails)");
  }
  for (const char* entry : kRequiredEntries) {
    if (!tar.contents.count(entry)) {
      t.Skip(std::string("precondition: ") + path + " lacks " + entry +
             " (archive.contains-required-entries fails)");
    }
  }
  return tar;
}

double CheckpointOperationSamples(const std::string& text, const std::string& metric) {
  double sum = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(metric + "{", 0) != 0) continue;
    auto close = line.find('}');
    if (close == std::string::npos) continue;
    if (line.substr(0, close).find("operation_type=\"checkpoint_container\"") == std::string::npos)
      continue;
    std::istringstream value(line.substr(close + 1));
    double v = 0;
    if (value >> v) sum += v;
  }
  return sum;
}

namespace {

std::string Annotation(const nlohmann::json& spec, const std::string& key) {
  const auto& a = spec.find("annotations");
  if (a == spec.end() || !a->is_object()) return "";
  auto it = a->find(key);
  return it != a->end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string CheckNamesContainer(const TarFacts& tar, const ContainerRef& c) {
  auto spec_it = tar.contents.find("spec.dump");
  if (spec_it == tar.contents.end()) return "no spec.dump";
  nlohmann::json spec = nlohmann::json::parse(spec_it->second, nullptr, false);
  if (spec.is_discarded() || !spec.is_object()) return "spec.dump is not a JSON object";
  auto config_it = tar.contents.find("config.dump");
  if (config_it == tar.contents.end()) return "no config.dump";
  nlohmann::json config = nlohmann::json::parse(config_it->second, nullptr, false);
  if (config.is_discarded() || !config.is_object()) return "config.dump is not a JSON object";

  // CRI-O: io.kubernetes.pod.*, io.kubernetes.container.name or the name in
  // io.kubernetes.cri-o.Metadata; containerd: io.kubernetes.cri.*.
  std::string pod = Annotation(spec, "io.kubernetes.pod.name");
  if (pod.empty()) pod = Annotation(spec, "io.kubernetes.cri.sandbox-name");
  std::string ns = Annotation(spec, "io.kubernetes.pod.namespace");
  if (ns.empty()) ns = Annotation(spec, "io.kubernetes.cri.sandbox-namespace");
  std::string name = Annotation(spec, "io.kubernetes.cri.container-name");
  if (name.empty()) name = Annotation(spec, "io.kubernetes.container.name");
  if (name.empty()) {
    nlohmann::json meta =
        nlohmann::json::parse(Annotation(spec, "io.kubernetes.cri-o.Metadata"), nullptr, false);
    if (meta.is_object() && meta.contains("name") && meta["name"].is_string()) name = meta["name"];
  }
  if (pod != c.pod || ns != c.ns || name != c.name) {
    return "spec.dump's annotations name " + ns + "/" + pod + "/" + name + ", not " + c.Slash();
  }
  if (!config.contains("name") || !config["name"].is_string() ||
      config["name"].get<std::string>().find(c.name) == std::string::npos) {
    return "config.dump's \"name\" " +
           (config.contains("name") ? config["name"].dump() : "(none)") +
           " does not name container " + c.name;
  }
  return "";
}

}  // namespace conformance
