#include "fake-cri/fixture.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/units.h"
#include "fake-cri/image_reference.h"
#include "fake-cri/json_fields.h"

namespace fakecri {
namespace {

using nlohmann::json;

absl::Status ParseRuleList(JsonFields& f, const char* key, std::vector<FaultRule>* out) {
  const json* list = f.Take(key);
  if (!list) return absl::OkStatus();
  if (!list->is_array())
    return f.Error(key, absl::StrCat("expected an array, got ", list->type_name()));
  for (size_t i = 0; i < list->size(); ++i) {
    auto rule = ParseFaultRule((*list)[i], absl::StrCat(f.PathOf(key), "[", i, "]"));
    if (!rule.ok()) return rule.status();
    out->push_back(*rule);
  }
  return absl::OkStatus();
}

absl::Status ParseStringList(JsonFields& f, const char* key, std::vector<std::string>* out) {
  const json* list = f.Take(key);
  if (!list) return absl::OkStatus();
  if (!list->is_array())
    return f.Error(key, absl::StrCat("expected an array, got ", list->type_name()));
  for (size_t i = 0; i < list->size(); ++i) {
    if (!(*list)[i].is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          f.PathOf(key), "[", i, "]: expected a string, got ", (*list)[i].type_name()));
    }
    out->push_back((*list)[i].get<std::string>());
  }
  return absl::OkStatus();
}

// Namespace, pod and container names end up in paths (archive names, log
// paths): refuse what no Kubernetes object can be named.
absl::Status CheckName(JsonFields& f, const char* key, const std::string& name) {
  if (name.find('\0') != std::string::npos) return f.Error(key, "contains a NUL byte");
  if (name.find('/') != std::string::npos) return f.Error(key, "contains \"/\"");
  if (name == "." || name == "..")
    return f.Error(key, absl::StrCat("\"", name, "\" is not a name"));
  if (name.size() > 253) return f.Error(key, "is longer than 253 bytes");
  return absl::OkStatus();
}

// The container's settings ("working_set_bytes", "checkpoint") through the
// one settings parser, applied to `c`.
absl::Status ParseContainerSettings(JsonFields& f, const std::string& path, Container* c) {
  json sub = json::object();
  for (const char* key : {"working_set_bytes", "checkpoint"}) {
    if (const json* v = f.Take(key)) sub[key] = *v;
  }
  Settings s;
  RETURN_IF_ERROR(ParseSettingsObject(sub, path, SettingScope::kContainer, {}, &s));
  if (s.working_set) c->working_set_bytes = *s.working_set;
  if (s.fixed_cost_ns) c->latency.fixed_cost_ns = *s.fixed_cost_ns;
  if (s.throughput) c->latency.throughput_bytes_per_second = *s.throughput;
  return absl::OkStatus();
}

