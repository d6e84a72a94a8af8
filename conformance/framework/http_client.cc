#include "conformance/framework/http_client.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "httplib.h"

namespace conformance {

std::string HttpResult::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

std::string Quote(const std::string& body) {
  std::string out = "\"";
  size_t n = std::min<size_t>(body.size(), 300);
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(body[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "\"";
  if (body.size() > n) out += "... (" + std::to_string(body.size()) + " bytes)";
  return out;
}

std::string HttpResult::Describe() const {
  if (!sent) return "no answer: " + error;
  return std::to_string(status) + " " + Quote(body);
}

HttpResult SendRequest(const EndpointTarget& target, const std::string& base_url,
                       const std::string& method, const std::string& path_and_query,
                       const Credentials& who, std::chrono::milliseconds timeout,
                       const HttpHeaders& extra) {
  HttpResult out;
  httplib::Client client(base_url, who.cert_file, who.key_file);
  if (!client.is_valid()) {
    out.error = "cannot make a client for " + base_url +
                " (bad URL, or unreadable client certificate " + who.cert_file + ")";
    return out;
  }
  if (!target.ca_file.empty()) client.set_ca_cert_path(target.ca_file);
  client.enable_server_certificate_verification(!target.insecure_skip_tls_verify);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  auto usecs = std::chrono::duration_cast<std::chrono::microseconds>(timeout - secs);
  client.set_connection_timeout(std::min<time_t>(secs.count(), 10), usecs.count());
  client.set_read_timeout(secs.count(), usecs.count());
  client.set_write_timeout(secs.count(), usecs.count());
  client.set_keep_alive(false);

  httplib::Request req;
  req.method = method;
  req.path = path_and_query;
  if (!who.token.empty()) req.headers.emplace("Authorization", "Bearer " + who.token);
  if (method == "POST") req.headers.emplace("Content-Length", "0");
  for (const auto& [name, value] : extra) req.headers.emplace(name, value);

  out.started = std::chrono::steady_clock::now();
  httplib::Result res = client.send(req);
  out.finished = std::chrono::steady_clock::now();
  if (!res) {
    out.error = httplib::to_string(res.error());
    if (res.error() == httplib::Error::SSLServerVerification) {
      out.error += " (pass --ca-file, or --insecure-skip-tls-verify)";
    }
    return out;
  }
  out.sent = true;
  out.status = res->status;
  out.body = res->body;
  for (const auto& [name, value] : res->headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    out.headers.emplace(lower, value);
  }
  return out;
}

}  // namespace conformance
