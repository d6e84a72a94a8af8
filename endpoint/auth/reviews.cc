#include "endpoint/auth/reviews.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace endpoint {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr size_t kBodyExcerpt = 200;

// Go's encoding/json replaces invalid UTF-8 with U+FFFD rather than failing.
std::string Dump(const ordered_json& value) {
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

ordered_json ObjectHeader(const char* kind, const char* api_version) {
  ordered_json object = ordered_json::object();
  object["kind"] = kind;
  object["apiVersion"] = api_version;
  object["metadata"] = ordered_json::object();
  return object;
}

void SetIfNotEmpty(ordered_json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

ordered_json SpecOf(const Attributes& attributes) {
  ordered_json spec = ordered_json::object();
  ordered_json attrs = ordered_json::object();
  if (attributes.resource_request) {
    SetIfNotEmpty(attrs, "namespace", attributes.namespace_);
    SetIfNotEmpty(attrs, "verb", attributes.verb);
    SetIfNotEmpty(attrs, "group", attributes.api_group);
    SetIfNotEmpty(attrs, "version", attributes.api_version);
    SetIfNotEmpty(attrs, "resource", attributes.resource);
    SetIfNotEmpty(attrs, "subresource", attributes.subresource);
    SetIfNotEmpty(attrs, "name", attributes.name);
    spec["resourceAttributes"] = std::move(attrs);
  } else {
    SetIfNotEmpty(attrs, "path", attributes.path);
    SetIfNotEmpty(attrs, "verb", attributes.verb);
    spec["nonResourceAttributes"] = std::move(attrs);
  }
  SetIfNotEmpty(spec, "user", attributes.user.name);
  if (!attributes.user.groups.empty()) spec["groups"] = attributes.user.groups;
  SetIfNotEmpty(spec, "uid", attributes.user.uid);
  return spec;
}

// Reads typed fields of a decoded object; the first problem wins.
class Decoder {
 public:
  explicit Decoder(std::string what) : what_(std::move(what)) {}

  // The object at `key` of `parent` (null or absent: an empty object).
  const json& Object(const json& parent, const char* key, const std::string& path) {
    static const json kEmpty = json::object();
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return kEmpty;
    if (!it->is_object()) Fail(path, "expected an object");
    return it->is_object() ? *it : kEmpty;
  }
  void Bool(const json& parent, const char* key, const std::string& path, bool& out) {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return;
    if (!it->is_boolean()) return Fail(path, "expected a boolean");
    out = it->get<bool>();
  }
  void String(const json& parent, const char* key, const std::string& path, std::string& out) {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return;
    if (!it->is_string()) return Fail(path, "expected a string");
    out = it->get<std::string>();
  }
  void Strings(const json& parent, const char* key, const std::string& path,
               std::vector<std::string>& out) {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return;
    if (!it->is_array()) return Fail(path, "expected an array of strings");
    for (const json& item : *it) {
      if (!item.is_string()) return Fail(path, "expected an array of strings");
      out.push_back(item.get<std::string>());
    }
  }
  absl::StatusOr<json> Document(const std::string& body, const char* kind) {
    json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return Error("invalid JSON");
    if (!document.is_object()) return Error("expected an object");
    std::string found_kind;
    String(document, "kind", "kind", found_kind);
    if (!found_kind.empty() && found_kind != kind) {
      Fail("kind", absl::StrCat("got \"", found_kind, "\""));
    }
    if (!problem_.empty()) return Error(problem_);
    return document;
  }
  absl::Status status() const { return problem_.empty() ? absl::OkStatus() : Error(problem_); }

 private:
  void Fail(const std::string& path, const std::string& problem) {
    if (problem_.empty()) problem_ = absl::StrCat(path, ": ", problem);
  }
  absl::Status Error(const std::string& problem) const {
    return absl::InvalidArgumentError(absl::StrCat("decoding ", what_, ": ", problem));
  }

  const std::string what_;
  std::string problem_;
};

}  // namespace

std::string TokenReviewRequestJson(const std::string& token) {
  ordered_json review = ObjectHeader("TokenReview", "authentication.k8s.io/v1");
  review["spec"] = ordered_json::object();
  if (!token.empty()) review["spec"]["token"] = token;
  review["status"] = {{"user", ordered_json::object()}};
  return Dump(review);
}

absl::StatusOr<TokenReviewStatus> ParseTokenReviewResponse(const std::string& body) {
  Decoder decoder("TokenReview");
  absl::StatusOr<json> document = decoder.Document(body, "TokenReview");
  if (!document.ok()) return document.status();
  TokenReviewStatus result;
  const json& status = decoder.Object(*document, "status", "status");
  decoder.Bool(status, "authenticated", "status.authenticated", result.authenticated);
  decoder.String(status, "error", "status.error", result.error);
  const json& user = decoder.Object(status, "user", "status.user");
  decoder.String(user, "username", "status.user.username", result.user.name);
  decoder.String(user, "uid", "status.user.uid", result.user.uid);
  decoder.Strings(user, "groups", "status.user.groups", result.user.groups);
  if (absl::Status s = decoder.status(); !s.ok()) return s;
  return result;
}

std::string SubjectAccessReviewSpecJson(const Attributes& attributes) {
  return Dump(SpecOf(attributes));
}

std::string SubjectAccessReviewRequestJson(const Attributes& attributes) {
  ordered_json review = ObjectHeader("SubjectAccessReview", "authorization.k8s.io/v1");
  review["spec"] = SpecOf(attributes);
  review["status"] = {{"allowed", false}};
  return Dump(review);
}

absl::StatusOr<SubjectAccessReviewStatus> ParseSubjectAccessReviewResponse(
    const std::string& body) {
  Decoder decoder("SubjectAccessReview");
  absl::StatusOr<json> document = decoder.Document(body, "SubjectAccessReview");
  if (!document.ok()) return document.status();
  SubjectAccessReviewStatus result;
  const json& status = decoder.Object(*document, "status", "status");
  decoder.Bool(status, "allowed", "status.allowed", result.allowed);
  decoder.Bool(status, "denied", "status.denied", result.denied);
  decoder.String(status, "reason", "status.reason", result.reason);
  decoder.String(status, "evaluationError", "status.evaluationError", result.evaluation_error);
  if (absl::Status s = decoder.status(); !s.ok()) return s;
  return result;
}

std::string DescribeErrorResponse(const ApiResponse& response) {
  json document = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (document.is_object()) {
    auto kind = document.find("kind");
    auto message = document.find("message");
    if (kind != document.end() && *kind == "Status" && message != document.end() &&
        message->is_string() && !message->get<std::string>().empty()) {
      return absl::StrCat(message->get<std::string>(), " (HTTP ", response.status, ")");
    }
  }
  std::string excerpt = response.body.substr(0, kBodyExcerpt);
  if (response.body.size() > kBodyExcerpt) excerpt += "...";
  if (excerpt.empty()) return absl::StrCat("the server responded with HTTP ", response.status);
  return absl::StrCat("the server responded with HTTP ", response.status, ": ", excerpt);
}

}  // namespace endpoint
