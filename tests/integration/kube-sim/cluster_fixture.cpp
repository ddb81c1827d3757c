#include "cluster_fixture.hpp"

#include <boost/json.hpp>

namespace kubesim::cluster {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

ApiServerOptions server_options(const std::string& token) {
  ApiServerOptions o;
  o.token = token;
  return o;
}

// One file per test: the suites' tests may run in parallel (ctest -j).
std::string targets_path() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + "cluster_targets_" + test->test_suite_name() + "_" + test->name() + ".json";
}

}  // namespace

ClusterFixture::ClusterFixture(const std::string& token, ClusterOptions options,
                               std::chrono::seconds deadline)
    : targets_path_(targets_path()),
      api_(io_.get_executor(), server_options(token)),
      token_(token),
      deadline_(deadline) {
  options.targets_file = targets_path_;
  cluster_ = std::make_unique<Cluster>(io_.get_executor(), api_, token, std::move(options));
  cluster_->start();
}

ClusterFixture::~ClusterFixture() { cluster_->shutdown(); }

HttpResponse ClusterFixture::call(const std::string& method, const std::string& path, const std::string& body,
                                  const std::string& content_type) {
  HttpRequest r;
  r.method = method;
  r.path = path;
  r.content_type = content_type;
  r.accept = "application/json";
  if (!token_.empty()) r.authorization = "Bearer " + token_;
  r.body = body;
  return api_.handle(r);
}

json::object ClusterFixture::get(const std::string& path) {
  auto r = call("GET", path);
  EXPECT_EQ(r.status, 200u) << path << " " << r.body;
  return r.status == 200 ? json::parse(r.body).as_object() : json::object{};
}

std::vector<json::object> ClusterFixture::items(const std::string& path) {
  std::vector<json::object> out;
  json::object list = get(path);  // named: a temporary would die before the loop body
  if (const auto* its = list.if_contains("items"); its && its->is_array())
    for (const auto& i : its->as_array()) out.push_back(i.as_object());
  return out;
}

bool ClusterFixture::run_until(const std::function<bool()>& done) { return run_until(done, deadline_); }

bool ClusterFixture::run_until(const std::function<bool()>& done, std::chrono::seconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    io_.run_for(10ms);
  }
  return done();
}

}  // namespace kubesim::cluster
