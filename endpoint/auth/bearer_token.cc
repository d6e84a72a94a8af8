#include "endpoint/auth/bearer_token.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace endpoint {

std::optional<std::string> BearerToken(const std::map<std::string, std::string>& headers) {
  auto it = headers.find("authorization");
  if (it == headers.end()) return std::nullopt;
  absl::string_view value = absl::StripAsciiWhitespace(it->second);
  if (value.empty()) return std::nullopt;
  std::vector<absl::string_view> parts = absl::StrSplit(value, ' ');
  if (parts.size() < 2 || absl::AsciiStrToLower(parts[0]) != "bearer") {
    return std::nullopt;
  }
  if (parts[1].empty()) return std::nullopt;
  return std::string(parts[1]);
}

}  // namespace endpoint
