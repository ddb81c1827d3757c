// ServiceAccount tokens as TokenRequest issues them: a JWT (HS256 here, RS256 upstream, which no
// client checks) whose claims name the namespace, ServiceAccount, its uid, the audiences and the
// expiry. The signing key is the server's (kept in --pki-dir), so tokens outlive a restart and
// die with their expiry or their ServiceAccount (the uid must still match).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kubesim::auth {

inline constexpr const char* kApiAudience = "https://kubernetes.default.svc.cluster.local";

struct TokenClaims {
  std::string ns;
  std::string name;
  std::string uid;
  std::vector<std::string> audiences;
  std::int64_t issued_at = 0;  // unix seconds
  std::int64_t expires_at = 0;
};

std::string issue_token(const std::string& key, const TokenClaims& claims);
// The claims of a token this key signed that has not expired at `now`; nullopt otherwise (a bad
// signature, a malformed token, an expired one). The caller checks the audience and the uid.
std::optional<TokenClaims> verify_token(const std::string& key, const std::string& token, std::int64_t now);

}  // namespace kubesim::auth
