#include "endpoint/go_routing.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "endpoint/http_wire.h"
#include "endpoint/kubelet_profile.h"

namespace endpoint {
namespace {

// Go's path.Clean for a rooted path.
std::string GoPathCleanRooted(const std::string& p) {
  std::vector<absl::string_view> out;
  for (absl::string_view seg : absl::StrSplit(p, '/')) {
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();  // ".." at the root stays at the root
      continue;
    }
    out.push_back(seg);
  }
  return "/" + absl::StrJoin(out, "/");
}

bool EndsWithSlash(const std::string& s) { return !s.empty() && s.back() == '/'; }

// Go's html.EscapeString as net/http's htmlEscape does it.
std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string WithQuery(const std::string& escaped_path, const std::string& raw_query) {
  return raw_query.empty() ? escaped_path : absl::StrCat(escaped_path, "?", raw_query);
}

}  // namespace

std::string GoCleanPath(const std::string& path) {
  if (path.empty()) return "/";
  std::string p = path[0] == '/' ? path : "/" + path;
  std::string np = GoPathCleanRooted(p);
  if (EndsWithSlash(p) && np != "/") np += "/";
  return np;
}

std::string GoEscapePath(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    const bool keep =
        std::isalnum(c) != 0 ||
        absl::string_view("-_.~$&+,/:;=@").find(static_cast<char>(c)) != absl::string_view::npos;
    if (keep && c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

MuxDecision MatchServeMux(const std::vector<std::string>& patterns, const std::string& path,
                          const std::string& raw_query) {
  auto registered = [&](const std::string& p) {
    for (const std::string& q : patterns) {
      if (q == p) return true;
    }
    return false;
  };
  MuxDecision d;
  const std::string cleaned = GoCleanPath(path);
  // 1. "/tree" -> "/tree/" when only the subtree is registered.
  if (!registered(cleaned) && !EndsWithSlash(cleaned) && registered(cleaned + "/")) {
    d.kind = MuxDecision::Kind::kRedirect;
    d.location = WithQuery(GoEscapePath(cleaned + "/"), raw_query);
    return d;
  }
  // 2. An unclean path -> its cleaned form.
  if (cleaned != path) {
    d.kind = MuxDecision::Kind::kRedirect;
    d.location = WithQuery(GoEscapePath(cleaned), raw_query);
    return d;
  }
  // 3. Exact patterns match their path; subtree patterns their prefix; the
  // longest wins.
  for (const std::string& q : patterns) {
    const bool match = EndsWithSlash(q) ? path.compare(0, q.size(), q) == 0 : path == q;
    if (match && q.size() > d.pattern.size()) {
      d.kind = MuxDecision::Kind::kHandler;
      d.pattern = q;
    }
  }
  return d;
}

HttpAnswer GoNotFound() {
  HttpAnswer a;
  a.status = 404;
  a.body = std::string(kGoNotFoundBody);
  a.content_type = "text/plain; charset=utf-8";
  a.nosniff = true;
  return a;
}

HttpAnswer GoRedirect(const std::string& method, const std::string& location) {
  HttpAnswer a;
  a.status = kServeMuxRedirectStatus;
  a.headers.push_back({"Location", location});
  a.content_type.clear();
  if (method == "GET" || method == "HEAD") a.content_type = "text/html; charset=utf-8";
  if (method == "GET") {
    // fmt.Fprintln(w, "<a href=\"" + htmlEscape(url) + "\">" + StatusText(code) + "</a>.\n")
    a.body = absl::StrCat("<a href=\"", HtmlEscape(location), "\">", ReasonPhrase(a.status),
                          "</a>.\n\n");
  }
  return a;
}

bool RestfulAcceptsJson(const std::string& accept) {
  if (accept.empty()) return true;  // detectRoute: no Accept means "*/*"
  for (absl::string_view entry : absl::StrSplit(accept, ',')) {
    entry = entry.substr(0, entry.find(';'));
    // strings.TrimFunc(mimeType, stringTrimSpaceCutset): spaces only.
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry == "*/*" || entry == "application/json") return true;
  }
  return false;
}

}  // namespace endpoint