absl::Status ParseContainer(const json& j, const std::string& path, FixtureContainer* out) {
  RETURN_IF_ERROR(JsonFields::Open(j, path));
  JsonFields f(j, path);
  Container& c = out->container;
  RETURN_IF_ERROR(f.GetString("name", &c.name));
  if (c.name.empty()) return f.Error("name", "missing (every container has a name)");
  RETURN_IF_ERROR(CheckName(f, "name", c.name));
  RETURN_IF_ERROR(f.GetString("image", &c.image));
  if (c.image.empty()) return f.Error("image", "missing (every container has an image)");
  if (auto ref = ParseDockerRef(c.image); !ref.ok()) {
    return f.Error("image", std::string(ref.status().message()));
  }
  std::string state = "running";
  RETURN_IF_ERROR(f.GetString("state", &state));
  if (state == "running") {
    c.state = ContainerState::kRunning;
  } else if (state == "created") {
    c.state = ContainerState::kCreated;
  } else if (state == "exited") {
    c.state = ContainerState::kExited;
  } else {
    return f.Error("state", absl::StrCat("\"", state, "\" is not one of running, created, exited"));
  }
  int64_t exit_code = 0;
  RETURN_IF_ERROR(f.GetInt("exit_code", &exit_code));
  if (exit_code < INT32_MIN || exit_code > INT32_MAX) {
    return f.Error("exit_code", "is out of range for an exit code (32 bits)");
  }
  c.exit_code = static_cast<int32_t>(exit_code);
  int64_t attempt = 0;
  RETURN_IF_ERROR(f.GetInt("attempt", &attempt));
  if (attempt < 0 || attempt > UINT32_MAX) {
    return f.Error("attempt", "must be between 0 and 4294967295");
  }
  c.attempt = static_cast<uint32_t>(attempt);
  RETURN_IF_ERROR(ParseContainerSettings(f, path, &c));
  RETURN_IF_ERROR(ParseStringList(f, "command", &c.command));
  RETURN_IF_ERROR(ParseStringList(f, "args", &c.args));
  RETURN_IF_ERROR(ParseStringList(f, "rootfs_changes", &c.rootfs_changes));
  RETURN_IF_ERROR(ParseStringList(f, "rootfs_deletions", &c.rootfs_deletions));
  RETURN_IF_ERROR(f.GetStringMap("labels", &c.labels));
  RETURN_IF_ERROR(f.GetStringMap("annotations", &c.annotations));
  if (const json* process = f.Take("process")) {
    auto spec = ParseProcessSpec(*process, f.PathOf("process"));
    if (!spec.ok()) return spec.status();
    c.process = *std::move(spec);
  }
  RETURN_IF_ERROR(ParseRuleList(f, "faults", &out->faults));
  for (size_t i = 0; i < out->faults.size(); ++i) {
    const std::string& target = out->faults[i].container;
    if (!target.empty() && target != "*") {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ".faults[", i, "].container: not allowed here (the rule is for this container)"));
    }
  }
  return f.CheckNoUnknownKeys();
}

absl::Status ParsePod(const json& j, const std::string& path, FixturePod* out) {
  RETURN_IF_ERROR(JsonFields::Open(j, path));
  JsonFields f(j, path);
  Sandbox& s = out->sandbox;
  RETURN_IF_ERROR(f.GetString("namespace", &s.ns));
  if (s.ns.empty()) return f.Error("namespace", "missing (every pod has a namespace)");
  RETURN_IF_ERROR(CheckName(f, "namespace", s.ns));
  RETURN_IF_ERROR(f.GetString("name", &s.name));
  if (s.name.empty()) return f.Error("name", "missing (every pod has a name)");
  RETURN_IF_ERROR(CheckName(f, "name", s.name));
  RETURN_IF_ERROR(f.GetString("uid", &s.uid));
  RETURN_IF_ERROR(f.GetStringMap("labels", &s.labels));
  RETURN_IF_ERROR(f.GetStringMap("annotations", &s.annotations));
  std::string state = "ready";
  RETURN_IF_ERROR(f.GetString("state", &state));
  if (state == "ready") {
    s.state = SandboxState::kReady;
  } else if (state == "notready") {
    s.state = SandboxState::kNotReady;
  } else {
    return f.Error("state", absl::StrCat("\"", state, "\" is not one of ready, notready"));
  }
  const json* containers = f.Take("containers");
  if (containers) {
    if (!containers->is_array()) {
      return f.Error("containers",
                     absl::StrCat("expected an array, got ", containers->type_name()));
    }
    std::set<std::string> names;
    for (size_t i = 0; i < containers->size(); ++i) {
      std::string cpath = absl::StrCat(path, ".containers[", i, "]");
      FixtureContainer fc;
      RETURN_IF_ERROR(ParseContainer((*containers)[i], cpath, &fc));
      if (!names.insert(fc.container.name).second) {
        return absl::InvalidArgumentError(absl::StrCat(cpath, ".name: duplicate container name \"",
                                                       fc.container.name, "\" in this pod"));
      }
      out->containers.push_back(std::move(fc));
    }
  }
  return f.CheckNoUnknownKeys();
}

