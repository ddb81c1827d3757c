// kube::Api and JsonPatch against kube-sim (a child process): each verb of the per-resource handle,
// a JSON Patch `test` as a write precondition (422 and nothing changes when it fails), the /status
// subresource and server-side apply conflicts.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <optional>

#include "kube/api.hpp"
#include "kube/json_patch.hpp"
#include "kube/object_meta.hpp"
#include "kube_sim_process.hpp"

namespace rollguard::kube {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;

// Inside coroutines every option argument is a named object (GCC 12; README developer notes).
using Outcome = Result<std::string>;  // "" = passed, else what went wrong

json::value config_map(const std::string& name, const std::string& value) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", json::object{{"name", name}, {"annotations", json::object{{"a/b", "x"}}}}},
                      {"data", json::object{{"key", value}}}};
}

json::value deployment(const std::string& name) {
  const json::object labels{{"app", name}};
  json::object container{{"name", "app"}, {"image", "app:1"}};
  json::object pod_spec{{"containers", json::array{container}}};
  json::object pod_template{{"metadata", json::object{{"labels", labels}}}, {"spec", pod_spec}};
  json::object spec{
      {"replicas", 1}, {"selector", json::object{{"matchLabels", labels}}}, {"template", pod_template}};
  return json::object{{"apiVersion", "apps/v1"},
                      {"kind", "Deployment"},
                      {"metadata", json::object{{"name", name}}},
                      {"spec", spec}};
}

std::string rv_of(const json::value& object) {
  return std::string(meta::resource_version(object.as_object()));
}

class ApiAgainstKubeSim : public ::testing::Test {
 protected:
  // No cluster controllers: nothing but the test writes a Deployment's status.
  ApiAgainstKubeSim() : sim_({"--no-controllers"}) {}
  void SetUp() override { ASSERT_TRUE(sim_.running()) << sim_.startup_error(); }

  template <class Fn>
  void expect_passes(Fn fn) {
    asio::io_context io;
    auto client = Client::create(io.get_executor(), sim_.config());
    ASSERT_TRUE(client.has_value()) << client.error().describe();
    std::optional<Outcome> outcome;
    asio::co_spawn(io, fn(*client), [&](std::exception_ptr error, Outcome value) {
      if (error) std::rethrow_exception(error);
      outcome.emplace(std::move(value));
    });
    io.run();
    ASSERT_TRUE(outcome.has_value());
    ASSERT_TRUE(outcome->has_value()) << outcome->error().describe();
    EXPECT_EQ(outcome->value(), "");
  }

  testing::KubeSimProcess sim_;
};

TEST_F(ApiAgainstKubeSim, GetListCreateReplaceRemove) {
  expect_passes([](std::shared_ptr<Client> client) -> asio::awaitable<Outcome> {
    const Api cms(client, ResourceDescriptor::config_maps(), "default");
    auto created = co_await cms.create(config_map("a", "1"));
    if (!created) co_return created.error();
    auto got = co_await cms.get("a");
    if (!got) co_return got.error();
    if (rv_of(*got) != rv_of(*created)) co_return std::string("get: another resourceVersion");

    ListOptions by_name;
    by_name.field_selector = "metadata.name=a";
    auto listed = co_await cms.list(by_name);
    if (!listed) co_return listed.error();
    if (listed->at("items").as_array().size() != 1) co_return std::string("list: not exactly one item");

    auto changed = *got;
    changed.at("data").at("key") = "2";
    auto replaced = co_await cms.replace("a", changed);
    if (!replaced) co_return replaced.error();
    if (replaced->at("data").at("key") != "2") co_return std::string("replace not applied");
    // The same body again carries the old resourceVersion: a stale PUT is a 409.
    auto stale = co_await cms.replace("a", changed);
    if (stale || !stale.error().is_conflict()) co_return std::string("stale replace: not a Conflict");

    auto removed = co_await cms.remove("a");
    if (!removed) co_return removed.error();
    auto gone = co_await cms.get("a");
    if (gone || !gone.error().is_not_found()) co_return std::string("get after remove: not NotFound");
    co_return std::string();
  });
}

