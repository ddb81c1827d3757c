// The errors people read when a policy is not there: the object missing, or the whole API.
#include <gtest/gtest.h>

#include "session.hpp"

namespace rollguard::plugin {
namespace {

kube::Error not_found(std::string message, std::string details_name) {
  kube::Status status;
  status.code = 404;
  status.reason = "NotFound";
  status.message = std::move(message);
  status.details_name = std::move(details_name);
  return kube::Error::from_status(status);
}

TEST(DescribePolicyError, AMissingPolicyNamesItAndTheNamespace) {
  EXPECT_EQ(describe_policy_error(not_found("rollbackpolicies.rollguard.io \"web\" not found", "web"), "web",
                                  "shop"),
            "rollbackpolicy \"web\" not found in namespace \"shop\"");
}

TEST(DescribePolicyError, AMissingApiSaysTheCrdIsNotInstalled) {
  const auto error = not_found("the server could not find the requested resource", "");
  EXPECT_NE(describe_policy_error(error, "web", "shop").find("is rollguard's CRD installed?"),
            std::string::npos);
  EXPECT_NE(describe_policy_error(error, "", "shop").find("is rollguard's CRD installed?"),
            std::string::npos);
}

TEST(DescribePolicyError, OtherAnswersInTheServersWords) {
  kube::Status status;
  status.code = 403;
  status.reason = "Forbidden";
  status.message = "rollbackpolicies.rollguard.io \"web\" is forbidden: User \"bob\" cannot patch";
  EXPECT_EQ(describe_policy_error(kube::Error::from_status(status), "web", "shop"), status.message);
  EXPECT_EQ(describe_policy_error(kube::Error(kube::ErrorKind::Network, "connection refused"), "web", "shop"),
            kube::Error(kube::ErrorKind::Network, "connection refused").describe());
}

}  // namespace
}  // namespace rollguard::plugin
