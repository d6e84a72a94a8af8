// libFuzzer target: --kubeconfig contents (YAML through yaml-cpp, then
// client-go's rules). Files the kubeconfig names are never read from disk:
// "ca.crt", "client.crt", "client.key" and "token" exist, with fixed
// contents; anything else is missing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "endpoint/auth/kubeconfig.h"

namespace {

absl::StatusOr<std::string> FakeFiles(const std::string& path, absl::string_view what) {
  if (path == "/base/ca.crt" || path == "/base/client.crt") {
    return std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  }
  if (path == "/base/client.key") {
    return std::string("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  }
  if (path == "/base/token") return std::string("t0ken\n");
  return absl::NotFoundError(absl::StrCat(what, " ", path, ": cannot read: no such file"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  (void)endpoint::ParseKubeconfig(yaml, "kubeconfig", "/base/", FakeFiles);
  (void)endpoint::DecodeBase64Std(yaml);
  return 0;
}
