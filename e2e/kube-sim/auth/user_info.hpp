// The authenticated identity of a request, as the API server's user.Info carries it.
#pragma once

#include <string>
#include <vector>

namespace kubesim::auth {

struct UserInfo {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;
};

inline constexpr const char* kAdminUser = "kube-sim-admin";
inline constexpr const char* kMastersGroup = "system:masters";
inline constexpr const char* kAuthenticatedGroup = "system:authenticated";

inline std::string service_account_username(const std::string& ns, const std::string& name) {
  return "system:serviceaccount:" + ns + ":" + name;
}

// The identity a ServiceAccount's token stands for (k8s.io/apiserver serviceaccount.UserInfo).
inline UserInfo service_account_user(const std::string& ns, const std::string& name, const std::string& uid) {
  return UserInfo{service_account_username(ns, name),
                  uid,
                  {"system:serviceaccounts", "system:serviceaccounts:" + ns, kAuthenticatedGroup}};
}

}  // namespace kubesim::auth
