#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>
#include <vector>

#include "bench/deployment_list_fixture.hpp"
#include "runtime/cache_transform.hpp"
#include "runtime/store.hpp"

namespace rollguard::runtime {
namespace {

namespace json = boost::json;
using watcher::EventType;

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

ObjectPtr parse(const std::string& text) {
  return std::make_shared<const json::object>(json::parse(text).as_object());
}

// What the API server sent, minus what every transform drops.
json::object stripped(const json::object& in) {
  json::object out = in;
  auto& metadata = out.at("metadata").as_object();
  metadata.erase("managedFields");
  if (auto* a = metadata.if_contains("annotations")) {
    a->as_object().erase(kLastApplied);
    if (a->as_object().empty()) metadata.erase("annotations");
  }
  return out;
}

TEST(CacheTransform, SlimDeploymentKeepsRolloutStateAndTheTemplate) {
  auto in = parse(bench::make_deployment(7));
  auto out = slim_deployment(in);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(*out, stripped(*in));
  // The fields the controller reads, spelled out.
  auto& metadata = out->at("metadata").as_object();
  EXPECT_FALSE(metadata.contains("managedFields"));
  EXPECT_EQ(metadata.at("annotations").as_object().size(), 1u);
  EXPECT_EQ(metadata.at("annotations").at("deployment.kubernetes.io/revision"), "4");
  for (auto key : {"name", "namespace", "uid", "labels", "generation", "resourceVersion"}) {
    EXPECT_TRUE(metadata.contains(key)) << key;
  }
  auto& spec = out->at("spec").as_object();
  // The GitOps check hashes the current template (src/rollguard/template_hash.hpp).
  EXPECT_EQ(spec.at("template"), in->at("spec").at("template"));
  for (auto key : {"replicas", "selector", "strategy", "progressDeadlineSeconds"}) {
    EXPECT_TRUE(spec.contains(key)) << key;
  }
  EXPECT_EQ(out->at("status"), in->at("status"));
}

TEST(CacheTransform, SlimReplicaSetKeepsThePodTemplateWhole) {
  auto in = parse(bench::make_replicaset(3, 2));
  auto out = slim_replicaset(in);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(*out, stripped(*in));
  EXPECT_EQ(out->at("spec").at("template"), in->at("spec").at("template"));
  EXPECT_TRUE(
      out->at("spec").at("template").at("metadata").at("labels").as_object().contains("pod-template-hash"));
  EXPECT_FALSE(out->at("metadata").as_object().contains("managedFields"));
  EXPECT_EQ(out->at("metadata").at("ownerReferences"), in->at("metadata").at("ownerReferences"));
  EXPECT_EQ(out->at("metadata").at("annotations").as_object().size(), 3u);
}

TEST(CacheTransform, AnnotationsLeftEmptyAreDropped) {
  json::object metadata{{"name", "a"}, {"annotations", json::object{{kLastApplied, "{}"}}}};
  auto out = strip_for_cache(std::make_shared<const json::object>(json::object{{"metadata", metadata}}));
  EXPECT_EQ(*out, (json::object{{"metadata", json::object{{"name", "a"}}}}));
}

TEST(CacheTransform, SlimPodKeepsMetadataAndHealthStatusOnly) {
  auto in = parse(R"({"apiVersion":"v1","kind":"Pod",
    "metadata":{"name":"p","namespace":"n","managedFields":[{"manager":"kubelet"}],"labels":{"app":"a"}},
    "spec":{"containers":[{"name":"app","image":"x"}],"nodeName":"n1"},
    "status":{"phase":"Running","podIP":"10.0.0.5","qosClass":"Burstable","hostIP":"10.1.0.1",
      "conditions":[{"type":"Ready","status":"True"}],
      "containerStatuses":[{"name":"app","ready":true,"restartCount":2,"state":{"running":{}},
        "image":"x","imageID":"sha256:abc","containerID":"containerd://1","lastState":{}}]}})");
  auto out = slim_pod(in);
  EXPECT_EQ(*out, json::parse(R"({"apiVersion":"v1","kind":"Pod",
    "metadata":{"name":"p","namespace":"n","labels":{"app":"a"}},
    "status":{"phase":"Running","podIP":"10.0.0.5","conditions":[{"type":"Ready","status":"True"}],
      "containerStatuses":[{"name":"app","ready":true,"restartCount":2,"state":{"running":{}}}]}})")
                      .as_object());
}

TEST(CacheTransform, CompactCopyEqualsAPlainCopy) {
  // Large objects too: more than 18 members switch Boost.JSON's object tables to hashed buckets.
  json::object big;
  for (int i = 0; i < 40; ++i) big["key-" + std::to_string(i)] = std::string(i * 3, 'x');
  big["nested"] = json::array{1, 2.5, nullptr, true, "a string longer than the small buffer", json::object{}};
  for (const auto& in : {json::parse(bench::make_deployment(1)).as_object(),
                         json::parse(bench::make_replicaset(1, 3)).as_object(), big, json::object{}}) {
    auto out = compact(in);
    EXPECT_TRUE(is_compact(*out));
    EXPECT_FALSE(is_compact(in));
    EXPECT_EQ(*out, in);
    EXPECT_EQ(json::serialize(*out), json::serialize(in));
  }
}

