#include "endpoint/auth/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "endpoint/auth/read_file.h"

namespace endpoint {
namespace {

// Keys that change who we are or how we connect, which we do not implement:
// refused rather than silently ignored.
constexpr const char* kUnsupportedUserKeys[] = {
    "exec", "auth-provider", "username", "password", "as", "as-uid", "as-groups", "as-user-extra",
};
constexpr const char* kUnsupportedClusterKeys[] = {"proxy-url"};

// One named entry of `clusters`, `users` or `contexts`.
struct Named {
  std::string key;  // e.g. "clusters[1]", for errors
  YAML::Node body;  // the `cluster`/`user`/`context` map (may be undefined)
};

class KubeconfigParser {
 public:
  KubeconfigParser(std::string source, std::string base_dir, const ConfigFileReader& read)
      : source_(std::move(source)), base_dir_(std::move(base_dir)), read_(read) {}

  absl::StatusOr<Kubeconfig> Parse(const std::string& yaml);

 private:
  absl::Status Error(const std::string& key, const std::string& problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat("kubeconfig ", source_, ": ", key, ": ", problem));
  }

  absl::StatusOr<std::map<std::string, Named>> NamedList(const YAML::Node& root,
                                                         const std::string& list,
                                                         const std::string& body);
  // The string at `map[key]`; "" when absent or null.
  absl::StatusOr<std::string> String(const YAML::Node& map, const std::string& key,
                                     const std::string& where);
  absl::StatusOr<bool> Bool(const YAML::Node& map, const std::string& key,
                            const std::string& where);
  // Contents of `<key>` (a path) or `<key>-data` (base64): both set is an error.
  absl::StatusOr<std::string> FileOrData(const YAML::Node& map, const std::string& key,
                                         const std::string& data_key, const std::string& where,
                                         std::string* origin);
  std::string Resolve(const std::string& path) const {
    if (path.empty() || path[0] == '/' || base_dir_.empty()) return path;
    return absl::StrCat(base_dir_, base_dir_.back() == '/' ? "" : "/", path);
  }
  absl::Status ParseServer(const std::string& url, const std::string& key, Kubeconfig& config);
  absl::Status ParseCluster(const Named& cluster, Kubeconfig& config);
  absl::Status ParseUser(const Named& user, Kubeconfig& config);

  const std::string source_;
  const std::string base_dir_;
  const ConfigFileReader& read_;
};

absl::StatusOr<std::map<std::string, Named>> KubeconfigParser::NamedList(const YAML::Node& root,
                                                                         const std::string& list,
                                                                         const std::string& body) {
  std::map<std::string, Named> entries;
  const YAML::Node items = root[list];
  if (!items.IsDefined() || items.IsNull()) return entries;
  if (!items.IsSequence()) return Error(list, "expected a list");
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string key = absl::StrCat(list, "[", i, "]");
    const YAML::Node item = items[i];
    if (!item.IsMap()) return Error(key, "expected a map with \"name\" and \"" + body + "\"");
    absl::StatusOr<std::string> name = String(item, "name", key);
    if (!name.ok()) return name.status();
    if (entries.count(*name) > 0) {
      // client-go's conversion from the list to a map refuses duplicates.
      return Error(key + ".name", absl::StrCat("duplicate name \"", *name, "\" in ", list));
    }
    const YAML::Node value = item[body];
    if (value.IsDefined() && !value.IsNull() && !value.IsMap()) {
      return Error(key + "." + body, "expected a map");
    }
    entries[*name] = Named{key, value};
  }
  return entries;
}

absl::StatusOr<std::string> KubeconfigParser::String(const YAML::Node& map, const std::string& key,
                                                     const std::string& where) {
  if (!map.IsDefined() || !map.IsMap()) return std::string();
  const YAML::Node value = map[key];
  if (!value.IsDefined() || value.IsNull()) return std::string();
  if (!value.IsScalar()) return Error(where + "." + key, "expected a string");
  return value.Scalar();
}

absl::StatusOr<bool> KubeconfigParser::Bool(const YAML::Node& map, const std::string& key,
                                            const std::string& where) {
  if (!map.IsDefined() || !map.IsMap()) return false;
  const YAML::Node value = map[key];
  if (!value.IsDefined() || value.IsNull()) return false;
  bool result = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, result)) {
    return Error(where + "." + key, "expected true or false");
  }
  return result;
}

absl::StatusOr<std::string> KubeconfigParser::FileOrData(const YAML::Node& map,
                                                         const std::string& key,
                                                         const std::string& data_key,
                                                         const std::string& where,
                                                         std::string* origin) {
  absl::StatusOr<std::string> path = String(map, key, where);
  if (!path.ok()) return path.status();
  absl::StatusOr<std::string> data = String(map, data_key, where);
  if (!data.ok()) return data.status();
  if (!path->empty() && !data->empty()) {
    return Error(where, absl::StrCat(data_key, " and ", key, " are both specified"));
  }
  if (!data->empty()) {
    *origin = absl::StrCat("kubeconfig ", source_, ": ", where, ".", data_key);
    absl::StatusOr<std::string> decoded = DecodeBase64Std(*data);
    if (!decoded.ok()) return Error(where + "." + data_key, "invalid base64");
    return decoded;
  }
  if (!path->empty()) {
    const std::string file = Resolve(*path);
    *origin = absl::StrCat("kubeconfig ", source_, ": ", where, ".", key, " (", file, ")");
    return read_(file, absl::StrCat("kubeconfig ", source_, ": ", where, ".", key, ": file"));
  }
  return std::string();
}

