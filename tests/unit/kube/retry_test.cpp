// The transport's 401/429 decisions and error decoding, without a socket.
#include "kube/retry.hpp"

#include <gtest/gtest.h>

namespace rollguard::kube::detail {
namespace {
using std::chrono::seconds;

TEST(RetryAfter, DeltaSecondsOnly) {
  EXPECT_EQ(parse_retry_after("3"), seconds(3));
  EXPECT_EQ(parse_retry_after("0"), seconds(0));
  EXPECT_EQ(parse_retry_after("86400"), seconds(3600));  // capped at an hour
  EXPECT_EQ(parse_retry_after(""), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(parse_retry_after("-1"), std::nullopt);
}

TEST(RetryPolicy, RefreshesCredentialsOnceOn401) {
  RetryPolicy retry;
  EXPECT_EQ(retry.next(401, "").action, RetryPolicy::Action::RefreshCredentials);
  EXPECT_EQ(retry.next(401, "").action, RetryPolicy::Action::GiveUp);
}

TEST(RetryPolicy, ThrottlesOn429UpToTheLimit) {
  RetryPolicy retry;
  auto first = retry.next(429, "2");
  EXPECT_EQ(first.action, RetryPolicy::Action::Throttle);
  EXPECT_EQ(first.hold, seconds(2));
  EXPECT_EQ(retry.next(429, "").hold, seconds(1));  // no Retry-After: one second
  for (int i = 2; i < kMaxThrottleRetries; ++i)
    EXPECT_EQ(retry.next(429, "1").action, RetryPolicy::Action::Throttle);
  EXPECT_EQ(retry.next(429, "1").action, RetryPolicy::Action::GiveUp);
  // A 401 still gets its one refresh after the throttling.
  EXPECT_EQ(retry.next(401, "").action, RetryPolicy::Action::RefreshCredentials);
}

TEST(RetryPolicy, OtherCodesAreNotRetried) {
  RetryPolicy retry;
  for (int code : {200, 403, 404, 409, 422, 500, 503})
    EXPECT_EQ(retry.next(code, "1").action, RetryPolicy::Action::GiveUp);
}

TEST(ErrorFromResponse, StatusBodyAndRetryAfter) {
  auto error = error_from_response(
      503,
      R"({"kind":"Status","status":"Failure","reason":"ServiceUnavailable","message":"busy","code":503})",
      "4");
  EXPECT_EQ(error.status().code, 503);
  EXPECT_EQ(error.status().reason, "ServiceUnavailable");
  EXPECT_EQ(error.status().message, "busy");
  EXPECT_EQ(error.status().retry_after, seconds(4));
  EXPECT_TRUE(error.is_transient());
}

TEST(ErrorFromResponse, NotAStatusKeepsABoundedPieceOfTheBody) {
  auto error = error_from_response(502, "<html>" + std::string(1000, 'x') + "</html>", "");
  EXPECT_EQ(error.status().code, 502);
  EXPECT_NE(error.status().message.find("<html>xxx"), std::string::npos);
  EXPECT_LT(error.status().message.size(), 400u);
  EXPECT_EQ(error.status().retry_after, std::nullopt);
}

}  // namespace
}  // namespace rollguard::kube::detail
