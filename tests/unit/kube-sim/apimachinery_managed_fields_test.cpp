#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "apimachinery/field_set.hpp"
#include "apimachinery/managed_fields.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

const PatchMeta& deploy_meta() { return builtin_patch_meta("Deployment"); }

Result<json::value> apply(const json::value* live, const char* applied, const std::string& manager,
                          bool force = false) {
  static json::value cfg;
  cfg = json::parse(applied);
  ApplyRequest req;
  req.live = live;
  req.applied = &cfg;
  req.manager = manager;
  req.force = force;
  req.meta = &deploy_meta();
  req.api_version = "apps/v1";
  req.now = "2026-01-01T00:00:00Z";
  return server_side_apply(req);
}

const json::value& spec(const json::value& obj) { return obj.at("spec"); }

std::vector<std::string> managers(const json::value& obj) {
  std::vector<std::string> out;
  for (const auto& e : obj.at("metadata").at("managedFields").as_array())
    out.push_back(std::string(e.at("manager").as_string()) + "/" +
                  std::string(e.at("operation").as_string()));
  return out;
}

constexpr const char* kApplied =
    R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"x"}},
  "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"a","image":"a:1"}]}}}})";

TEST(ApimachineryFieldSet, FieldsV1RoundTrip) {
  auto obj = json::parse(kApplied);
  auto fields = fields_v1_of(obj, &deploy_meta());
  EXPECT_EQ(fields, json::parse(R"({"f:metadata":{"f:labels":{"f:app":{}}},
      "f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{".":{},"f:image":{},"f:name":{}}}}}}})"))
      << json::serialize(fields);
  EXPECT_EQ(field_set_to_json(field_set_from_json(fields)), fields);
}

TEST(ApimachineryFieldSet, PrimitiveSetsAndAtomicLists) {
  auto obj = json::parse(R"({"metadata":{"name":"n","uid":"u","finalizers":["a/b"]},"spec":{"args":["x"]}})");
  auto fields = fields_v1_of(obj, &deploy_meta());
  EXPECT_EQ(fields, json::parse(R"({"f:metadata":{"f:finalizers":{"v:\"a/b\"":{}}},"f:spec":{"f:args":{}}})"))
      << json::serialize(fields);
}

TEST(ApimachineryFieldSet, PathToStringAndLookup) {
  auto obj = json::parse(kApplied);
  FieldPath p{"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"a"})", "f:image"};
  EXPECT_EQ(to_string(p), R"(.spec.template.spec.containers[name="a"].image)");
  ASSERT_NE(value_at(obj, p), nullptr);
  EXPECT_EQ(*value_at(obj, p), json::value("a:1"));
  remove_at(obj, p);
  EXPECT_EQ(value_at(obj, p), nullptr);
  remove_at(obj, {"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"a"})"});
  EXPECT_TRUE(obj.at("spec").at("template").at("spec").at("containers").as_array().empty());
}

TEST(ApimachineryServerSideApply, CreatesWithOwnership) {
  auto out = apply(nullptr, kApplied, "kubectl");
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(spec(*out).at("replicas"), json::value(3));
  EXPECT_EQ(managers(*out), (std::vector<std::string>{"kubectl/Apply"}));
  const auto& entry = out->at("metadata").at("managedFields").at(0);
  EXPECT_EQ(entry.at("apiVersion"), json::value("apps/v1"));
  EXPECT_EQ(entry.at("time"), json::value("2026-01-01T00:00:00Z"));
  EXPECT_EQ(entry.at("fieldsType"), json::value("FieldsV1"));
}

TEST(ApimachineryServerSideApply, ReapplyOmittingFieldRemovesIt) {
  auto first =
      apply(nullptr, R"({"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"replicas":3,"paused":true}})", "m");
  ASSERT_TRUE(first.has_value());
  auto second = apply(&*first, R"({"metadata":{"labels":{"a":"1"}},"spec":{"replicas":3}})", "m");
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_FALSE(spec(*second).as_object().contains("paused")) << json::serialize(*second);
  EXPECT_FALSE(second->at("metadata").at("labels").as_object().contains("b"));
}

TEST(ApimachineryServerSideApply, TwoManagersSameValueShareWithoutConflict) {
  auto first = apply(nullptr, R"({"spec":{"replicas":3}})", "alice");
  ASSERT_TRUE(first.has_value());
  auto second = apply(&*first, R"({"spec":{"replicas":3,"paused":false}})", "bob");
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(managers(*second), (std::vector<std::string>{"alice/Apply", "bob/Apply"}));
  // alice drops replicas: bob still owns it, so it stays.
  auto third = apply(&*second, R"({"spec":{}})", "alice");
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(spec(*third).at("replicas"), json::value(3));
}

TEST(ApimachineryServerSideApply, ConflictBetweenManagersAndForce) {
  auto first = apply(nullptr, R"({"spec":{"replicas":3}})", "alice");
  ASSERT_TRUE(first.has_value());
  auto second = apply(&*first, R"({"spec":{"replicas":5}})", "bob");
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, 409);
  EXPECT_EQ(second.error().reason, "Conflict");
  EXPECT_EQ(second.error().message,
            R"(Apply failed with 1 conflict: conflict with "alice" using apps/v1: .spec.replicas)");
  ASSERT_EQ(second.error().causes.size(), 1u);
  EXPECT_EQ(second.error().causes[0].reason, "FieldManagerConflict");
  EXPECT_EQ(second.error().causes[0].field, ".spec.replicas");

  auto forced = apply(&*first, R"({"spec":{"replicas":5}})", "bob", /*force=*/true);
  ASSERT_TRUE(forced.has_value()) << forced.error().message;
  EXPECT_EQ(spec(*forced).at("replicas"), json::value(5));
  // alice lost the field entirely and is dropped; bob owns it.
  EXPECT_EQ(managers(*forced), (std::vector<std::string>{"bob/Apply"}));
}

