#include "endpoint/object_names.h"

namespace endpoint {
namespace {

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// A label without the 63-character cap (dns1123LabelFmt).
bool IsLabelText(absl::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

bool IsDns1123Label(absl::string_view name) {
  return name.size() <= 63 && IsLabelText(name);  // DNS1123LabelMaxLength
}

bool IsDns1123Subdomain(absl::string_view name) {
  if (name.empty() || name.size() > 253) return false;  // DNS1123SubdomainMaxLength
  size_t start = 0;
  for (;;) {
    const size_t dot = name.find('.', start);
    if (!IsLabelText(name.substr(start, dot == absl::string_view::npos ? dot : dot - start))) {
      return false;
    }
    if (dot == absl::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace endpoint
