#include "endpoint/auth/token_file.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "endpoint/auth/bearer_token.h"
#include "endpoint/auth/go_csv.h"
#include "endpoint/auth/read_file.h"

namespace endpoint {
namespace {

std::array<unsigned char, 32> Sha256(const std::string& text) {
  std::array<unsigned char, 32> digest;
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TokenFileAuthenticator>> TokenFileAuthenticator::Load(
    const std::string& path) {
  absl::StatusOr<std::string> contents = ReadConfigFile(path, "token file");
  if (!contents.ok()) return contents.status();
  return Parse(*contents, path);
}

absl::StatusOr<std::unique_ptr<TokenFileAuthenticator>> TokenFileAuthenticator::Parse(
    const std::string& contents, const std::string& source_name) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(contents, source_name);
  if (!records.ok()) return records.status();
  std::vector<Entry> entries;
  for (CsvRecord& record : *records) {
    std::vector<std::string>& fields = record.fields;
    if (fields.size() < 3) {
      return absl::InvalidArgumentError(absl::StrCat(
          source_name, ":", record.line,
          ": must have at least 3 columns (token, user name, user uid), found ", fields.size()));
    }
    if (fields[0].empty()) {
      kit::LogLine(kit::LogLevel::kWarn,
                   absl::StrCat(source_name, ":", record.line, ": empty token, record skipped"));
      continue;
    }
    Entry entry;
    entry.digest = Sha256(fields[0]);
    entry.user.name = std::move(fields[1]);
    entry.user.uid = std::move(fields[2]);
    if (fields.size() >= 4) {
      entry.user.groups = absl::StrSplit(fields[3], ',');
    }
    bool replaced = false;
    for (Entry& existing : entries) {
      if (existing.digest == entry.digest) {
        existing = entry;
        replaced = true;
      }
    }
    if (replaced) {
      kit::LogLine(kit::LogLevel::kWarn, absl::StrCat(source_name, ":", record.line,
                                                      ": duplicate token, this record wins"));
    } else {
      entries.push_back(std::move(entry));
    }
  }
  return std::unique_ptr<TokenFileAuthenticator>(new TokenFileAuthenticator(std::move(entries)));
}

TokenFileAuthenticator::TokenFileAuthenticator(std::vector<Entry> entries)
    : entries_(std::move(entries)) {}

AuthnResult TokenFileAuthenticator::Authenticate(const AuthRequest& request) {
  AuthnResult result;
  std::optional<std::string> token = BearerToken(request.headers);
  if (!token.has_value()) {
    result.kind = AuthnResult::Kind::kNoOpinion;
    return result;
  }
  // Every entry is compared, so the time taken says nothing about which one
  // (or whether one) matched; digests make every comparison the same length.
  const Digest digest = Sha256(*token);
  const Entry* match = nullptr;
  for (const Entry& entry : entries_) {
    if (CRYPTO_memcmp(entry.digest.data(), digest.data(), digest.size()) == 0) {
      match = &entry;
    }
  }
  if (match == nullptr) {
    result.kind = AuthnResult::Kind::kRejected;
    result.reason = "invalid bearer token";
    return result;
  }
  result.kind = AuthnResult::Kind::kAuthenticated;
  result.user = match->user;
  return result;
}

}  // namespace endpoint