absl::Status KubeconfigParser::ParseServer(const std::string& url, const std::string& key,
                                           Kubeconfig& config) {
  if (url.empty()) return Error(key, "required (no server found for the cluster)");
  config.server_url = url;
  std::string rest = url;
  config.scheme = "https";
  if (size_t colon = rest.find("://"); colon != std::string::npos) {
    config.scheme = rest.substr(0, colon);
    rest = rest.substr(colon + 3);
  }
  if (config.scheme == "http") {
    return Error(key,
                 "http:// is not supported (the bearer token would cross the network in clear)");
  }
  if (config.scheme != "https") return Error(key, "unsupported scheme \"" + config.scheme + "\"");
  std::string authority = rest;
  config.base_path.clear();
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    authority = rest.substr(0, slash);
    config.base_path = rest.substr(slash);
    while (!config.base_path.empty() && config.base_path.back() == '/') config.base_path.pop_back();
  }
  if (authority.find_first_of("?#@") != std::string::npos) {
    return Error(key, "expected https://host[:port][/path]");
  }
  std::string port_text;
  if (!authority.empty() && authority[0] == '[') {  // [IPv6]:port
    size_t close = authority.find(']');
    if (close == std::string::npos) return Error(key, "unterminated '[' in host");
    config.host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Error(key, "expected ':' after ']'");
      port_text = after.substr(1);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string::npos) {
    config.host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  } else {
    config.host = authority;
  }
  if (config.host.empty()) return Error(key, "no host in \"" + url + "\"");
  config.port = 443;
  if (!port_text.empty()) {
    int port = 0;
    if (!absl::SimpleAtoi(port_text, &port) || port <= 0 || port > 65535) {
      return Error(key, "invalid port \"" + port_text + "\"");
    }
    config.port = port;
  }
  return absl::OkStatus();
}

absl::Status KubeconfigParser::ParseCluster(const Named& cluster, Kubeconfig& config) {
  const std::string where = cluster.key + ".cluster";
  for (const char* unsupported : kUnsupportedClusterKeys) {
    if (cluster.body.IsDefined() && cluster.body.IsMap() && cluster.body[unsupported].IsDefined()) {
      return Error(where + "." + unsupported, "not supported");
    }
  }
  absl::StatusOr<std::string> server = String(cluster.body, "server", where);
  if (!server.ok()) return server.status();
  if (absl::Status s = ParseServer(*server, where + ".server", config); !s.ok()) return s;
  absl::StatusOr<std::string> tls_server_name = String(cluster.body, "tls-server-name", where);
  if (!tls_server_name.ok()) return tls_server_name.status();
  config.tls_server_name = *tls_server_name;
  absl::StatusOr<bool> insecure = Bool(cluster.body, "insecure-skip-tls-verify", where);
  if (!insecure.ok()) return insecure.status();
  config.insecure_skip_tls_verify = *insecure;
  absl::StatusOr<std::string> ca =
      FileOrData(cluster.body, "certificate-authority", "certificate-authority-data", where,
                 &config.ca_origin);
  if (!ca.ok()) return ca.status();
  config.ca_pem = *std::move(ca);
  if (config.insecure_skip_tls_verify && !config.ca_pem.empty()) {
    // client-go transport.TLSConfigFor's wording.
    return Error(where,
                 "specifying a root certificates file with the insecure flag is not allowed");
  }
  return absl::OkStatus();
}

