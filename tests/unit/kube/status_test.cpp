#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "kube/error.hpp"
#include "kube/result.hpp"

namespace rollguard::kube {
namespace {

Error api_error(std::string_view body, int code) {
  return Error::from_status(Status::from_json(boost::json::parse(body), code));
}

TEST(StatusDecoding, NotFound) {
  auto error = api_error(R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"deployments.apps \"api\" not found","reason":"NotFound",
    "details":{"name":"api","group":"apps","kind":"deployments"},"code":404})",
                         404);
  EXPECT_EQ(error.kind(), ErrorKind::Api);
  EXPECT_TRUE(error.is_not_found());
  EXPECT_FALSE(error.is_conflict());
  EXPECT_EQ(error.status().details_name, "api");
  EXPECT_EQ(error.status().details_kind, "deployments");
  EXPECT_EQ(error.describe(), "NotFound (404): deployments.apps \"api\" not found");
  EXPECT_FALSE(error.is_transient());
}

TEST(StatusDecoding, InvalidWithCauses) {
  auto error = api_error(R"({"kind":"Status","status":"Failure","reason":"Invalid","code":422,
    "message":"RollbackPolicy.rollguard.io \"x\" is invalid",
    "details":{"causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.targetRef"},
                         "junk", {"reason":"FieldValueInvalid"}]}})",
                         422);
  EXPECT_TRUE(error.is_invalid());
  ASSERT_EQ(error.status().causes.size(), 2u);
  EXPECT_EQ(error.status().causes[0].field, "spec.targetRef");
  EXPECT_EQ(error.status().causes[0].type, "FieldValueRequired");
  EXPECT_EQ(error.status().causes[1].type, "FieldValueInvalid");
}

TEST(StatusDecoding, ConflictAndAlreadyExists) {
  EXPECT_TRUE(api_error(R"({"kind":"Status","reason":"Conflict","code":409})", 409).is_conflict());
  auto exists = api_error(R"({"kind":"Status","reason":"AlreadyExists","code":409})", 409);
  EXPECT_TRUE(exists.is_already_exists());
  EXPECT_FALSE(exists.is_conflict());
}

TEST(StatusDecoding, GoneAndExpired) {
  EXPECT_TRUE(api_error(R"({"kind":"Status","reason":"Expired","code":410})", 410).is_gone());
  EXPECT_TRUE(api_error(R"({"kind":"Status","reason":"Gone","code":410})", 410).is_gone());
  // A 410 without a reason is still "gone" (watch ERROR events sometimes carry only the code).
  EXPECT_TRUE(api_error(R"({"kind":"Status","code":410})", 410).is_gone());
}

TEST(StatusDecoding, TooManyRequestsRetryAfterFromDetails) {
  auto error = api_error(R"({"kind":"Status","reason":"TooManyRequests","code":429,
    "details":{"retryAfterSeconds":3}})",
                         429);
  EXPECT_TRUE(error.is_too_many_requests());
  ASSERT_TRUE(error.retry_after().has_value());
  EXPECT_EQ(*error.retry_after(), std::chrono::seconds(3));
  EXPECT_TRUE(error.is_transient());
}

TEST(StatusDecoding, AuthErrors) {
  EXPECT_TRUE(api_error(R"({"kind":"Status","reason":"Unauthorized","code":401})", 401).is_unauthorized());
  EXPECT_TRUE(api_error(R"({"kind":"Status","reason":"Forbidden","code":403})", 403).is_forbidden());
}

TEST(StatusDecoding, ServerTimeoutAndInternalAreTransient) {
  auto timeout = api_error(R"({"kind":"Status","reason":"Timeout","code":504})", 504);
  EXPECT_TRUE(timeout.is_server_timeout());
  EXPECT_TRUE(timeout.is_transient());
  auto internal = api_error(R"({"kind":"Status","reason":"InternalError","code":500})", 500);
  EXPECT_TRUE(internal.is_internal());
  EXPECT_TRUE(internal.is_transient());
}

TEST(StatusDecoding, BodyThatIsNotAStatusUsesTheHttpCode) {
  auto error = Error::from_status(Status::from_json(boost::json::parse(R"({"hello":"world"})"), 404));
  EXPECT_TRUE(error.is_not_found());
  EXPECT_EQ(error.reason(), "NotFound");
  auto null_body = Error::from_status(Status::from_json(boost::json::value(), 503));
  EXPECT_EQ(null_body.code(), 503);
  EXPECT_TRUE(null_body.is_transient());
}

TEST(StatusDecoding, WrongTypesAreIgnoredNotFatal) {
  auto error = api_error(R"({"kind":"Status","reason":7,"code":"x","message":["m"],"details":"d"})", 409);
  EXPECT_EQ(error.code(), 409);
  EXPECT_EQ(error.reason(), "Conflict");
}

TEST(StatusEncoding, RoundTrip) {
  Status status;
  status.code = 422;
  status.reason = "Invalid";
  status.message = "bad";
  status.causes.push_back({"FieldValueRequired", "Required value", "spec.x"});
  status.retry_after = std::chrono::seconds(2);
  auto decoded = Status::from_json(status.to_json(), 0);
  EXPECT_EQ(decoded.code, 422);
  EXPECT_EQ(decoded.reason, "Invalid");
  EXPECT_EQ(decoded.message, "bad");
  ASSERT_EQ(decoded.causes.size(), 1u);
  EXPECT_EQ(decoded.causes[0].field, "spec.x");
  EXPECT_EQ(decoded.retry_after, std::chrono::seconds(2));
}

TEST(NonApiErrors, KindsAndTransience) {
  EXPECT_TRUE(Error(ErrorKind::Network, "refused").is_transient());
  EXPECT_TRUE(Error(ErrorKind::Timeout, "slow").is_transient());
  EXPECT_FALSE(Error(ErrorKind::Tls, "bad cert").is_transient());
  EXPECT_FALSE(Error(ErrorKind::Network, "x").is_not_found());
  EXPECT_EQ(Error(ErrorKind::Tls, "bad cert").describe(), "Tls: bad cert");
}

TEST(ResultType, ValueOnErrorIsAProgrammerError) {
  Result<int> result = Error(ErrorKind::Network, "down");
  EXPECT_FALSE(result.has_value());
  EXPECT_THROW((void)result.value(), std::logic_error);
}

}  // namespace
}  // namespace rollguard::kube
