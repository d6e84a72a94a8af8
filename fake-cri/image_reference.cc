#include "fake-cri/image_reference.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace fakecri {
namespace {

// The grammar of distribution/reference regexp.go, as containerd vendors it,
// checked by hand (std::regex is slow, and GCC 12 warns inside it).
bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }
bool IsWord(char c) { return IsAlnum(c) || c == '_'; }
bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// path-component: [a-z0-9]+ ((?:[._]|__|[-]*)[a-z0-9]+)*
bool IsPathComponent(absl::string_view s) {
  size_t i = 0;
  if (s.empty() || !IsLowerAlnum(s[0])) return false;
  while (i < s.size()) {
    while (i < s.size() && IsLowerAlnum(s[i])) ++i;
    if (i == s.size()) return true;
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < s.size() && s[i] == '_') ++i;
    } else if (s[i] == '-') {
      while (i < s.size() && s[i] == '-') ++i;
    } else {
      return false;
    }
    if (i == s.size() || !IsLowerAlnum(s[i])) return false;
  }
  return true;
}

// domain: component (. component)* (:port)?; component: [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
bool IsDomain(absl::string_view s) {
  const size_t colon = s.find(':');
  if (colon != absl::string_view::npos) {
    absl::string_view port = s.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != absl::string_view::npos) {
      return false;
    }
    s = s.substr(0, colon);
  }
  for (absl::string_view c : absl::StrSplit(s, '.')) {
    if (c.empty() || !IsAlnum(c.front()) || !IsAlnum(c.back())) return false;
    for (char ch : c) {
      if (!IsAlnum(ch) && ch != '-') return false;
    }
  }
  return true;
}

// tag: [\w][\w.-]{0,127}
bool IsTag(absl::string_view s) {
  if (s.empty() || s.size() > 128 || !IsWord(s[0])) return false;
  for (char c : s) {
    if (!IsWord(c) && c != '.' && c != '-') return false;
  }
  return true;
}

// digest: [A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}
bool IsDigest(absl::string_view s) {
  const size_t colon = s.find(':');
  if (colon == absl::string_view::npos) return false;
  absl::string_view alg = s.substr(0, colon), hex = s.substr(colon + 1);
  if (hex.size() < 32) return false;
  for (char c : hex) {
    if (!IsHexDigit(c)) return false;
  }
  bool need_letter = true;
  for (char c : alg) {
    if (need_letter) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
      need_letter = false;
    } else if (c == '-' || c == '_' || c == '+' || c == '.') {
      need_letter = true;
    } else if (!IsAlnum(c)) {
      return false;
    }
  }
  return !alg.empty() && !need_letter;
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
    return absl::UnknownError(absl::StrCat("invalid repository name (", s,
                                           "), cannot specify 64-byte hexadecimal strings"));
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
  // The rest: path[:tag][@digest], checked as the reference grammar does.
  absl::string_view rest = remainder;
  std::string digest, tag;
  if (const size_t at = rest.find('@'); at != absl::string_view::npos) {
    digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!IsDigest(digest)) return absl::UnknownError("invalid reference format");
  }
  const size_t last_slash = rest.rfind('/');
  if (const size_t colon = rest.rfind(':');
      colon != absl::string_view::npos &&
      (last_slash == absl::string_view::npos || colon > last_slash)) {
    tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!IsTag(tag)) return absl::UnknownError("invalid reference format");
  }
  // The grammar's domain is optional: a first part that is no domain may
  // still read as a path component ("my_registry.local/x").
  if (!IsDomain(domain) && !IsPathComponent(domain)) {
    return absl::UnknownError("invalid reference format");
  }
  for (absl::string_view c : absl::StrSplit(rest, '/')) {
    if (!IsPathComponent(c)) return absl::UnknownError("invalid reference format");
  }
  ImageReference ref;
  ref.name = absl::StrCat(domain, "/", rest);
  if (ref.name.size() > 255) {
    return absl::UnknownError("repository name must not be more than 255 characters");
  }
  ref.digest = digest;
  // ParseDockerRef: a digested reference keeps only its digest; a bare name gets :latest.
  ref.tag = digest.empty() ? (tag.empty() ? "latest" : tag) : "";
  return ref;
}

}  // namespace fakecri
