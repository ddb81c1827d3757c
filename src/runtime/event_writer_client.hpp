#pragma once
// The production EventWriter: creates and patches events.k8s.io/v1 Events through kube::Client.
#include <memory>

#include "kube/client.hpp"
#include "runtime/event_recorder.hpp"

namespace rollguard::runtime {

std::unique_ptr<EventWriter> client_event_writer(std::shared_ptr<kube::Client> client);

}  // namespace rollguard::runtime
