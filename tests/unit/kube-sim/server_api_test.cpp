// ApiServer without a network: discovery following CRDs, OpenAPI documents, server-side tables,
// patch types and server-side apply, driven through HttpRequest values and a fake clock.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "api_server.hpp"
#include "protobuf_body.hpp"
#include "store.hpp"

namespace kubesim {
namespace {
namespace json = boost::json;

class ApiServerTest : public ::testing::Test {
 protected:
  ApiServerTest() : api_(io_.get_executor(), ApiServerOptions{}, [this] { return now_; }) {}

  HttpResponse call(const std::string& method, const std::string& path, const std::string& body = {},
                    const std::string& content_type = "application/json",
                    std::map<std::string, std::string> query = {},
                    const std::string& accept = "application/json") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.query = std::move(query);
    r.body = body;
    r.content_type = content_type;
    r.accept = accept;
    r.user_agent = "kubectl/v1.32.4 (linux/amd64)";
    return api_.handle(r);
  }
  json::value body(const HttpResponse& r) { return json::parse(r.body); }

  void create_widget_crd() {
    auto crd = R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
      "metadata":{"name":"widgets.example.com"},
      "spec":{"group":"example.com","scope":"Namespaced",
        "names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wd"]},
        "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
          "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"},
                                      {"name":"Phase","type":"string","jsonPath":".status.phase"}],
          "schema":{"openAPIV3Schema":{"type":"object","properties":{
            "spec":{"type":"object","properties":{"size":{"type":"integer"}}},
            "status":{"type":"object","properties":{"phase":{"type":"string"}}}}}}}]}})";
    ASSERT_EQ(call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd).status, 201u);
  }

  boost::asio::io_context io_;
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::from_time_t(1'700'000'000);
  ApiServer api_;
};

bool has_group(const json::value& groups, const std::string& name) {
  for (const auto& g : groups.at("groups").as_array())
    if (g.at("name").as_string() == name) return true;
  return false;
}

TEST_F(ApiServerTest, DiscoveryListsBuiltinsWithSubresourcesAndShortNames) {
  auto v1 = body(call("GET", "/api/v1"));
  bool pods = false, pod_status = false;
  for (const auto& r : v1.at("resources").as_array()) {
    if (r.at("name") == "pods") {
      pods = true;
      EXPECT_EQ(r.at("shortNames").as_array().at(0), "po");
      EXPECT_EQ(r.at("kind"), "Pod");
    }
    if (r.at("name") == "pods/status") pod_status = true;
  }
  EXPECT_TRUE(pods);
  EXPECT_TRUE(pod_status);
  auto apps = body(call("GET", "/apis/apps/v1"));
  bool scale = false;
  for (const auto& r : apps.at("resources").as_array())
    if (r.at("name") == "deployments/scale") scale = r.at("kind") == "Scale";
  EXPECT_TRUE(scale);
}

TEST_F(ApiServerTest, CrdGroupFollowsTheCrdLifetime) {
  EXPECT_FALSE(has_group(body(call("GET", "/apis")), "example.com"));
  create_widget_crd();
  EXPECT_TRUE(has_group(body(call("GET", "/apis")), "example.com"));
  auto res = body(call("GET", "/apis/example.com/v1"));
  EXPECT_EQ(res.at("resources").as_array().at(0).at("shortNames").as_array().at(0), "wd");
  auto crd = body(call("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com"));
  EXPECT_EQ(crd.at("status").at("conditions").as_array().at(1).at("type"), "Established");
  ASSERT_EQ(
      call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").status,
      200u);
  EXPECT_FALSE(has_group(body(call("GET", "/apis")), "example.com"));
  EXPECT_EQ(call("GET", "/apis/example.com/v1/namespaces/default/widgets").status, 404u);
}

