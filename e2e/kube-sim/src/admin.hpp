// The admin endpoint that breaks things on purpose (tests only; same bearer token as the API, 401
// without it):
//   GET    /admin/faults           the fault configuration and counters
//   PUT    /admin/faults           set it (JSON of faults/fault_injector.hpp); 400 + Status on bad input
//   DELETE /admin/faults           clear every fault
//   POST   /admin/compact          compact the watch history (watches from older resourceVersions get
//                                  410 Gone); ?cutWatches=true also cuts every open watch so clients
//                                  must resume at once and meet the 410
//   POST   /admin/cut-watches      cut every open watch now
//   POST   /admin/refuse-connections?ms=N   close the listening socket for N ms (connection refused),
//                                  dropping open connections; listens again on the same port after
// Every change is logged.
#pragma once

#include <chrono>
#include <functional>

#include "api_server.hpp"
#include "faults/fault_injector.hpp"
#include "http_types.hpp"

namespace kubesim {

struct AdminActions {
  faults::FaultInjector& faults;
  ApiServer& api;  // its token guards the endpoint; its store is compacted
  std::function<void(std::chrono::milliseconds)> refuse_connections;
  std::function<void()> cut_watches;
};

bool is_admin_path(const std::string& path);
HttpResponse handle_admin(const HttpRequest& request, AdminActions& actions);

}  // namespace kubesim
