#include "fake-cri/image_reference.h"

#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace fakecri {
namespace {

// The grammar of distribution/reference regexp.go, as containerd vendors it.
const std::regex& ReferenceRegex() {
  static const std::regex* re = [] {
    const std::string component = "[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*";
    const std::string domain_component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    const std::string domain =
        domain_component + "(?:\\." + domain_component + ")*(?::[0-9]+)?";
    const std::string name = "(?:" + domain + "/)?" + component + "(?:/" + component + ")*";
    const std::string tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    const std::string digest =
        "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    return new std::regex("^(" + name + ")(?::(" + tag + "))?(?:@(" + digest + "))?$");
  }();
  return *re;
}

bool IsHex(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::string ImageReference::String() const {
  if (!digest.empty()) return absl::StrCat(name, "@", digest);
  return absl::StrCat(name, ":", tag);
}

bool IsImageId(const std::string& s) {
  return s.size() == 71 && s.compare(0, 7, "sha256:") == 0 && IsHex(s.substr(7));
}

absl::StatusOr<ImageReference> ParseDockerRef(const std::string& s) {
  // ParseNormalizedNamed.
  if (s.size() == 64 && IsHex(s)) {
    return absl::UnknownError(absl::StrCat(
        "invalid repository name (", s, "), cannot specify 64-byte hexadecimal strings"));
  }
  // splitDockerDomain.
  std::string domain = "docker.io", remainder = s;
  const size_t slash = s.find('/');
  if (slash != std::string::npos) {
    const std::string first = s.substr(0, slash);
    if (first.find_first_of(".:") != std::string::npos || first == "localhost") {
      domain = first == "index.docker.io" ? "docker.io" : first;
      remainder = s.substr(slash + 1);
    }
  }
  if (domain == "docker.io" && remainder.find('/') == std::string::npos) {
    remainder = "library/" + remainder;
  }
  const std::string remote = remainder.substr(0, remainder.find(':'));
  if (absl::AsciiStrToLower(remote) != remote) {
    return absl::UnknownError("invalid reference format: repository name must be lowercase");
  }
  std::smatch m;
  const std::string full = domain + "/" + remainder;
  if (!std::regex_match(full, m, ReferenceRegex())) {
    return absl::UnknownError("invalid reference format");
  }
  ImageReference ref;
  ref.name = m[1];
  if (ref.name.size() > 255) {
    return absl::UnknownError("repository name must not be more than 255 characters");
  }
  ref.digest = m[3];
  // ParseDockerRef: a digested reference keeps only its digest; a bare name gets :latest.
  ref.tag = ref.digest.empty() ? (m[2].matched ? std::string(m[2]) : "latest") : "";
  return ref;
}

}  // namespace fakecri