absl::Status ParseImage(const json& j, const std::string& path, ImageEntry* out) {
  RETURN_IF_ERROR(JsonFields::Open(j, path));
  JsonFields f(j, path);
  RETURN_IF_ERROR(f.GetString("name", &out->name));
  if (out->name.empty()) return f.Error("name", "missing (every image has a name)");
  if (auto ref = ParseDockerRef(out->name); !ref.ok()) {
    return f.Error("name", std::string(ref.status().message()));
  }
  if (f.Take("id")) {
    std::string id;
    RETURN_IF_ERROR(f.GetString("id", &id));
    if (!IsImageId(id)) return f.Error("id", "is not an image id (sha256: and 64 hex digits)");
    out->id = id;
  }
  if (f.Take("digest")) {
    std::string digest;
    RETURN_IF_ERROR(f.GetString("digest", &digest));
    if (!digest.empty() && !IsImageId(digest)) {
      return f.Error("digest", "is not a sha256 digest (sha256: and 64 hex digits), nor \"\"");
    }
    out->digest = digest;
  }
  if (f.Take("size")) {
    uint64_t size = 0;
    RETURN_IF_ERROR(f.GetBytes("size", &size));
    out->size = size;
  }
  std::string pull = "ok";
  RETURN_IF_ERROR(f.GetString("pull", &pull));
  if (pull == "not-found") {
    out->missing = true;
    for (const char* key : {"id", "digest", "size"}) {
      if (j.contains(key)) return f.Error(key, "not for an image the registry lacks");
    }
  } else if (pull != "ok") {
    return f.Error("pull", absl::StrCat("\"", pull, "\" is not one of ok, not-found"));
  }
  return f.CheckNoUnknownKeys();
}

// A random RFC 4122-shaped uid (version 4), for fixture pods that give none.
std::string NewUid() {
  std::string hex = kit::NewId();
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-4", hex.substr(13, 3), "-a",
                      hex.substr(17, 3), "-", hex.substr(20, 12));
}

}  // namespace

absl::StatusOr<Fixture> ParseFixture(const std::string& text, const std::string& file_name) {
  auto fail = [&](const absl::Status& s) {
    return absl::InvalidArgumentError(absl::StrCat(file_name, ": ", s.message()));
  };
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number JSON cannot hold (1e400).
    // nlohmann reports "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    std::string what = e.what();
    auto pos = what.find("] ");
    return fail(absl::InvalidArgumentError(absl::StrCat(
        "$: not valid JSON: ", pos == std::string::npos ? what : what.substr(pos + 2))));
  }
  if (auto s = JsonFields::Open(root, "$"); !s.ok()) return fail(s);
  JsonFields f(root, "$");
  Fixture fx;
  if (const json* rt = f.Take("runtime")) {
    if (auto s = JsonFields::Open(*rt, "$.runtime"); !s.ok()) return fail(s);
    JsonFields r(*rt, "$.runtime");
    if (auto s = ParseRuleList(r, "faults", &fx.faults); !s.ok()) return fail(s);
    if (auto s =
            ParseSettingsObject(*rt, "$.runtime", SettingScope::kRuntime, {"faults"}, &fx.runtime);
        !s.ok()) {
      return fail(s);
    }
  }
  if (const json* images = f.Take("images")) {
    if (!images->is_array()) {
      return fail(f.Error("images", absl::StrCat("expected an array, got ", images->type_name())));
    }
    fx.images.emplace();
    for (size_t i = 0; i < images->size(); ++i) {
      ImageEntry e;
      if (auto s = ParseImage((*images)[i], absl::StrCat("$.images[", i, "]"), &e); !s.ok()) {
        return fail(s);
      }
      fx.images->push_back(std::move(e));
    }
  }
  if (const json* pods = f.Take("pods")) {
    if (!pods->is_array()) {
      return fail(f.Error("pods", absl::StrCat("expected an array, got ", pods->type_name())));
    }
    std::set<std::string> names;
    for (size_t i = 0; i < pods->size(); ++i) {
      std::string path = absl::StrCat("$.pods[", i, "]");
      FixturePod pod;
      if (auto s = ParsePod((*pods)[i], path, &pod); !s.ok()) return fail(s);
      if (!names.insert(pod.sandbox.ns + "/" + pod.sandbox.name).second) {
        return fail(absl::InvalidArgumentError(absl::StrCat(
            path, ".name: duplicate pod \"", pod.sandbox.ns, "/", pod.sandbox.name, "\"")));
      }
      fx.pods.push_back(std::move(pod));
    }
  }
  if (auto s = f.CheckNoUnknownKeys(); !s.ok()) return fail(s);
  return fx;
}

