#include "endpoint/auth/policy_file.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "endpoint/auth/read_file.h"

namespace endpoint {
namespace {

using nlohmann::json;

constexpr char kWildcard[] = "*";

bool ContainsOrWildcard(const std::vector<std::string>& list, const std::string& value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& item) { return item == value || item == kWildcard; });
}

// Parses one document into rules; errors are `<json path>: <problem>`, and the
// caller puts the file name in front.
class RulesParser {
 public:
  absl::StatusOr<std::vector<PolicyRule>> Parse(const json& document) {
    if (!document.is_object()) return Error("$", "expected an object");
    for (const auto& [key, value] : document.items()) {
      if (key != "rules") {
        return Error(absl::StrCat("$.", key), "unknown key (expected \"rules\")");
      }
    }
    auto rules = document.find("rules");
    if (rules == document.end()) return Error("$.rules", "required");
    if (!rules->is_array()) {
      return Error("$.rules", "expected an array of rules");
    }
    std::vector<PolicyRule> parsed;
    for (size_t i = 0; i < rules->size(); ++i) {
      absl::StatusOr<PolicyRule> rule = ParseRule((*rules)[i], absl::StrCat("$.rules[", i, "]"));
      if (!rule.ok()) return rule.status();
      parsed.push_back(*std::move(rule));
    }
    return parsed;
  }

 private:
  static absl::Status Error(const std::string& path, const std::string& problem) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
  }

  static absl::StatusOr<std::vector<std::string>> StringList(const json& value,
                                                             const std::string& path) {
    if (!value.is_array()) return Error(path, "expected an array of strings");
    if (value.empty()) return Error(path, "must not be empty");
    std::vector<std::string> list;
    for (size_t i = 0; i < value.size(); ++i) {
      if (!value[i].is_string()) {
        return Error(absl::StrCat(path, "[", i, "]"), "expected a string");
      }
      list.push_back(value[i].get<std::string>());
    }
    return list;
  }

  static absl::StatusOr<PolicyRule> ParseRule(const json& value, const std::string& path) {
    if (!value.is_object()) return Error(path, "expected an object");
    PolicyRule rule;
    bool has_subject = false, has_verbs = false, has_subresources = false;
    for (const auto& [key, field] : value.items()) {
      const std::string field_path = absl::StrCat(path, ".", key);
      std::vector<std::string>* target = nullptr;
      if (key == "users" || key == "groups") {
        target = key == "users" ? &rule.users : &rule.groups;
        has_subject = true;
      } else if (key == "verbs") {
        target = &rule.verbs;
        has_verbs = true;
      } else if (key == "subresources") {
        target = &rule.subresources;
        has_subresources = true;
      } else if (key == "nodes") {
        target = &rule.nodes.emplace();
      } else {
        return Error(field_path,
                     "unknown key (expected users, groups, verbs, "
                     "subresources or nodes)");
      }
      absl::StatusOr<std::vector<std::string>> list = StringList(field, field_path);
      if (!list.ok()) return list.status();
      *target = *std::move(list);
    }
    if (!has_subject) return Error(path, "needs \"users\" or \"groups\"");
    if (!has_verbs) return Error(absl::StrCat(path, ".verbs"), "required");
    if (!has_subresources) {
      return Error(absl::StrCat(path, ".subresources"), "required");
    }
    return rule;
  }
};

// nlohmann::json keeps the last of two equal keys without a word; this
// callback notes the first such key so that the file can be refused.
class DuplicateKeyFinder {
 public:
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        keys_.emplace_back();
        break;
      case json::parse_event_t::object_end:
        keys_.pop_back();
        break;
      case json::parse_event_t::key: {
        const std::string& key = parsed.get_ref<const std::string&>();
        if (!keys_.back().insert(key).second && !duplicate_.has_value()) {
          duplicate_ = key;
        }
        break;
      }
      default:
        break;
    }
    return true;
  }

  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  std::vector<std::set<std::string>> keys_;
  std::optional<std::string> duplicate_;
};

// "[json.exception.parse_error.101] parse error at ..." → "parse error at ...".
std::string WithoutExceptionId(const std::string& what) {
  if (absl::StartsWith(what, "[json.exception.")) {
    size_t end = what.find("] ");
    if (end != std::string::npos) return what.substr(end + 2);
  }
  return what;
}

}  // namespace

bool PolicyRule::Matches(const Attributes& attributes) const {
  const UserInfo& user = attributes.user;
  const bool subject_matches =
      ContainsOrWildcard(users, user.name) ||
      std::any_of(groups.begin(), groups.end(), [&](const std::string& group) {
        return group == kWildcard ||
               std::find(user.groups.begin(), user.groups.end(), group) != user.groups.end();
      });
  return subject_matches && ContainsOrWildcard(verbs, attributes.verb) &&
         ContainsOrWildcard(subresources, attributes.subresource) &&
         (!nodes.has_value() || ContainsOrWildcard(*nodes, attributes.name));
}

absl::StatusOr<std::unique_ptr<PolicyFileAuthorizer>> PolicyFileAuthorizer::Load(
    const std::string& path) {
  absl::StatusOr<std::string> contents = ReadConfigFile(path, "policy file");
  if (!contents.ok()) return contents.status();
  return Parse(*contents, path);
}

absl::StatusOr<std::unique_ptr<PolicyFileAuthorizer>> PolicyFileAuthorizer::Parse(
    const std::string& text, const std::string& source_name) {
  json document;
  DuplicateKeyFinder duplicates;
  try {
    document = json::parse(text, std::ref(duplicates));
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": invalid JSON: ", WithoutExceptionId(e.what())));
  }
  if (duplicates.duplicate().has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": duplicate key \"", *duplicates.duplicate(), "\""));
  }
  absl::StatusOr<std::vector<PolicyRule>> rules = RulesParser().Parse(document);
  if (!rules.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source_name, ": ", rules.status().message()));
  }
  return std::unique_ptr<PolicyFileAuthorizer>(new PolicyFileAuthorizer(*std::move(rules)));
}

PolicyFileAuthorizer::PolicyFileAuthorizer(std::vector<PolicyRule> rules)
    : rules_(std::move(rules)) {}

AuthzDecision PolicyFileAuthorizer::Authorize(const Attributes& attributes) {
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].Matches(attributes)) {
      return AuthzDecision{AuthzDecision::Kind::kAllow, absl::StrCat("allowed by policy rule ", i)};
    }
  }
  return AuthzDecision{AuthzDecision::Kind::kDeny, "no policy rule matches"};
}

}  // namespace endpoint