TEST(ApimachineryServerSideApply, KeyedListElementsMergeByName) {
  auto first = apply(nullptr, kApplied, "kubectl");
  ASSERT_TRUE(first.has_value());
  auto second =
      apply(&*first, R"({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"s:1"}]}}}})",
            "injector");
  ASSERT_TRUE(second.has_value()) << second.error().message;
  const auto& containers = spec(*second).at("template").at("spec").at("containers").as_array();
  ASSERT_EQ(containers.size(), 2u) << json::serialize(*second);
  EXPECT_EQ(containers[0].at("name"), json::value("a"));
  EXPECT_EQ(containers[1].at("name"), json::value("sidecar"));
  // kubectl re-applies without its replicas; the sidecar survives as injector owns it.
  auto third = apply(&*second, R"({"metadata":{"labels":{"app":"x"}},
      "spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:2"}]}}}})",
                     "kubectl");
  ASSERT_TRUE(third.has_value()) << third.error().message;
  EXPECT_FALSE(spec(*third).as_object().contains("replicas"));
  EXPECT_EQ(spec(*third).at("template").at("spec").at("containers").as_array().size(), 2u);
}

TEST(ApimachineryServerSideApply, ApplyAfterEditConflicts) {
  auto created = apply(nullptr, kApplied, "kubectl");
  ASSERT_TRUE(created.has_value());
  json::value edited = *created;
  edited.at("spec").as_object()["replicas"] = 7;
  json::value recorded =
      record_update(&*created, edited, manager_from_user_agent("kubectl-edit/v1.32.0 (linux)"),
                    &deploy_meta(), "apps/v1", "2026-01-01T00:01:00Z");
  EXPECT_EQ(managers(recorded), (std::vector<std::string>{"kubectl/Apply", "kubectl-edit/Update"}));
  auto again = apply(&recorded, kApplied, "kubectl");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, 409);
  EXPECT_EQ(again.error().causes.at(0).field, ".spec.replicas");
  EXPECT_NE(again.error().message.find("kubectl-edit"), std::string::npos);
}

TEST(ApimachineryRecordUpdate, CreateOwnsEverythingAndNoopAddsNothing) {
  auto obj = json::parse(R"({"metadata":{"name":"c","labels":{"a":"1"}},"data":{"k":"v"}})");
  auto created = record_update(nullptr, obj, "ctl", nullptr, "v1", "t0");
  EXPECT_EQ(managers(created), (std::vector<std::string>{"ctl/Update"}));
  EXPECT_EQ(created.at("metadata").at("managedFields").at(0).at("fieldsV1"),
            json::parse(R"({"f:data":{"f:k":{}},"f:metadata":{"f:labels":{"f:a":{}}}})"));
  auto same = record_update(&created, created, "other", nullptr, "v1", "t1");
  EXPECT_EQ(managers(same), (std::vector<std::string>{"ctl/Update"}));
}

TEST(ApimachineryRecordUpdate, ChangedFieldMovesToUpdaterRemovedFieldLeavesEveryone) {
  auto obj = json::parse(R"({"metadata":{"name":"c"},"data":{"k":"v","gone":"x"}})");
  auto created = record_update(nullptr, obj, "ctl", nullptr, "v1", "t0");
  json::value next = created;
  next.at("data").as_object()["k"] = "w";
  next.at("data").as_object().erase("gone");
  auto updated = record_update(&created, next, "editor", nullptr, "v1", "t1");
  const auto& mf = updated.at("metadata").at("managedFields").as_array();
  ASSERT_EQ(mf.size(), 1u) << json::serialize(mf);  // ctl owned k (taken) and gone (removed): dropped
  EXPECT_EQ(mf[0].at("manager"), json::value("editor"));
  EXPECT_EQ(mf[0].at("fieldsV1"), json::parse(R"({"f:data":{"f:k":{}}})"));
}

TEST(ApimachineryRecordUpdate, EmptyManagedFieldsResets) {
  auto created = record_update(nullptr, json::parse(R"({"data":{"k":"v"}})"), "ctl", nullptr, "v1", "t0");
  json::value next = created;
  next.at("metadata").as_object()["managedFields"] = json::array();
  auto reset = record_update(&created, next, "x", nullptr, "v1", "t1");
  EXPECT_FALSE(reset.at("metadata").as_object().contains("managedFields")) << json::serialize(reset);
}

TEST(ApimachineryServerSideApply, RejectsBadRequests) {
  json::value cfg = json::parse("[1]");
  ApplyRequest req;
  req.applied = &cfg;
  req.manager = "m";
  EXPECT_EQ(server_side_apply(req).error().code, 400);
  cfg = json::parse("{}");
  req.manager = "";
  EXPECT_EQ(server_side_apply(req).error().code, 400);
}

TEST(ApimachineryManagerFromUserAgent, TakesPrefix) {
  EXPECT_EQ(manager_from_user_agent("kubectl/v1.32.0 (linux/amd64) kubernetes/abc"), "kubectl");
  EXPECT_EQ(manager_from_user_agent("curl"), "curl");
}

}  // namespace
}  // namespace kubesim::apimachinery