absl::StatusOr<Fixture> LoadFixture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot read fixture: ", std::strerror(errno)));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return absl::InternalError(absl::StrCat(path, ": cannot read fixture"));
  return ParseFixture(buf.str(), path);
}

absl::Status PopulateFromFixture(const Fixture* fixture_or_null, Store* store, FaultRules* faults,
                                 ImageStore* images) {
  const std::vector<ImageEntry> defaults = DefaultImages();
  const Fixture empty;
  const Fixture& fixture = fixture_or_null ? *fixture_or_null : empty;
  for (const ImageEntry& e : fixture.images ? *fixture.images : defaults) {
    if (auto id = images->Add(e); !id.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("image \"", e.name, "\": ", id.status().message()));
    }
  }
  for (const FaultRule& r : fixture.faults) {
    if (auto added = faults->Add(r); !added.ok()) return added.status();
  }
  for (const FixturePod& pod : fixture.pods) {
    Sandbox s = pod.sandbox;
    if (s.uid.empty()) s.uid = NewUid();
    // What the kubelet puts on every sandbox it creates.
    s.labels["io.kubernetes.pod.name"] = s.name;
    s.labels["io.kubernetes.pod.namespace"] = s.ns;
    s.labels["io.kubernetes.pod.uid"] = s.uid;
    s.log_directory = absl::StrCat("/var/log/pods/", s.ns, "_", s.name, "_", s.uid);
    s.hostname = s.name;
    // Create ready so containers can be added, then apply the fixture's state.
    SandboxState wanted = s.state;
    s.state = SandboxState::kReady;
    auto sid = store->AddSandbox(s);
    if (!sid.ok()) return sid.status();
    for (const FixtureContainer& fc : pod.containers) {
      Container c = fc.container;
      c.sandbox_id = *sid;
      c.labels["io.kubernetes.pod.name"] = s.name;
      c.labels["io.kubernetes.pod.namespace"] = s.ns;
      c.labels["io.kubernetes.pod.uid"] = s.uid;
      c.labels["io.kubernetes.container.name"] = c.name;
      c.log_path = absl::StrCat(s.log_directory, "/", c.name, "/", c.attempt, ".log");
      // The container's image is on the node, listed or not.
      auto image = images->Resolve(c.image);
      if (!image.ok()) {
        ImageEntry e;
        e.name = c.image;
        if (auto id = images->Add(e); !id.ok()) return id.status();
        image = images->Resolve(c.image);
        if (!image.ok()) return image.status();
      }
      c.image_ref = image->id;
      ContainerState state = c.state;
      c.state = ContainerState::kCreated;
      auto cid = store->AddContainer(c);
      if (!cid.ok()) return cid.status();
      if (state != ContainerState::kCreated) {
        if (auto st = store->StartContainer(*cid); !st.ok()) return st;
      }
      if (state == ContainerState::kExited) {
        if (auto st = store->StopContainer(*cid); !st.ok()) return st;
        // The fixture's exit code, not the stop's 137 (the reason follows from it).
        store->SetExitCode(*cid, c.exit_code, "");
      }
      for (FaultRule r : fc.faults) {
        r.container = *cid;
        if (auto added = faults->Add(r); !added.ok()) return added.status();
      }
    }
    if (wanted == SandboxState::kNotReady) {
      if (auto st = store->StopSandbox(*sid); !st.ok()) return st;
    }
  }
  return absl::OkStatus();
}

}  // namespace fakecri