TEST_F(ApiServerTest, OpenApiV3PublishesCrdSchemaAndFieldValidation) {
  create_widget_crd();
  auto root = body(call("GET", "/openapi/v3"));
  ASSERT_TRUE(root.at("paths").as_object().contains("apis/example.com/v1"));
  auto doc = body(call("GET", "/openapi/v3/apis/example.com/v1"));
  const auto& schema = doc.at("components").at("schemas").at("com.example.v1.Widget");
  EXPECT_EQ(schema.at("x-kubernetes-group-version-kind").as_array().at(0).at("kind"), "Widget");
  EXPECT_TRUE(schema.at("properties").as_object().contains("spec"));
  const auto& patch =
      doc.at("paths").at("/apis/example.com/v1/namespaces/{namespace}/widgets/{name}").at("patch");
  bool field_validation = false;
  for (const auto& p : patch.at("parameters").as_array())
    field_validation |= p.at("name") == "fieldValidation";
  EXPECT_TRUE(field_validation);
}

TEST_F(ApiServerTest, TablesUsePrinterColumnsAndTheInjectedClock) {
  create_widget_crd();
  ASSERT_EQ(
      call("POST", "/apis/example.com/v1/namespaces/default/widgets",
           R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":4}})")
          .status,
      201u);
  now_ += std::chrono::minutes(5);
  const std::string accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  const auto t = body(call("GET", "/apis/example.com/v1/namespaces/default/widgets", "", "", {}, accept));
  EXPECT_EQ(t.at("kind"), "Table");
  const auto& cols = t.at("columnDefinitions").as_array();
  ASSERT_EQ(cols.size(), 3u);
  EXPECT_EQ(cols[1].at("name"), "Size");
  const auto& cells = t.at("rows").as_array().at(0).at("cells").as_array();
  EXPECT_EQ(cells[0], "w");
  EXPECT_EQ(cells[1], 4);
  EXPECT_TRUE(cells[2].is_null());  // no status yet
  auto ns = body(call("GET", "/api/v1/namespaces/default", "", "", {}, accept));
  EXPECT_EQ(ns.at("rows").as_array().at(0).at("cells").as_array().at(2), "5m");
}

TEST_F(ApiServerTest, StrategicMergeOnDeploymentsMergesContainersByName) {
  auto d = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
    "spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}}})";
  auto created = call("POST", "/apis/apps/v1/namespaces/default/deployments", d);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(body(created).at("spec").at("replicas"), 1);  // defaulted
  auto patched = call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web",
                      R"({"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b:2"}]}}}})",
                      "application/strategic-merge-patch+json");
  ASSERT_EQ(patched.status, 200u) << patched.body;
  const auto patched_body = body(patched);
  const auto& cs = patched_body.at("spec").at("template").at("spec").at("containers").as_array();
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].at("image"), "a:1");
  EXPECT_EQ(cs[1].at("image"), "b:2");
  EXPECT_EQ(patched_body.at("metadata").at("generation"), 2);
  auto scale = call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
                    R"({"spec":{"replicas":4}})", "application/merge-patch+json");
  ASSERT_EQ(scale.status, 200u) << scale.body;
  EXPECT_EQ(body(scale).at("kind"), "Scale");
  EXPECT_EQ(body(call("GET", "/apis/apps/v1/namespaces/default/deployments/web")).at("spec").at("replicas"),
            4);
}

TEST_F(ApiServerTest, ServerSideApplyCreatesAndReportsConflicts) {
  const std::string path = "/api/v1/namespaces/default/configmaps/cfg";
  auto applied =
      call("PATCH", path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: one\n",
           "application/apply-patch+yaml", {{"fieldManager", "alice"}});
  ASSERT_EQ(applied.status, 201u) << applied.body;
  EXPECT_EQ(body(applied).at("metadata").at("managedFields").as_array().at(0).at("manager"), "alice");
  auto conflict =
      call("PATCH", path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: two\n",
           "application/apply-patch+yaml", {{"fieldManager", "bob"}});
  EXPECT_EQ(conflict.status, 409u) << conflict.body;
  EXPECT_NE(conflict.body.find("alice"), std::string::npos);
  auto forced =
      call("PATCH", path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: two\n",
           "application/apply-patch+yaml", {{"fieldManager", "bob"}, {"force", "true"}});
  EXPECT_EQ(forced.status, 200u) << forced.body;
  EXPECT_EQ(body(forced).at("data").at("a"), "two");
  auto no_manager = call("PATCH", path, "data: {a: x}\n", "application/apply-patch+yaml");
  EXPECT_EQ(no_manager.status, 422u);
}

