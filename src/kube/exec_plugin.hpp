#pragma once
// The exec credential plugin source (internal to src/kube; built by make_credential_source).
#include <memory>

#include "kube/auth.hpp"

namespace rollguard::kube::detail {

std::shared_ptr<CredentialSource> make_exec_source(boost::asio::any_io_executor executor,
                                                   const Config& config, WallClock clock,
                                                   const CredentialOptions& options);

}  // namespace rollguard::kube::detail
