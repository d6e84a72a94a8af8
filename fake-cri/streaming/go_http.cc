#include "fake-cri/streaming/go_http.h"

#include <ctime>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace fakecri {

std::string HttpDate() {
  const time_t now = ::time(nullptr);
  struct tm tm;
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string GoHttpError(int code, const char* status, const std::string& body,
                        const std::vector<std::string>& extra_headers) {
  std::string out = absl::StrCat("HTTP/1.1 ", code, " ", status,
                                 "\r\nContent-Type: text/plain; charset=utf-8\r\n");
  for (const std::string& h : extra_headers) absl::StrAppend(&out, h, "\r\n");
  absl::StrAppend(&out, "X-Content-Type-Options: nosniff\r\nDate: ", HttpDate(),
                  "\r\nContent-Length: ", body.size(), "\r\n\r\n", body);
  return out;
}

std::string RestfulNotFound() {
  const std::string body = "404: Page Not Found";
  return absl::StrCat("HTTP/1.1 404 Not Found\r\nDate: ", HttpDate(),
                      "\r\nContent-Length: ", body.size(),
                      "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", body);
}

std::string UrlDecode(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    int hex = 0;
    if (s[i] == '%' && i + 2 < s.size() && absl::SimpleHexAtoi(s.substr(i + 1, 2), &hex)) {
      out += static_cast<char>(hex);
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::vector<std::string> QueryValues(absl::string_view query, absl::string_view key) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (UrlDecode(kv.first) == key) out.push_back(UrlDecode(kv.second));
  }
  return out;
}

std::string CanonicalHeader(absl::string_view name) {
  std::string out(name);
  bool upper = true;
  for (char& c : out) {
    c = upper ? absl::ascii_toupper(c) : absl::ascii_tolower(c);
    upper = c == '-';
  }
  return out;
}

std::vector<std::string> HeaderValues(const HttpHeaders& headers, absl::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, value] : headers) {
    if (!absl::EqualsIgnoreCase(k, name)) continue;
    for (absl::string_view v : absl::StrSplit(value, ',')) {
      std::string t(absl::StripAsciiWhitespace(v));
      if (!t.empty()) out.push_back(t);
    }
  }
  return out;
}

std::string GoHeaderDump(const HttpHeaders& headers) {
  std::map<std::string, std::vector<std::string>> h;
  for (const auto& [name, value] : headers) {
    std::string k = CanonicalHeader(name);
    if (k == "Host") continue;  // Go keeps it in Request.Host
    h[k].push_back(value);
  }
  std::vector<std::string> parts;
  for (const auto& [k, vs] : h) {
    std::vector<std::string> quoted;
    for (const auto& v : vs) quoted.push_back(absl::StrCat("\"", v, "\""));
    parts.push_back(absl::StrCat("\"", k, "\":[]string{", absl::StrJoin(quoted, ", "), "}"));
  }
  return absl::StrCat("http.Header{", absl::StrJoin(parts, ", "), "}");
}

}  // namespace fakecri
