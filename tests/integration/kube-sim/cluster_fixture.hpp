#pragma once
// kube-sim in process for the cluster suites: an ApiServer and the Cluster on one io_context,
// driven through ApiServer::handle exactly as the network layer would.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api_server.hpp"
#include "cluster.hpp"

namespace kubesim::cluster {

class ClusterFixture : public ::testing::Test {
 protected:
  // `token` is the server's bearer token (empty: no authentication); `deadline` bounds each
  // run_until() that names none. The Cluster writes its targets file to targets_path_.
  ClusterFixture(const std::string& token, ClusterOptions options, std::chrono::seconds deadline);
  ~ClusterFixture() override;

  HttpResponse call(const std::string& method, const std::string& path, const std::string& body = {},
                    const std::string& content_type = "application/json");
  // The object at `path`; an empty object (and a failed expectation) when the answer is not 200.
  boost::json::object get(const std::string& path);
  // The items of the list at `path`.
  std::vector<boost::json::object> items(const std::string& path);

  // Runs the io_context until `done` holds or the deadline passes; returns whether it held.
  bool run_until(const std::function<bool()>& done);
  bool run_until(const std::function<bool()>& done, std::chrono::seconds deadline);

  const std::string targets_path_;
  boost::asio::io_context io_;
  ApiServer api_;
  std::unique_ptr<Cluster> cluster_;

 private:
  std::string token_;
  std::chrono::seconds deadline_;
};

}  // namespace kubesim::cluster
