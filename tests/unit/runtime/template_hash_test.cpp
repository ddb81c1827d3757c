#include "runtime/template_hash.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rollguard::runtime {
namespace {

namespace json = boost::json;

json::object parse(std::string_view text) { return json::parse(text).as_object(); }

// A Deployment's template as the user wrote it, and the same template as the ReplicaSet carries it:
// other key order at every depth, plus the pod-template-hash label.
constexpr std::string_view kDeploymentTemplate = R"({
  "metadata": {"labels": {"app": "web", "tier": "front"}, "annotations": {"a": "1"}},
  "spec": {"containers": [{"name": "web", "image": "web:1.2", "ports": [{"containerPort": 8080}],
                           "env": [{"name": "A", "value": "x"}]}],
           "terminationGracePeriodSeconds": 30}})";
constexpr std::string_view kReplicaSetTemplate = R"({
  "spec": {"terminationGracePeriodSeconds": 30,
           "containers": [{"env": [{"value": "x", "name": "A"}], "ports": [{"containerPort": 8080}],
                           "image": "web:1.2", "name": "web"}]},
  "metadata": {"annotations": {"a": "1"},
               "labels": {"tier": "front", "pod-template-hash": "5d8f7c9b4", "app": "web"}}})";

TEST(TemplateHash, KeyOrderAndThePodTemplateHashLabelDoNotMatter) {
  const auto deployment = parse(kDeploymentTemplate);
  const auto replica_set = parse(kReplicaSetTemplate);
  EXPECT_EQ(template_hash(deployment), template_hash(replica_set));
  EXPECT_EQ(canonical_template(deployment), canonical_template(replica_set));
  EXPECT_EQ(template_hash(deployment).size(), 16u);
  EXPECT_EQ(template_hash(deployment).find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(TemplateHash, LabelsLeftEmptyByTheHashLabelEqualEmptyLabels) {
  EXPECT_EQ(template_hash(parse(R"({"metadata": {"labels": {"pod-template-hash": "x"}}, "spec": {}})")),
            template_hash(parse(R"({"metadata": {"labels": {}}, "spec": {}})")));
  EXPECT_EQ(canonical_template(parse(R"({"spec": {"b": 1, "a": [true, null, 1.5, "\n"]}})")),
            R"({"spec":{"a":[true,null,1.5E0,"\n"],"b":1}})");
}

TEST(TemplateHash, AnyOtherChangeGivesAnotherHash) {
  const auto base = template_hash(parse(kDeploymentTemplate));
  const std::vector<std::string_view> changed{
      // image
      R"({"metadata": {"labels": {"app": "web", "tier": "front"}, "annotations": {"a": "1"}},
          "spec": {"containers": [{"name": "web", "image": "web:1.3", "ports": [{"containerPort": 8080}],
                   "env": [{"name": "A", "value": "x"}]}], "terminationGracePeriodSeconds": 30}})",
      // another label value
      R"({"metadata": {"labels": {"app": "web", "tier": "back"}, "annotations": {"a": "1"}},
          "spec": {"containers": [{"name": "web", "image": "web:1.2", "ports": [{"containerPort": 8080}],
                   "env": [{"name": "A", "value": "x"}]}], "terminationGracePeriodSeconds": 30}})",
      // an annotation dropped
      R"({"metadata": {"labels": {"app": "web", "tier": "front"}},
          "spec": {"containers": [{"name": "web", "image": "web:1.2", "ports": [{"containerPort": 8080}],
                   "env": [{"name": "A", "value": "x"}]}], "terminationGracePeriodSeconds": 30}})",
      // a number
      R"({"metadata": {"labels": {"app": "web", "tier": "front"}, "annotations": {"a": "1"}},
          "spec": {"containers": [{"name": "web", "image": "web:1.2", "ports": [{"containerPort": 8080}],
                   "env": [{"name": "A", "value": "x"}]}], "terminationGracePeriodSeconds": 31}})",
      // array order is meaningful (containers, env)
      R"({"metadata": {"labels": {"app": "web", "tier": "front"}, "annotations": {"a": "1"}},
          "spec": {"containers": [{"name": "web", "image": "web:1.2", "ports": [{"containerPort": 8080}],
                   "env": [{"name": "A", "value": "x"}, {"name": "B", "value": "y"}]}],
                   "terminationGracePeriodSeconds": 30}})",
      // a string that only differs in type
      R"({"metadata": {"labels": {"app": "web", "tier": "front"}, "annotations": {"a": 1}},
          "spec": {"containers": [{"name": "web", "image": "web:1.2", "ports": [{"containerPort": 8080}],
                   "env": [{"name": "A", "value": "x"}]}], "terminationGracePeriodSeconds": 30}})",
  };
  for (auto text : changed) EXPECT_NE(template_hash(parse(text)), base) << text;
}

TEST(TemplateHash, AKeyNamedLikeTheHashLabelElsewhereStillCounts) {
  EXPECT_NE(template_hash(parse(R"({"metadata": {"annotations": {"pod-template-hash": "x"}}})")),
            template_hash(parse(R"({"metadata": {}})")));
  EXPECT_NE(template_hash(parse(R"({"spec": {"metadata": {"labels": {"pod-template-hash": "deep"}}}})")),
            template_hash(parse(R"({"spec": {"metadata": {"labels": {}}}})")));
}

// Values rollguard::template_hash (src/rollguard) gives for the same input, checked when both were
// written: the two definitions agree, so either implementation can replace the other.
TEST(TemplateHash, PinnedValuesSharedWithTheControllersDefinition) {
  EXPECT_EQ(template_hash(parse("{}")), "08f44b07b5901a25");
  EXPECT_EQ(template_hash(parse(R"({"metadata": {"labels": {"pod-template-hash": "x"}}, "spec": {}})")),
            "8d64d54519012afe");
  EXPECT_EQ(template_hash(parse(R"({"spec": {"metadata": {"labels": {"pod-template-hash": "deep"}}}})")),
            "8eb949c801c26271");
}

}  // namespace
}  // namespace rollguard::runtime
