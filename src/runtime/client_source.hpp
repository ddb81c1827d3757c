#pragma once
// The production ListWatchSource: lists and watches through kube::Client.
#include <memory>
#include <string>

#include "kube/client.hpp"
#include "runtime/watcher_driver.hpp"

namespace rollguard::runtime {

// Lists and watches one resource (in one namespace, "" = all) through the Kubernetes client.
std::unique_ptr<ListWatchSource> client_source(std::shared_ptr<kube::Client> client,
                                               kube::ResourceDescriptor resource, std::string ns = {});

}  // namespace rollguard::runtime
