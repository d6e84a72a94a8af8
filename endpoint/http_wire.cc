#include "endpoint/http_wire.h"

#include <ctime>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace endpoint {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool PercentDecode(const std::string& in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      *out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (in[i] == '+' && plus_is_space) {
      *out += ' ';
    } else {
      *out += in[i];
    }
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(const std::string& raw) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view part : absl::StrSplit(raw, absl::ByAnyChar("&"), absl::SkipEmpty())) {
    // Go 1.17+ (golang.org/issue/25192): ';' is no separator, and a pair
    // containing one is dropped with an error the kubelet ignores.
    if (part.find(';') != absl::string_view::npos) continue;
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    std::string k, v;
    // Go skips a pair it cannot decode (and reports an error the kubelet ignores).
    if (!PercentDecode(kv.first, true, &k) || !PercentDecode(kv.second, true, &v)) continue;
    out.emplace_back(std::move(k), std::move(v));
  }
  return out;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 505:
      return "HTTP Version Not Supported";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

std::string FormatResponse(const HttpAnswer& a, bool close, int64_t now, bool head) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  std::string out = absl::StrCat("HTTP/1.1 ", a.status, " ", ReasonPhrase(a.status), "\r\n");
  if (!a.content_type.empty()) absl::StrAppend(&out, "Content-Type: ", a.content_type, "\r\n");
  if (a.nosniff) absl::StrAppend(&out, "X-Content-Type-Options: nosniff\r\n");
  absl::StrAppend(&out, "Date: ", date, "\r\n");
  for (const auto& [k, v] : a.headers) absl::StrAppend(&out, k, ": ", v, "\r\n");
  // Go (chunkWriter.writeHeader): a HEAD answer gets a Content-Length only
  // when the handler wrote something.
  if (!head || !a.body.empty()) absl::StrAppend(&out, "Content-Length: ", a.body.size(), "\r\n");
  if (close) absl::StrAppend(&out, "Connection: close\r\n");
  absl::StrAppend(&out, "\r\n");
  if (!head) absl::StrAppend(&out, a.body);
  return out;
}

}  // namespace endpoint