TEST(ServerProtobuf, DecodesKubectlCreateNamespace) {
  // The exact bytes `kubectl create namespace foo` (v1.32) sends.
  const unsigned char bytes[] = {0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0f, 0x0a, 0x02, 0x76, 0x31, 0x12,
                                 0x09, 0x4e, 0x61, 0x6d, 0x65, 0x73, 0x70, 0x61, 0x63, 0x65, 0x12,
                                 0x1b, 0x0a, 0x13, 0x0a, 0x03, 0x66, 0x6f, 0x6f, 0x12, 0x00, 0x1a,
                                 0x00, 0x22, 0x00, 0x2a, 0x00, 0x32, 0x00, 0x38, 0x00, 0x42, 0x00,
                                 0x12, 0x00, 0x1a, 0x02, 0x0a, 0x00, 0x1a, 0x00, 0x22, 0x00};
  auto r = decode_protobuf_object(std::string(reinterpret_cast<const char*>(bytes), sizeof bytes));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("kind"), "Namespace");
  EXPECT_EQ(r->at("apiVersion"), "v1");
  EXPECT_EQ(r->at("metadata").at("name"), "foo");
  // Truncated input is refused, never read past the end.
  auto bad = decode_protobuf_object(std::string(reinterpret_cast<const char*>(bytes), 20));
  EXPECT_FALSE(bad.ok());
}

TEST(ServerStore, HistoryIsBoundedAndSnapshotsRoundTrip) {
  Store store(2);
  for (int i = 0; i < 4; ++i)
    store.put(ObjectKey{"", "configmaps", "default", "c" + std::to_string(i)},
              json::object{{"metadata", json::object{{"name", "c" + std::to_string(i)}}}});
  EXPECT_EQ(store.resource_version(), 4u);
  EXPECT_EQ(store.history().size(), 2u);
  EXPECT_EQ(store.compacted_rv(), 2u);  // events after rv 2 are still replayable
  auto removed = store.remove(ObjectKey{"", "configmaps", "default", "c0"});
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->at("metadata").at("resourceVersion"), "5");
  Store copy;
  ASSERT_TRUE(copy.restore(store.snapshot()));
  EXPECT_EQ(copy.resource_version(), 5u);
  EXPECT_EQ(copy.compacted_rv(), 5u);
  EXPECT_EQ(copy.list("", "configmaps", "default").size(), 3u);
  EXPECT_FALSE(copy.restore(json::parse(R"({"objects": 3})")));
}

// watch= as client libraries send it: every form but "0"/"false" opens a watch (a chunked
// stream), as on a real API server; those two answer with a list.
TEST_F(ApiServerTest, WatchQueryBooleanFormsAreReadAsTheApiServerReadsThem) {
  for (const char* value : {"true", "True", "TRUE", "t", "T", "1", "", "yes"}) {
    auto r = call("GET", "/api/v1/namespaces/default/configmaps", {}, "application/json", {{"watch", value}});
    EXPECT_EQ(r.status, 200u) << value;
    EXPECT_NE(r.watch, nullptr) << "watch=" << value << " should watch";
  }
  for (const char* value : {"false", "False", "FALSE", "0"}) {
    auto r = call("GET", "/api/v1/namespaces/default/configmaps", {}, "application/json", {{"watch", value}});
    EXPECT_EQ(r.status, 200u) << value;
    EXPECT_EQ(r.watch, nullptr) << "watch=" << value << " should list";
    EXPECT_EQ(body(r).at("kind").as_string(), "ConfigMapList") << value;
  }
}

}  // namespace
}  // namespace kubesim