TEST(CacheTransform, OutputIsIndependentOfTheInput) {
  auto source = std::make_shared<json::object>(json::parse(bench::make_deployment(2)).as_object());
  const json::object original = *source;
  auto out = slim_deployment(source);
  EXPECT_EQ(*source, original);  // the input is not modified
  const json::object cached = *out;
  source->at("metadata").as_object()["name"] = "renamed";
  source->at("status").as_object().clear();
  source.reset();
  EXPECT_EQ(*out, cached);
}

TEST(CacheTransform, CopiesTakenFromACachedObjectOutliveItAndCanBeModified) {
  auto out = slim_replicaset(parse(bench::make_replicaset(4, 3)));
  // json::value's copy constructor keeps the source's storage: the copy allocates past the sealed
  // block and keeps it alive after the cached object is gone (ASan checks the frees).
  json::value template_copy = out->at("spec").at("template");
  const json::value expected = json::parse(json::serialize(template_copy));
  out.reset();
  EXPECT_EQ(template_copy, expected);
  auto& containers = template_copy.at("spec").at("containers").as_array();
  containers.emplace_back(json::object{{"name", "sidecar"}, {"image", "registry.example.com/sidecar:1.0.0"}});
  template_copy.at("metadata").at("labels").as_object().erase("pod-template-hash");
  EXPECT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[1].at("name"), "sidecar");
}

TEST(CacheTransform, ReadersOnSeveralThreadsCopyFromOneCachedObject) {
  ObjectPtr out = slim_replicaset(parse(bench::make_replicaset(5, 3)));
  const std::string text = json::serialize(*out);
  std::vector<std::thread> readers;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        json::object copy = *out;  // allocates through the cached object's (sealed) storage
        copy["extra"] = std::string(64, 'y');
        copy.erase("extra");
        if (json::serialize(copy) != text) ++mismatches[t];
      }
    });
  }
  for (auto& r : readers) r.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(CacheTransform, StripForCacheCopiesOnlyWhatIsNotYetCompactOrStillHasSomethingToDrop) {
  auto plain = std::make_shared<const json::object>(
      json::object{{"metadata", json::object{{"namespace", "prod"}, {"name", "b"}}}});
  auto once = strip_for_cache(plain);
  EXPECT_NE(once, plain);
  EXPECT_EQ(*once, *plain);
  EXPECT_EQ(strip_for_cache(once), once);  // already compact, nothing to drop: no copy
}

TEST(CacheTransform, WriterCachesSlimObjectsAndReportsThemInChanges) {
  for (auto storage : {Storage::Text, Storage::Shared}) {
    SCOPED_TRACE(storage == Storage::Text ? "Text" : "Shared");
    Writer writer(slim_deployment, storage);
    writer.apply({EventType::InitStart, nullptr});
    writer.apply({EventType::InitApply, parse(bench::make_deployment(1))});
    writer.apply({EventType::InitDone, nullptr});
    auto first = writer.store().get("team-1", "service-1");
    ASSERT_NE(first, nullptr);
    EXPECT_TRUE(is_compact(*first));
    EXPECT_TRUE(first->at("spec").as_object().contains("template"));
    EXPECT_EQ(*first, *slim_deployment(parse(bench::make_deployment(1))));

    auto next = std::make_shared<json::object>(json::parse(bench::make_deployment(1)).as_object());
    next->at("metadata").as_object()["resourceVersion"] = "9999999";
    auto changes = writer.apply({EventType::Apply, next});
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(*changes[0].old_object, *first);
    EXPECT_EQ(*changes[0].new_object, *writer.store().get("team-1", "service-1"));
    EXPECT_EQ(changes[0].new_object->at("metadata").at("resourceVersion"), "9999999");
    EXPECT_FALSE(changes[0].new_object->at("metadata").as_object().contains("managedFields"));
    // The replaced object stays whole for whoever still holds it.
    EXPECT_EQ(first->at("metadata").at("resourceVersion"), "1000001");
  }
}

TEST(CacheTransform, ParseCompactEqualsAPlainParseAndIsSealed) {
  for (const auto& text : {bench::make_deployment(3), bench::make_replicaset(3, 3), std::string("{}")}) {
    auto out = parse_compact(text);
    EXPECT_TRUE(is_compact(*out));
    EXPECT_EQ(*out, json::parse(text).as_object());
    // Copies allocate past the sealed block and outlive it.
    json::object copy = *out;
    out.reset();
    copy["extra"] = std::string(100, 'z');
    EXPECT_EQ(copy.erase("extra"), 1u);
    EXPECT_EQ(copy, json::parse(text).as_object());
  }
  EXPECT_THROW(parse_compact("[1]"), std::invalid_argument);
}

}  // namespace
}  // namespace rollguard::runtime
