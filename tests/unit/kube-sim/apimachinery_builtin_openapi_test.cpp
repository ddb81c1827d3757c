#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "apimachinery/builtin_openapi.hpp"
#include "apimachinery/patch_meta.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

constexpr std::string_view kPrefix = "#/components/schemas/";

// Follows $ref and allOf[0].$ref to the component schema.
const json::object* resolve(const json::value& v) {
  const auto* o = v.if_object();
  if (o == nullptr) return nullptr;
  const json::value* r = o->if_contains("$ref");
  if (r == nullptr)
    if (const auto* all = o->if_contains("allOf"); all && all->is_array() && !all->get_array().empty())
      r = all->get_array()[0].as_object().if_contains("$ref");
  if (r == nullptr) return o;
  std::string_view name = r->get_string();
  const auto* target = builtin_openapi_schemas().if_contains(name.substr(kPrefix.size()));
  return target ? target->if_object() : nullptr;
}

void expect_refs_resolve(const json::value& v, const std::string& where) {
  if (const auto* o = v.if_object()) {
    for (const auto& [k, c] : *o) {
      if (k == "$ref") {
        std::string_view r = c.as_string();
        ASSERT_TRUE(r.starts_with(kPrefix)) << where;
        EXPECT_TRUE(builtin_openapi_schemas().contains(r.substr(kPrefix.size()))) << where << " -> " << r;
      } else {
        expect_refs_resolve(c, where + "." + std::string(k));
      }
    }
  } else if (const auto* a = v.if_array()) {
    for (const auto& c : *a) expect_refs_resolve(c, where);
  }
}

TEST(ApimachineryBuiltinOpenApi, EveryReferenceResolves) {
  for (const auto& [name, schema] : builtin_openapi_schemas()) expect_refs_resolve(schema, std::string(name));
}

TEST(ApimachineryBuiltinOpenApi, GroupVersionDocumentsCarryTheirKinds) {
  struct Case {
    const char* gv;
    const char* component;
    const char* group;
    const char* kind;
  };
  for (auto c :
       {Case{"v1", "io.k8s.api.core.v1.Pod", "", "Pod"},
        Case{"v1", "io.k8s.api.core.v1.Namespace", "", "Namespace"},
        Case{"apps/v1", "io.k8s.api.apps.v1.Deployment", "apps", "Deployment"},
        Case{"batch/v1", "io.k8s.api.batch.v1.Job", "batch", "Job"},
        Case{"coordination.k8s.io/v1", "io.k8s.api.coordination.v1.Lease", "coordination.k8s.io", "Lease"},
        Case{"events.k8s.io/v1", "io.k8s.api.events.v1.Event", "events.k8s.io", "Event"},
        Case{"apiextensions.k8s.io/v1",
             "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
             "apiextensions.k8s.io", "CustomResourceDefinition"}}) {
    auto names = builtin_openapi_components_for(c.gv);
    EXPECT_NE(std::find(names.begin(), names.end(), c.component), names.end()) << c.gv << " " << c.component;
    // Transitive references are included, so the document is self-contained.
    EXPECT_NE(std::find(names.begin(), names.end(), "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
              names.end());
    for (const auto& n : names) {
      std::set<std::string> refs;
      json::value schema = builtin_openapi_schemas().at(n);
      std::string text = json::serialize(schema);
      for (std::size_t pos = 0; (pos = text.find(kPrefix, pos)) != std::string::npos; pos += kPrefix.size()) {
        auto end = text.find('"', pos);
        std::string ref = text.substr(pos + kPrefix.size(), end - pos - kPrefix.size());
        EXPECT_NE(std::find(names.begin(), names.end(), ref), names.end()) << c.gv << " lacks " << ref;
      }
    }
    const auto& gvk = builtin_openapi_schemas().at(c.component).at("x-kubernetes-group-version-kind").at(0);
    EXPECT_EQ(gvk.at("group"), json::value(c.group));
    EXPECT_EQ(gvk.at("kind"), json::value(c.kind));
    EXPECT_EQ(gvk.at("version"), json::value("v1"));
  }
  EXPECT_TRUE(builtin_openapi_components_for("nope/v1").empty());
}

// The OpenAPI strategic-merge extensions (what kubectl uses client-side) must agree with the
// server's patch-meta table (what kube-sim uses server-side) for every keyed list.
void expect_meta_agrees(const PatchMeta& meta, const json::object& schema, const std::string& where) {
  const auto* props = schema.if_contains("properties");
  for (const auto& [name, child] : meta.fields) {
    if (props == nullptr) break;
    const auto* prop = props->as_object().if_contains(name);
    if (prop == nullptr) continue;  // abbreviated schema
    std::string path = where + "." + name;
    const auto& p = prop->as_object();
    if (child.list == ListStrategy::kMergeByKey) {
      ASSERT_TRUE(p.contains("x-kubernetes-patch-merge-key")) << path;
      EXPECT_EQ(p.at("x-kubernetes-patch-merge-key"), json::value(child.merge_key)) << path;
      EXPECT_NE(std::string(p.at("x-kubernetes-patch-strategy").as_string()).find("merge"), std::string::npos)
          << path;
      const auto* item = resolve(p.at("items"));
      ASSERT_NE(item, nullptr) << path;
      expect_meta_agrees(child, *item, path + "[]");
    } else if (child.list == ListStrategy::kMergePrimitive) {
      EXPECT_EQ(p.at("x-kubernetes-patch-strategy"), json::value("merge")) << path;
    } else if (const auto* target = resolve(*prop)) {
      expect_meta_agrees(child, *target, path);
    }
  }
}

TEST(ApimachineryBuiltinOpenApi, PatchExtensionsMatchPatchMeta) {
  const auto& s = builtin_openapi_schemas();
  expect_meta_agrees(builtin_patch_meta("Deployment"), s.at("io.k8s.api.apps.v1.Deployment").as_object(),
                     "deploy");
  expect_meta_agrees(builtin_patch_meta("Pod"), s.at("io.k8s.api.core.v1.Pod").as_object(), "pod");
  expect_meta_agrees(builtin_patch_meta("Job"), s.at("io.k8s.api.batch.v1.Job").as_object(), "job");
  expect_meta_agrees(builtin_patch_meta("Service"), s.at("io.k8s.api.core.v1.Service").as_object(), "svc");
  // Spot check that the walk really reached the containers' env list.
  const auto* spec = resolve(s.at("io.k8s.api.core.v1.PodSpec"));
  ASSERT_NE(spec, nullptr);
  const auto* container = resolve(spec->at("properties").at("containers").at("items"));
  ASSERT_NE(container, nullptr);
  EXPECT_EQ(container->at("properties").at("env").at("x-kubernetes-patch-merge-key"), json::value("name"));
}

}  // namespace
}  // namespace kubesim::apimachinery
