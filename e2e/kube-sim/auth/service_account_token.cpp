#include "auth/service_account_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

namespace kubesim::auth {
namespace json = boost::json;

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url(const std::string& in) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buf >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buf << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::string> unb64url(const std::string& in) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::char_traits<char>::find(kAlphabet, 64, c);
    if (!p) return std::nullopt;
    buf = (buf << 6) | static_cast<std::uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xff);
    }
  }
  return out;
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

const std::string& header() {
  static const std::string h = b64url(R"({"alg":"HS256","typ":"JWT"})");
  return h;
}
}  // namespace

std::string issue_token(const std::string& key, const TokenClaims& c) {
  json::array aud;
  for (const auto& a : c.audiences) aud.emplace_back(a);
  json::object claims{
      {"aud", std::move(aud)},
      {"exp", c.expires_at},
      {"iat", c.issued_at},
      {"nbf", c.issued_at},
      {"iss", kApiAudience},
      {"sub", "system:serviceaccount:" + c.ns + ":" + c.name},
      {"kubernetes.io", json::object{{"namespace", c.ns},
                                     {"serviceaccount", json::object{{"name", c.name}, {"uid", c.uid}}}}}};
  std::string signing_input = header() + "." + b64url(json::serialize(claims));
  return signing_input + "." + b64url(hmac_sha256(key, signing_input));
}

std::optional<TokenClaims> verify_token(const std::string& key, const std::string& token, std::int64_t now) {
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string::npos ? std::string::npos : token.find('.', dot1 + 1);
  if (dot2 == std::string::npos || token.substr(0, dot1) != header()) return std::nullopt;
  const std::string signing_input = token.substr(0, dot2);
  auto signature = unb64url(token.substr(dot2 + 1));
  const std::string expected = hmac_sha256(key, signing_input);
  if (!signature || signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
    return std::nullopt;
  auto payload = unb64url(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*payload, ec);
  if (ec || !v.is_object()) return std::nullopt;
  try {
    const auto& o = v.as_object();
    TokenClaims c;
    c.issued_at = o.at("iat").to_number<std::int64_t>();
    c.expires_at = o.at("exp").to_number<std::int64_t>();
    const auto& k8s = o.at("kubernetes.io").as_object();
    c.ns = k8s.at("namespace").as_string();
    c.name = k8s.at("serviceaccount").at("name").as_string();
    c.uid = k8s.at("serviceaccount").at("uid").as_string();
    for (const auto& a : o.at("aud").as_array()) c.audiences.emplace_back(a.as_string());
    if (now >= c.expires_at) return std::nullopt;
    return c;
  } catch (const std::exception&) {
    return std::nullopt;  // signed by us but not our shape: not a token of ours
  }
}

}  // namespace kubesim::auth