absl::Status KubeconfigParser::ParseUser(const Named& user, Kubeconfig& config) {
  const std::string where = user.key + ".user";
  if (user.body.IsDefined() && user.body.IsMap()) {
    for (const char* unsupported : kUnsupportedUserKeys) {
      if (user.body[unsupported].IsDefined())
        return Error(where + "." + unsupported, "not supported");
    }
  }
  absl::StatusOr<std::string> token = String(user.body, "token", where);
  if (!token.ok()) return token.status();
  config.token = *std::move(token);
  absl::StatusOr<std::string> token_file = String(user.body, "tokenFile", where);
  if (!token_file.ok()) return token_file.status();
  absl::StatusOr<std::string> token_file_dashed = String(user.body, "token-file", where);
  if (!token_file_dashed.ok()) return token_file_dashed.status();
  // client-go spells it tokenFile; token-file is accepted too.
  config.token_file = Resolve(token_file->empty() ? *token_file_dashed : *token_file);

  std::string key_origin;
  absl::StatusOr<std::string> cert =
      FileOrData(user.body, "client-certificate", "client-certificate-data", where,
                 &config.client_cert_origin);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key =
      FileOrData(user.body, "client-key", "client-key-data", where, &key_origin);
  if (!key.ok()) return key.status();
  if (!cert->empty() && key->empty()) {
    return Error(where,
                 "client-key-data or client-key must be specified to use the "
                 "clientCert authentication method");
  }
  if (cert->empty() && !key->empty()) {
    return Error(where, "client-key given without client-certificate");
  }
  config.client_cert_pem = *std::move(cert);
  config.client_key_pem = *std::move(key);
  if (!config.token_file.empty()) {
    // Checked now so that a wrong path fails at start-up; re-read later.
    absl::StatusOr<std::string> contents = read_(
        config.token_file, absl::StrCat("kubeconfig ", source_, ": ", where, ".tokenFile: file"));
    if (!contents.ok() && config.token.empty()) return contents.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<Kubeconfig> KubeconfigParser::Parse(const std::string& yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("kubeconfig ", source_,
                                                   ": invalid YAML at line ", e.mark.line + 1,
                                                   ", column ", e.mark.column + 1, ": ", e.msg));
  }
  try {
    if (!root.IsDefined() || root.IsNull()) {
      return Error("current-context", "not set (the file is empty)");
    }
    if (!root.IsMap()) return Error("(top level)", "expected a map");
    absl::StatusOr<std::map<std::string, Named>> clusters = NamedList(root, "clusters", "cluster");
    if (!clusters.ok()) return clusters.status();
    absl::StatusOr<std::map<std::string, Named>> users = NamedList(root, "users", "user");
    if (!users.ok()) return users.status();
    absl::StatusOr<std::map<std::string, Named>> contexts = NamedList(root, "contexts", "context");
    if (!contexts.ok()) return contexts.status();

    Kubeconfig config;
    config.source = source_;
    absl::StatusOr<std::string> current = String(root, "current-context", "");
    if (!current.ok()) return Error("current-context", "expected a string");
    if (current->empty()) return Error("current-context", "not set");
    auto context = contexts->find(*current);
    if (context == contexts->end()) {
      return Error("current-context",
                   absl::StrCat("context \"", *current, "\" not found in contexts"));
    }
    config.context = *current;
    const std::string context_key = context->second.key + ".context";
    absl::StatusOr<std::string> cluster_name = String(context->second.body, "cluster", context_key);
    if (!cluster_name.ok()) return cluster_name.status();
    if (cluster_name->empty()) return Error(context_key + ".cluster", "not set");
    auto cluster = clusters->find(*cluster_name);
    if (cluster == clusters->end()) {
      return Error(context_key + ".cluster",
                   absl::StrCat("cluster \"", *cluster_name, "\" not found in clusters"));
    }
    if (absl::Status s = ParseCluster(cluster->second, config); !s.ok()) return s;

    absl::StatusOr<std::string> user_name = String(context->second.body, "user", context_key);
    if (!user_name.ok()) return user_name.status();
    if (!user_name->empty()) {
      auto user = users->find(*user_name);
      if (user == users->end()) {
        return Error(context_key + ".user",
                     absl::StrCat("user \"", *user_name, "\" not found in users"));
      }
      if (absl::Status s = ParseUser(user->second, config); !s.ok()) return s;
    }
    return config;
  } catch (const YAML::Exception& e) {
    // Not expected (every access above checks types first); never let one out.
    return absl::InvalidArgumentError(absl::StrCat("kubeconfig ", source_, ": ", e.what()));
  }
}

}  // namespace

absl::StatusOr<std::string> DecodeBase64Std(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') clean.push_back(c);
  }
  if (clean.size() % 4 != 0) return absl::InvalidArgumentError("invalid base64");
  std::string out;
  out.reserve(clean.size() / 4 * 3);
  for (size_t i = 0; i < clean.size(); i += 4) {
    const bool last = i + 4 == clean.size();
    int pad = 0;
    uint32_t group = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = clean[i + j];
      int v = 0;
      if (c == '=' && last && j >= 2) {
        ++pad;
      } else {
        if (pad > 0) return absl::InvalidArgumentError("invalid base64");  // data after '='
        v = value(c);
        if (v < 0) return absl::InvalidArgumentError("invalid base64");
      }
      group = (group << 6) | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<char>((group >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((group >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(group & 0xFF));
  }
  return out;
}

absl::StatusOr<Kubeconfig> ParseKubeconfig(const std::string& yaml, const std::string& source_name,
                                           const std::string& base_dir,
                                           const ConfigFileReader& read) {
  return KubeconfigParser(source_name, base_dir, read).Parse(yaml);
}

absl::StatusOr<Kubeconfig> LoadKubeconfig(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadConfigFile(path, "kubeconfig");
  if (!contents.ok()) return contents.status();
  // Relative paths in the file are relative to its directory (client-go
  // ResolveLocalPaths); a bare file name's directory is the working directory.
  std::string base_dir;
  if (size_t slash = path.rfind('/'); slash != std::string::npos) {
    base_dir = path.substr(0, slash + 1);
  }
  return ParseKubeconfig(*contents, path, base_dir);
}

}  // namespace endpoint
