// Template comparison, hashing and revision bookkeeping of the kube-sim Deployment controller.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "pod_template.hpp"

namespace kubesim::cluster {
namespace {
namespace json = boost::json;

json::object tmpl(const std::string& image) {
  return json::parse(R"({"metadata":{"labels":{"app":"web"}},
                         "spec":{"containers":[{"name":"app","image":")" +
                     image + R"("}]}})")
      .as_object();
}

TEST(ClusterPodTemplate, KubectlEchoesDoNotMakeATemplateDifferent) {
  auto echoed = json::parse(R"({"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
      "spec":{"containers":[{"name":"app","image":"demo:v1","resources":{}}]}})")
                    .as_object();
  EXPECT_TRUE(templates_equal(tmpl("demo:v1"), echoed));
  EXPECT_EQ(pod_template_hash(tmpl("demo:v1"), 0), pod_template_hash(echoed, 0));
}

TEST(ClusterPodTemplate, PodTemplateHashLabelIsIgnored) {
  auto with_hash = tmpl("demo:v1");
  with_hash["metadata"].as_object()["labels"].as_object()["pod-template-hash"] = "abc";
  EXPECT_TRUE(templates_equal(tmpl("demo:v1"), with_hash));
}

TEST(ClusterPodTemplate, KeyOrderDoesNotMatter) {
  auto reordered = json::parse(R"({"spec":{"containers":[{"image":"demo:v1","name":"app"}]},
                                   "metadata":{"labels":{"app":"web"}}})")
                       .as_object();
  EXPECT_TRUE(templates_equal(tmpl("demo:v1"), reordered));
}

TEST(ClusterPodTemplate, RealChangesDiffer) {
  EXPECT_FALSE(templates_equal(tmpl("demo:v1"), tmpl("demo:v2")));
  EXPECT_NE(pod_template_hash(tmpl("demo:v1"), 0), pod_template_hash(tmpl("demo:v2"), 0));
  auto restarted = tmpl("demo:v1");
  restarted["metadata"].as_object()["annotations"] =
      json::object{{"kubectl.kubernetes.io/restartedAt", "2026-11-28T15:00:00Z"}};
  EXPECT_FALSE(templates_equal(tmpl("demo:v1"), restarted));
  // A non-empty resources block is a real change.
  auto limited = json::parse(R"({"metadata":{"labels":{"app":"web"}},
      "spec":{"containers":[{"name":"app","image":"demo:v1","resources":{"limits":{"cpu":"1"}}}]}})")
                     .as_object();
  EXPECT_FALSE(templates_equal(tmpl("demo:v1"), limited));
}

TEST(ClusterPodTemplate, HashUsesTheSafeAlphabetAndTheCollisionCount) {
  std::string h = pod_template_hash(tmpl("demo:v1"), 0);
  ASSERT_FALSE(h.empty());
  for (char c : h) EXPECT_NE(std::string("bcdfghjklmnpqrstvwxz2456789").find(c), std::string::npos) << h;
  EXPECT_NE(h, pod_template_hash(tmpl("demo:v1"), 1));
  EXPECT_EQ(h, pod_template_hash(tmpl("demo:v1"), 0));
}

TEST(ClusterRevision, NewRsGetsNextRevision) {
  auto u = next_revision("", "", 0);
  EXPECT_TRUE(u.changed);
  EXPECT_EQ(u.revision, "1");
  EXPECT_EQ(u.history, "");
  u = next_revision("", "", 4);
  EXPECT_EQ(u.revision, "5");
}

TEST(ClusterRevision, CurrentRsKeepsItsRevision) {
  auto u = next_revision("2", "", 1);
  EXPECT_FALSE(u.changed);
  EXPECT_EQ(u.revision, "2");
}

TEST(ClusterRevision, RollbackReusesRsWithNewRevisionAndHistory) {
  auto u = next_revision("1", "", 2);
  EXPECT_TRUE(u.changed);
  EXPECT_EQ(u.revision, "3");
  EXPECT_EQ(u.history, "1");
  // Back again later: the history grows.
  u = next_revision("3", "1", 4);
  EXPECT_EQ(u.revision, "5");
  EXPECT_EQ(u.history, "1,3");
}

TEST(ClusterRevision, MalformedRevisionsCountAsZero) {
  EXPECT_EQ(revision_number("12"), 12);
  EXPECT_EQ(revision_number(""), 0);
  EXPECT_EQ(revision_number("x1"), 0);
  EXPECT_EQ(revision_number("-3"), 0);
  EXPECT_EQ(revision_number("99999999999999999999999"), 0);
}

}  // namespace
}  // namespace kubesim::cluster