TEST_F(ApiAgainstKubeSim, FailingJsonPatchTestIs422AndChangesNothing) {
  expect_passes([](std::shared_ptr<Client> client) -> asio::awaitable<Outcome> {
    const Api cms(client, ResourceDescriptor::config_maps(), "default");
    auto created = co_await cms.create(config_map("p", "1"));
    if (!created) co_return created.error();

    JsonPatch stale;
    stale.test("/metadata/resourceVersion", "not-" + rv_of(*created)).replace("/data/key", "2");
    auto refused = co_await cms.patch_json("p", stale);
    if (refused) co_return std::string("patch with a failing test was applied");
    if (refused.error().status().code != 422) {
      co_return std::string("failing test: HTTP " + std::to_string(refused.error().status().code));
    }
    auto after = co_await cms.get("p");
    if (!after) co_return after.error();
    if (rv_of(*after) != rv_of(*created)) co_return std::string("failing test moved the resourceVersion");
    if (after->at("data") != created->at("data")) co_return std::string("failing test changed the data");

    // The same precondition met: every op applies, escaped pointers included.
    JsonPatch current;
    current.test("/metadata/resourceVersion", rv_of(*created))
        .replace("/data/key", "2")
        .add(JsonPatch::pointer({"metadata", "annotations", "kubernetes.io/change-cause"}), "rollback")
        .remove(JsonPatch::pointer({"metadata", "annotations", "a/b"}));
    auto applied = co_await cms.patch_json("p", current);
    if (!applied) co_return applied.error();
    if (applied->at("data").at("key") != "2") co_return std::string("replace op not applied");
    if (meta::annotation(applied->as_object(), "kubernetes.io/change-cause") != "rollback")
      co_return std::string("add op with an escaped pointer not applied");
    if (meta::annotation(applied->as_object(), "a/b")) co_return std::string("remove op not applied");
    co_return std::string();
  });
}

TEST_F(ApiAgainstKubeSim, MergePatchAndStatusSubresource) {
  expect_passes([](std::shared_ptr<Client> client) -> asio::awaitable<Outcome> {
    const Api deployments(client, ResourceDescriptor::deployments(), "default");
    auto created = co_await deployments.create(deployment("web"));
    if (!created) co_return created.error();
    const auto generation = meta::generation(created->as_object());

    json::value labels = json::parse(R"({"metadata": {"labels": {"team": "a"}}})");
    auto merged = co_await deployments.patch_merge("web", labels);
    if (!merged) co_return merged.error();
    if (meta::label(merged->as_object(), "team") != "a") co_return std::string("merge patch not applied");

    // Through /status, only .status changes: the spec part of the patch is ignored.
    json::value status_patch = json::parse(R"({"status": {"observedGeneration": 1, "replicas": 7},
                                                "spec": {"replicas": 5}})");
    auto status = co_await deployments.patch_status("web", status_patch);
    if (!status) co_return status.error();
    if (status->at("status").at("replicas") != 7) co_return std::string("status merge patch not applied");
    if (status->at("spec").at("replicas") != 1) co_return std::string("status patch changed the spec");
    if (meta::generation(status->as_object()) != generation)
      co_return std::string("status bumped generation");

    JsonPatch status_json;
    status_json.test("/status/replicas", 7).replace("/status/replicas", 3);
    auto status2 = co_await deployments.patch_status("web", status_json);
    if (!status2) co_return status2.error();
    if (status2->at("status").at("replicas") != 3) co_return std::string("status JSON patch not applied");
    co_return std::string();
  });
}

TEST_F(ApiAgainstKubeSim, ServerSideApplyConflictThenForce) {
  expect_passes([](std::shared_ptr<Client> client) -> asio::awaitable<Outcome> {
    const Api cms(client, ResourceDescriptor::config_maps(), "default");
    ApplyOptions first;
    first.field_manager = "first";
    auto applied = co_await cms.apply("s", config_map("s", "1"), first);
    if (!applied) co_return applied.error();
    if (applied->at("data").at("key") != "1") co_return std::string("apply did not create");

    ApplyOptions second;
    second.field_manager = "second";
    auto conflict = co_await cms.apply("s", config_map("s", "2"), second);
    if (conflict || !conflict.error().is_conflict())
      co_return std::string("apply over another manager: not 409");
    auto unchanged = co_await cms.get("s");
    if (!unchanged) co_return unchanged.error();
    if (unchanged->at("data").at("key") != "1") co_return std::string("conflicting apply changed the object");

    second.force = true;
    auto forced = co_await cms.apply("s", config_map("s", "2"), second);
    if (!forced) co_return forced.error();
    if (forced->at("data").at("key") != "2") co_return std::string("forced apply not applied");
    co_return std::string();
  });
}

}  // namespace
}  // namespace rollguard::kube
