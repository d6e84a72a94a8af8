#include "endpoint/http_wire.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
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

bool IsTokenChar(unsigned char c) {
  return std::isalnum(c) || std::string("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string::npos;
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

absl::StatusOr<RequestHead> ParseRequestHead(const std::string& head) {
  std::vector<std::string> lines = absl::StrSplit(head, "\r\n");
  if (lines.empty() || lines[0].empty()) return absl::InvalidArgumentError("empty request line");
  std::vector<std::string> parts = absl::StrSplit(lines[0], ' ');
  if (parts.size() != 3) return absl::InvalidArgumentError("malformed request line");
  RequestHead h;
  h.method = parts[0];
  h.target = parts[1];
  for (unsigned char c : h.method) {
    if (!IsTokenChar(c)) return absl::InvalidArgumentError("malformed method");
  }
  if (parts[2] == "HTTP/1.1") {
    h.minor_version = 1;
  } else if (parts[2] == "HTTP/1.0") {
    h.minor_version = 0;
  } else {
    return absl::InvalidArgumentError("unsupported protocol " + parts[2]);
  }
  if (h.target.empty() || h.target[0] != '/') {
    return absl::InvalidArgumentError("request target must be an absolute path");
  }
  auto q = h.target.find('?');
  std::string raw_path = h.target.substr(0, q);
  if (!PercentDecode(raw_path, false, &h.path)) return absl::InvalidArgumentError("malformed path");
  if (q != std::string::npos) h.query = ParseQuery(h.target.substr(q + 1));

  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty()) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return absl::InvalidArgumentError("malformed header");
    std::string name = absl::AsciiStrToLower(line.substr(0, colon));
    for (unsigned char c : name) {
      if (!IsTokenChar(c)) return absl::InvalidArgumentError("malformed header name");
    }
    std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    auto it = h.headers.find(name);
    if (it == h.headers.end()) {
      h.headers[name] = value;
    } else {
      if (name == "content-length" && it->second != value) {
        return absl::InvalidArgumentError("conflicting Content-Length");
      }
      if (name != "content-length") it->second += ", " + value;
    }
  }
  if (auto te = h.headers.find("transfer-encoding"); te != h.headers.end()) {
    if (absl::AsciiStrToLower(te->second) != "chunked") {
      return absl::UnimplementedError("unsupported transfer encoding " + te->second);
    }
    h.chunked = true;
  } else if (auto cl = h.headers.find("content-length"); cl != h.headers.end()) {
    if (!absl::SimpleAtoi(cl->second, &h.content_length) || h.content_length < 0) {
      return absl::InvalidArgumentError("bad Content-Length");
    }
  }
  std::string connection;
  if (auto c = h.headers.find("connection"); c != h.headers.end()) {
    connection = absl::AsciiStrToLower(c->second);
  }
  h.keep_alive = h.minor_version == 1 ? connection.find("close") == std::string::npos
                                      : connection.find("keep-alive") != std::string::npos;
  return h;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string FormatResponse(const HttpAnswer& a, bool close, int64_t now) {
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
  absl::StrAppend(&out, "Content-Length: ", a.body.size(), "\r\n");
  if (close) absl::StrAppend(&out, "Connection: close\r\n");
  absl::StrAppend(&out, "\r\n", a.body);
  return out;
}

}  // namespace endpoint
