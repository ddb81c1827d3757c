#pragma once
// String formats a CRD schema may declare and the apiserver checks (the OpenAPI formats kept by
// Kubernetes: date-time, date, duration, byte, uuid*, ipv4, ipv6, cidr, mac, email, hostname, ...).
// Internal to the schema implementation; exposed for unit tests.
#include <optional>
#include <string_view>

namespace kubesim::apimachinery {

// nullopt: unknown format (not checked); otherwise whether `value` conforms.
std::optional<bool> check_string_format(std::string_view format, std::string_view value);

}  // namespace kubesim::apimachinery
