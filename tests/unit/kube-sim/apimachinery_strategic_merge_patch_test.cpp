#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "apimachinery/strategic_merge_patch.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

struct SmpCase {
  const char* name;
  const char* kind;
  const char* original;
  const char* patch;
  const char* expected;  // nullptr: must fail with 400
};

class ApimachineryStrategicMergePatchTest : public ::testing::TestWithParam<SmpCase> {};

TEST_P(ApimachineryStrategicMergePatchTest, Applies) {
  const auto& c = GetParam();
  auto out =
      apply_strategic_merge_patch(json::parse(c.original), json::parse(c.patch), builtin_patch_meta(c.kind));
  if (c.expected == nullptr) {
    ASSERT_FALSE(out.has_value()) << json::serialize(*out);
    EXPECT_EQ(out.error().code, 400);
    return;
  }
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(*out, json::parse(c.expected)) << json::serialize(*out);
}

#define DEPLOY(containers) R"({"spec":{"template":{"spec":{"containers":)" containers "}}}}"

INSTANTIATE_TEST_SUITE_P(
    Directives, ApimachineryStrategicMergePatchTest,
    ::testing::Values(
        SmpCase{"map_merge_and_null_delete", "ConfigMap", R"({"data":{"a":"1","b":"2"}})",
                R"({"data":{"a":null,"c":"3"}})", R"({"data":{"b":"2","c":"3"}})"},
        SmpCase{"containers_merge_by_name", "Deployment",
                DEPLOY(R"([{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}])"),
                DEPLOY(R"([{"name":"b","image":"b:2"}])"),
                DEPLOY(R"([{"name":"a","image":"a:1"},{"name":"b","image":"b:2"}])")},
        SmpCase{"containers_append_new", "Deployment", DEPLOY(R"([{"name":"a","image":"a:1"}])"),
                DEPLOY(R"([{"name":"c","image":"c:1"}])"),
                DEPLOY(R"([{"name":"a","image":"a:1"},{"name":"c","image":"c:1"}])")},
        SmpCase{"env_by_name_nested", "Deployment",
                DEPLOY(R"([{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]}])"),
                DEPLOY(R"([{"name":"a","env":[{"name":"Y","value":"3"}]}])"),
                DEPLOY(R"([{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"3"}]}])")},
        SmpCase{
            "ports_by_containerPort", "Pod",
            R"({"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"}]}]}})",
            R"({"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443}]}]}})",
            R"({"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http","protocol":"TCP"},{"containerPort":443}]}]}})"},
        SmpCase{"volumeMounts_by_mountPath", "Pod",
                R"({"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/a","name":"v1"}]}]}})",
                R"({"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/a","name":"v2"}]}]}})",
                R"({"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/a","name":"v2"}]}]}})"},
        SmpCase{"tolerations_replaced", "Pod", R"({"spec":{"tolerations":[{"key":"a"},{"key":"b"}]}})",
                R"({"spec":{"tolerations":[{"key":"c"}]}})", R"({"spec":{"tolerations":[{"key":"c"}]}})"},
        SmpCase{"unknown_list_replaced", "Pod", R"({"spec":{"containers":[{"name":"a","args":["x","y"]}]}})",
                R"({"spec":{"containers":[{"name":"a","args":["z"]}]}})",
                R"({"spec":{"containers":[{"name":"a","args":["z"]}]}})"},
        SmpCase{"patch_delete_element", "Deployment", DEPLOY(R"([{"name":"a"},{"name":"b"}])"),
                DEPLOY(R"([{"name":"a","$patch":"delete"}])"), DEPLOY(R"([{"name":"b"}])")},
        SmpCase{"patch_replace_list", "Deployment", DEPLOY(R"([{"name":"a","image":"x"},{"name":"b"}])"),
                DEPLOY(R"([{"name":"c"},{"$patch":"replace"}])"), DEPLOY(R"([{"name":"c"}])")},
        SmpCase{"patch_replace_map", "ConfigMap", R"({"data":{"a":"1","b":"2"}})",
                R"({"data":{"$patch":"replace","c":"3"}})", R"({"data":{"c":"3"}})"},
        SmpCase{"patch_delete_map", "ConfigMap", R"({"data":{"a":"1"},"x":1})",
                R"({"data":{"$patch":"delete"}})", R"({"x":1})"},
        SmpCase{"patch_merge_map", "ConfigMap", R"({"data":{"a":"1"}})",
                R"({"data":{"$patch":"merge","b":"2"}})", R"({"data":{"a":"1","b":"2"}})"},
        SmpCase{
            "set_element_order", "Deployment", DEPLOY(R"([{"name":"a"},{"name":"b"},{"name":"c"}])"),
            R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"b"},{"name":"a"}],
                    "containers":[{"name":"b","image":"b:2"}]}}}})",
            DEPLOY(R"([{"name":"c"},{"name":"b","image":"b:2"},{"name":"a"}])")},
        SmpCase{
            "set_element_order_keeps_server_items", "Deployment",
            DEPLOY(R"([{"name":"a"},{"name":"srv"},{"name":"b"}])"),
            R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}]}}}})",
            DEPLOY(R"([{"name":"b"},{"name":"srv"},{"name":"a"}])")},
        SmpCase{"finalizers_union", "ConfigMap", R"({"metadata":{"finalizers":["a","b"]}})",
                R"({"metadata":{"finalizers":["b","c"]}})", R"({"metadata":{"finalizers":["a","b","c"]}})"},
        SmpCase{"delete_from_primitive_list", "ConfigMap", R"({"metadata":{"finalizers":["a","b","c"]}})",
                R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}})",
                R"({"metadata":{"finalizers":["a","c"]}})"},
        SmpCase{"owner_references_by_uid", "ReplicaSet",
                R"({"metadata":{"ownerReferences":[{"uid":"1","name":"x"}]}})",
                R"({"metadata":{"ownerReferences":[{"uid":"1","name":"y"},{"uid":"2","name":"z"}]}})",
                R"({"metadata":{"ownerReferences":[{"uid":"1","name":"y"},{"uid":"2","name":"z"}]}})"},
        SmpCase{
            "conditions_by_type", "Job",
            R"({"status":{"conditions":[{"type":"Complete","status":"False"},{"type":"Failed","status":"False"}]}})",
            R"({"status":{"conditions":[{"type":"Complete","status":"True"}]}})",
            R"({"status":{"conditions":[{"type":"Complete","status":"True"},{"type":"Failed","status":"False"}]}})"},
        SmpCase{
            "retain_keys", "Pod", R"({"spec":{"volumes":[{"name":"v","emptyDir":{}}]}})",
            R"({"spec":{"volumes":[{"name":"v","$retainKeys":["name","configMap"],"configMap":{"name":"cm"}}]}})",
            R"({"spec":{"volumes":[{"name":"v","configMap":{"name":"cm"}}]}})"},
        SmpCase{"retain_keys_strategy", "Deployment",
                R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})",
                R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})",
                R"({"spec":{"strategy":{"type":"Recreate"}}})"},
        SmpCase{"new_field_directives_stripped", "Deployment", R"({"spec":{}})",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"a"},{"$patch":"replace"}]}}}})",
                DEPLOY(R"([{"name":"a"}])")},
        SmpCase{"custom_resource_lists_replace", "Widget", R"({"spec":{"items":[{"name":"a"}]}})",
                R"({"spec":{"items":[{"name":"b"}]}})", R"({"spec":{"items":[{"name":"b"}]}})"},
        SmpCase{"missing_merge_key", "Deployment", DEPLOY(R"([{"name":"a"}])"), DEPLOY(R"([{"image":"x"}])"),
                nullptr},
        SmpCase{"unknown_patch_type", "ConfigMap", R"({"data":{}})", R"({"data":{"$patch":"frob"}})",
                nullptr},
        SmpCase{"unknown_directive", "ConfigMap", R"({"data":{}})", R"({"data":{"$frob":1}})", nullptr},
        SmpCase{"retain_keys_missing_field", "Deployment", R"({"spec":{"strategy":{}}})",
                R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}})", nullptr},
        SmpCase{"patch_not_object", "ConfigMap", R"({})", R"([1])", nullptr}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ApimachineryStrategicMergePatch, ServicePortsByPort) {
  auto out = apply_strategic_merge_patch(
      json::parse(R"({"spec":{"ports":[{"port":80,"name":"a"},{"port":81}]}})"),
      json::parse(R"({"spec":{"ports":[{"port":81,"name":"b"}]}})"), builtin_patch_meta("Service"));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, json::parse(R"({"spec":{"ports":[{"port":80,"name":"a"},{"port":81,"name":"b"}]}})"));
}

}  // namespace
}  // namespace kubesim::apimachinery
