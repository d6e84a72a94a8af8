#include "common/units.h"

#include <cctype>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"

namespace kit {

absl::StatusOr<uint64_t> ParseByteQuantity(const std::string& text) {
  size_t i = 0;
  uint64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return absl::InvalidArgumentError(absl::StrCat("quantity \"", text, "\" is too large"));
    }
    value = value * 10 + digit;
    ++i;
  }
  if (i == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a byte quantity (examples: 1048576, 256Mi, 2Gi)"));
  }
  std::string suffix = text.substr(i);
  uint64_t mult = 1;
  if (suffix.empty()) {
    mult = 1;
  } else if (suffix == "Ki") {
    mult = 1ULL << 10;
  } else if (suffix == "Mi") {
    mult = 1ULL << 20;
  } else if (suffix == "Gi") {
    mult = 1ULL << 30;
  } else if (suffix == "Ti") {
    mult = 1ULL << 40;
  } else if (suffix == "k") {
    mult = 1000ULL;
  } else if (suffix == "M") {
    mult = 1000ULL * 1000;
  } else if (suffix == "G") {
    mult = 1000ULL * 1000 * 1000;
  } else if (suffix == "T") {
    mult = 1000ULL * 1000 * 1000 * 1000;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("quantity \"", text, "\" has unknown suffix \"",
                                                   suffix, "\" (use Ki, Mi, Gi, Ti, k, M, G, T)"));
  }
  if (value != 0 && mult > UINT64_MAX / value) {
    return absl::InvalidArgumentError(absl::StrCat("quantity \"", text, "\" is too large"));
  }
  return value * mult;
}

absl::StatusOr<int64_t> ParseDurationNanos(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a duration (", why, "; examples: 300ms, 2s, 1m30s)"));
  };
  if (text == "0") return 0;
  if (text.empty()) return bad("empty");
  if (text[0] == '-') return bad("negative");
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
      ++i;
    }
    if (start == i) return bad("expected a number");
    double number = 0;
    std::string digits = text.substr(start, i - start);
    size_t used = 0;
    try {
      number = std::stod(digits, &used);
    } catch (...) {
      return bad("bad number");
    }
    if (used != digits.size()) return bad("bad number \"" + digits + "\"");
    size_t unit_start = i;
    // Letters, and the bytes of the UTF-8 micro sign that Go also accepts.
    while (i < text.size() && (std::isalpha(static_cast<unsigned char>(text[i])) ||
                               static_cast<unsigned char>(text[i]) >= 0x80)) {
      ++i;
    }
    std::string unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ns") {
      scale = 1;
    } else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") {
      scale = 1e3;
    } else if (unit == "ms") {
      scale = 1e6;
    } else if (unit == "s") {
      scale = 1e9;
    } else if (unit == "m") {
      scale = 60e9;
    } else if (unit == "h") {
      scale = 3600e9;
    } else {
      return bad(unit.empty() ? "missing unit" : "unknown unit \"" + unit + "\"");
    }
    total += number * scale;
  }
  if (total > 9.2e18) return bad("too large");
  return static_cast<int64_t>(std::llround(total));
}

std::string NewId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kHex[] = "0123456789abcdef";
  std::string id(64, '0');
  for (size_t i = 0; i < id.size(); i += 16) {
    uint64_t bits = rng();
    for (size_t j = 0; j < 16; ++j) {
      id[i + j] = kHex[bits & 0xf];
      bits >>= 4;
    }
  }
  return id;
}

}  // namespace kit
