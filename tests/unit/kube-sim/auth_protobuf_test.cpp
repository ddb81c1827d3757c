// The protobuf bodies kubectl sends for TokenRequest and the self-reviews, built here field by
// field as the Go protobuf encoder lays them out; malformed or other kinds are refused.
#include "auth/auth_protobuf.hpp"

#include <gtest/gtest.h>

namespace kubesim::auth {
namespace {
namespace json = boost::json;

std::string varint(std::uint64_t v) {
  std::string out;
  do {
    unsigned char b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out += static_cast<char>(b);
  } while (v);
  return out;
}
std::string bytes_field(std::uint32_t n, const std::string& value) {
  return varint((n << 3) | 2) + varint(value.size()) + value;
}
std::string varint_field(std::uint32_t n, std::uint64_t value) { return varint(n << 3) + varint(value); }
std::string envelope(const std::string& api_version, const std::string& kind, const std::string& raw) {
  return std::string("k8s\0", 4) + bytes_field(1, bytes_field(1, api_version) + bytes_field(2, kind)) +
         bytes_field(2, raw) + bytes_field(4, "application/vnd.kubernetes.protobuf");
}

TEST(AuthProtobuf, TokenRequestAudiencesAndExpiration) {
  const auto spec = bytes_field(1, "https://kubernetes.default.svc.cluster.local") + bytes_field(1, "vault") +
                    varint_field(4, 7200);
  auto o = decode_auth_protobuf(envelope("authentication.k8s.io/v1", "TokenRequest",
                                         bytes_field(1, bytes_field(1, "ctl")) + bytes_field(2, spec)));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->at("spec").at("audiences").as_array().size(), 2u);
  EXPECT_EQ(o->at("spec").at("audiences").as_array()[1], "vault");
  EXPECT_EQ(o->at("spec").at("expirationSeconds"), 7200);
  auto bare = decode_auth_protobuf(envelope("authentication.k8s.io/v1", "TokenRequest", bytes_field(2, "")));
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->at("spec").as_object().contains("expirationSeconds"));
}

TEST(AuthProtobuf, SelfSubjectAccessReviewAttributes) {
  const auto ra = bytes_field(1, "demo") + bytes_field(2, "patch") + bytes_field(3, "apps") +
                  bytes_field(5, "deployments") + bytes_field(6, "scale") + bytes_field(7, "web");
  auto o = decode_auth_protobuf(
      envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", bytes_field(2, bytes_field(1, ra))));
  ASSERT_TRUE(o);
  const auto& attrs = o->at("spec").at("resourceAttributes");
  EXPECT_EQ(attrs.at("namespace"), "demo");
  EXPECT_EQ(attrs.at("verb"), "patch");
  EXPECT_EQ(attrs.at("group"), "apps");
  EXPECT_EQ(attrs.at("resource"), "deployments");
  EXPECT_EQ(attrs.at("subresource"), "scale");
  EXPECT_EQ(attrs.at("name"), "web");

  auto path = decode_auth_protobuf(
      envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview",
               bytes_field(2, bytes_field(2, bytes_field(1, "/logs") + bytes_field(2, "get")))));
  ASSERT_TRUE(path);
  EXPECT_EQ(path->at("spec").at("nonResourceAttributes").at("path"), "/logs");
}

TEST(AuthProtobuf, RulesReviewAndWhoami) {
  auto rules = decode_auth_protobuf(
      envelope("authorization.k8s.io/v1", "SelfSubjectRulesReview", bytes_field(2, bytes_field(1, "demo"))));
  ASSERT_TRUE(rules);
  EXPECT_EQ(rules->at("spec").at("namespace"), "demo");
  auto whoami = decode_auth_protobuf(envelope("authentication.k8s.io/v1", "SelfSubjectReview", ""));
  ASSERT_TRUE(whoami);
  EXPECT_EQ(whoami->at("kind"), "SelfSubjectReview");
}

TEST(AuthProtobuf, RefusesOtherKindsAndMalformedBodies) {
  EXPECT_FALSE(decode_auth_protobuf(envelope("v1", "ConfigMap", "")));
  EXPECT_FALSE(decode_auth_protobuf("{\"kind\":\"TokenRequest\"}"));
  EXPECT_FALSE(decode_auth_protobuf(""));
  // Cut anywhere inside the raw object: a length runs past the end, never a crash or a half object.
  const std::string head =
      std::string("k8s\0", 4) +
      bytes_field(1, bytes_field(1, "authentication.k8s.io/v1") + bytes_field(2, "TokenRequest"));
  const std::string whole = head + bytes_field(2, bytes_field(2, bytes_field(1, "aud")));
  ASSERT_TRUE(decode_auth_protobuf(whole));
  for (std::size_t cut = head.size() + 1; cut < whole.size(); ++cut)
    EXPECT_FALSE(decode_auth_protobuf(whole.substr(0, cut))) << "cut at " << cut;
  std::string huge_length = std::string("k8s\0", 4) + varint((2 << 3) | 2) + varint(1ull << 40);
  EXPECT_FALSE(decode_auth_protobuf(huge_length));
}

}  // namespace
}  // namespace kubesim::auth
