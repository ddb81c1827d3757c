// CRUD over a real socket: status codes, metav1.Status errors, optimistic concurrency,
// resourceVersion/generation bookkeeping, dryRun, finalizers and garbage collection.
#include <gtest/gtest.h>

#include "sim_harness.hpp"

namespace kubesim::testing {
namespace {
namespace json = boost::json;

const std::string kCms = "/api/v1/namespaces/default/configmaps";

std::string str(const json::value& v, std::initializer_list<const char*> path) {
  const json::value* cur = &v;
  for (const char* p : path) {
    if (!cur->is_object() || !cur->as_object().contains(p)) return "<missing>";
    cur = &cur->as_object().at(p);
  }
  return cur->is_string() ? std::string(cur->as_string()) : json::serialize(*cur);
}

void expect_status(const Reply& r, unsigned code, const std::string& reason) {
  EXPECT_EQ(r.status, code) << r.body;
  auto j = r.json();
  EXPECT_EQ(str(j, {"kind"}), "Status") << r.body;
  EXPECT_EQ(str(j, {"status"}), "Failure");
  EXPECT_EQ(str(j, {"reason"}), reason);
  EXPECT_EQ(str(j, {"code"}), std::to_string(code));
}

TEST(KubeSimCrud, CreateGetConflictsAndDelete) {
  InProcessSim sim;
  auto c = sim.client();
  auto created = c.post(kCms, configmap("a"));
  ASSERT_EQ(created.status, 201u) << created.body;
  auto obj = created.json();
  EXPECT_EQ(str(obj, {"metadata", "namespace"}), "default");
  EXPECT_NE(str(obj, {"metadata", "uid"}), "<missing>");
  EXPECT_NE(str(obj, {"metadata", "creationTimestamp"}), "<missing>");
  std::string rv1 = str(obj, {"metadata", "resourceVersion"});

  expect_status(c.post(kCms, configmap("a")), 409, "AlreadyExists");

  auto got = c.get(kCms + "/a");
  ASSERT_EQ(got.status, 200u);
  EXPECT_EQ(str(got.json(), {"data", "k"}), "v");

  // PUT with the current resourceVersion succeeds and moves it forward...
  auto update = obj.as_object();
  update["data"] = json::object{{"k", "v2"}};
  auto put = c.put(kCms + "/a", update);
  ASSERT_EQ(put.status, 200u) << put.body;
  std::string rv2 = str(put.json(), {"metadata", "resourceVersion"});
  EXPECT_GT(std::stoull(rv2), std::stoull(rv1));
  // ...and the same stale write is then a 409 Conflict.
  update["data"] = json::object{{"k", "v3"}};
  expect_status(c.put(kCms + "/a", update), 409, "Conflict");

  auto del = c.del(kCms + "/a");
  EXPECT_EQ(del.status, 200u) << del.body;
  auto missing = c.get(kCms + "/a");
  expect_status(missing, 404, "NotFound");
  EXPECT_EQ(str(missing.json(), {"message"}), "configmaps \"a\" not found");
}

TEST(KubeSimCrud, ErrorsAreStatusObjects) {
  InProcessSim sim;
  auto c = sim.client();
  expect_status(c.request("GET", kCms, "", "", {{"Authorization", "Bearer wrong"}}), 401, "Unauthorized");
  expect_status(c.post("/api/v1/namespaces/nope/configmaps", configmap("x")), 404, "NotFound");
  expect_status(c.request("POST", kCms, "{not json"), 400, "BadRequest");
  expect_status(c.post(kCms, configmap("Bad_Name")), 422, "Invalid");
  expect_status(c.get("/apis/nothing.example.com/v1/things"), 404, "NotFound");
  expect_status(c.request("PUT", kCms, "{}"), 405, "MethodNotAllowed");
  auto invalid = c.post(kCms, configmap("Bad_Name")).json();
  EXPECT_EQ(str(invalid, {"details", "causes"}).find("metadata.name") != std::string::npos, true);
}

TEST(KubeSimCrud, DryRunDoesNotPersist) {
  InProcessSim sim;
  auto c = sim.client();
  auto r = c.post(kCms + "?dryRun=All", configmap("dry"));
  EXPECT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(c.get(kCms + "/dry").status, 404u);
  EXPECT_EQ(c.post(kCms + "?dryRun=Sometimes", configmap("dry")).status, 400u);
}

TEST(KubeSimCrud, GenerationTracksSpecOnly) {
  InProcessSim sim;
  auto c = sim.client();
  ASSERT_EQ(c.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", widget_crd()).status, 201u);
  const std::string w = "/apis/example.com/v1/namespaces/default/widgets";
  auto created = c.post(w, widget("w1", 1));
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(str(created.json(), {"metadata", "generation"}), "1");
  EXPECT_EQ(str(created.json(), {"spec", "color"}), "blue");  // schema default
  auto labels = c.patch(w + "/w1", "application/merge-patch+json", R"({"metadata":{"labels":{"a":"b"}}})");
  ASSERT_EQ(labels.status, 200u) << labels.body;
  EXPECT_EQ(str(labels.json(), {"metadata", "generation"}), "1");
  auto spec = c.patch(w + "/w1", "application/merge-patch+json", R"({"spec":{"size":2}})");
  ASSERT_EQ(spec.status, 200u) << spec.body;
  EXPECT_EQ(str(spec.json(), {"metadata", "generation"}), "2");
}

TEST(KubeSimCrud, FinalizersHoldDeletionUntilRemoved) {
  InProcessSim sim;
  auto c = sim.client();
  auto cm = configmap("held");
  cm["metadata"].as_object()["finalizers"] = json::array{"example.com/hold"};
  ASSERT_EQ(c.post(kCms, cm).status, 201u);
  auto del = c.del(kCms + "/held");
  ASSERT_EQ(del.status, 200u) << del.body;
  auto still = c.get(kCms + "/held");
  ASSERT_EQ(still.status, 200u);
  EXPECT_NE(str(still.json(), {"metadata", "deletionTimestamp"}), "<missing>");
  auto release = c.patch(
      kCms + "/held", "application/json-patch+json",
      R"([{"op":"test","path":"/metadata/finalizers/0","value":"example.com/hold"},{"op":"remove","path":"/metadata/finalizers"}])");
  EXPECT_EQ(release.status, 200u) << release.body;
  EXPECT_EQ(c.get(kCms + "/held").status, 404u);
}

TEST(KubeSimCrud, DeletePreconditionsAndGarbageCollection) {
  InProcessSim sim;
  auto c = sim.client();
  auto owner = c.post(kCms, configmap("owner")).json();
  std::string uid = str(owner, {"metadata", "uid"});
  for (const char* name : {"dep1", "dep2"}) {
    auto cm = configmap(name);
    cm["metadata"].as_object()["ownerReferences"] = json::array{
        json::object{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "owner"}, {"uid", uid}}};
    ASSERT_EQ(c.post(kCms, cm).status, 201u);
  }
  auto wrong = c.del(kCms + "/owner", R"({"preconditions":{"uid":"not-the-uid"}})");
  expect_status(wrong, 409, "Conflict");
  // Orphan keeps dependents (without the owner reference)...
  auto orphan_owner = c.post(kCms, configmap("owner2")).json();
  auto dep3 = configmap("dep3");
  dep3["metadata"].as_object()["ownerReferences"] =
      json::array{json::object{{"apiVersion", "v1"},
                               {"kind", "ConfigMap"},
                               {"name", "owner2"},
                               {"uid", str(orphan_owner, {"metadata", "uid"})}}};
  ASSERT_EQ(c.post(kCms, dep3).status, 201u);
  ASSERT_EQ(c.del(kCms + "/owner2", R"({"propagationPolicy":"Orphan"})").status, 200u);
  auto kept = c.get(kCms + "/dep3");
  ASSERT_EQ(kept.status, 200u);
  EXPECT_EQ(str(kept.json(), {"metadata", "ownerReferences"}), "<missing>");
  // ...Background deletes them.
  ASSERT_EQ(c.del(kCms + "/owner",
                  "{\"preconditions\":{\"uid\":\"" + uid + "\"},\"propagationPolicy\":\"Background\"}")
                .status,
            200u);
  EXPECT_EQ(c.get(kCms + "/dep1").status, 404u);
  EXPECT_EQ(c.get(kCms + "/dep2").status, 404u);
}

TEST(KubeSimCrud, StatusSubresourceSplit) {
  InProcessSim sim;
  auto c = sim.client();
  ASSERT_EQ(c.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", widget_crd()).status, 201u);
  const std::string w = "/apis/example.com/v1/namespaces/default/widgets/w";
  auto with_status = widget("w", 1);
  with_status["status"] = json::object{{"phase", "Ignored"}};
  auto created = c.post("/apis/example.com/v1/namespaces/default/widgets", with_status);
  ASSERT_EQ(created.status, 201u);
  EXPECT_EQ(str(created.json(), {"status"}), "<missing>");  // create ignores status
  auto st = c.patch(w + "/status", "application/merge-patch+json",
                    R"({"status":{"phase":"Ready"},"spec":{"size":9}})");
  ASSERT_EQ(st.status, 200u) << st.body;
  EXPECT_EQ(str(st.json(), {"status", "phase"}), "Ready");
  EXPECT_EQ(str(st.json(), {"spec", "size"}), "1");  // /status changes only status
  auto main =
      c.patch(w, "application/merge-patch+json", R"({"status":{"phase":"Broken"},"spec":{"size":3}})");
  ASSERT_EQ(main.status, 200u) << main.body;
  EXPECT_EQ(str(main.json(), {"status", "phase"}), "Ready");  // the main resource ignores status
  EXPECT_EQ(str(main.json(), {"spec", "size"}), "3");
  auto get = c.get(w + "/status");
  EXPECT_EQ(get.status, 200u);
}

TEST(KubeSimCrud, CustomResourceValidation) {
  InProcessSim sim;
  auto c = sim.client();
  ASSERT_EQ(c.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", widget_crd()).status, 201u);
  const std::string w = "/apis/example.com/v1/namespaces/default/widgets";
  auto neg = c.post(w, widget("neg", -1));
  expect_status(neg, 422, "Invalid");
  EXPECT_NE(str(neg.json(), {"message"}).find("spec.size"), std::string::npos) << neg.body;
  auto unknown = widget("unk", 1);
  unknown["spec"].as_object()["extra"] = 1;
  auto strict = c.post(w + "?fieldValidation=Strict", unknown);
  expect_status(strict, 400, "BadRequest");
  EXPECT_NE(strict.body.find("unknown field \\\"spec.extra\\\""), std::string::npos) << strict.body;
  auto warn = c.post(w + "?fieldValidation=Warn", unknown);
  EXPECT_EQ(warn.status, 201u);
  EXPECT_NE(warn.headers["Warning"].find("spec.extra"), std::string::npos);
  EXPECT_EQ(str(warn.json(), {"spec", "extra"}), "<missing>");  // pruned
}

}  // namespace
}  // namespace kubesim::testing
