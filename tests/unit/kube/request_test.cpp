#include "kube/request.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace rollguard::kube {
namespace {

TEST(ResourcePath, CoreNamespacedObject) {
  EXPECT_EQ(resource_path(ResourceDescriptor::pods(), "prod", "api-1"), "/api/v1/namespaces/prod/pods/api-1");
}

TEST(ResourcePath, GroupCollectionAcrossAllNamespaces) {
  EXPECT_EQ(resource_path(ResourceDescriptor::deployments(), ""), "/apis/apps/v1/deployments");
}

TEST(ResourcePath, ClusterScopedIgnoresNamespace) {
  EXPECT_EQ(resource_path(ResourceDescriptor::namespaces(), "ignored", "prod"), "/api/v1/namespaces/prod");
}

TEST(ResourcePath, Subresource) {
  EXPECT_EQ(resource_path(ResourceDescriptor::rollback_policies(), "prod", "api", "status"),
            "/apis/rollguard.io/v1alpha1/namespaces/prod/rollbackpolicies/api/status");
}

TEST(ResourcePath, HostileNameCannotEscapeThePath) {
  EXPECT_EQ(resource_path(ResourceDescriptor::pods(), "a/b", "../x?y"),
            "/api/v1/namespaces/a%2Fb/pods/..%2Fx%3Fy");
}

TEST(EncodeQueryValue, SelectorCharacters) {
  EXPECT_EQ(encode_query_value("app in (a,b),tier!=web"), "app%20in%20%28a%2Cb%29%2Ctier%21%3Dweb");
  EXPECT_EQ(encode_query_value("AZaz09-._~"), "AZaz09-._~");
}

TEST(ListRequest, AllOptions) {
  ListOptions options;
  options.label_selector = "app=api";
  options.field_selector = "metadata.name=x";
  options.limit = 500;
  options.resource_version = "0";
  auto request = requests::list(ResourceDescriptor::deployments(), "prod", options);
  EXPECT_EQ(request.method, Method::Get);
  EXPECT_EQ(
      request.target,
      "/apis/apps/v1/namespaces/prod/deployments?labelSelector=app%3Dapi&fieldSelector=metadata.name%3Dx"
      "&limit=500&resourceVersion=0");
  EXPECT_FALSE(request.watch);
}

TEST(ListRequest, ContinueNeverCarriesResourceVersion) {
  ListOptions options;
  options.limit = 500;
  options.continue_token = "abc==";
  options.resource_version = "42";
  options.resource_version_match = "NotOlderThan";
  auto request = requests::list(ResourceDescriptor::pods(), "", options);
  EXPECT_EQ(request.target, "/api/v1/pods?limit=500&continue=abc%3D%3D");
}

TEST(ListRequest, ResourceVersionMatchOnlyWithResourceVersion) {
  ListOptions options;
  options.resource_version_match = "NotOlderThan";
  EXPECT_EQ(requests::list(ResourceDescriptor::pods(), "", options).target, "/api/v1/pods");
  options.resource_version = "7";
  EXPECT_EQ(requests::list(ResourceDescriptor::pods(), "", options).target,
            "/api/v1/pods?resourceVersion=7&resourceVersionMatch=NotOlderThan");
}

TEST(WatchRequest, BookmarksTimeoutAndStreaming) {
  WatchOptions options;
  options.resource_version = "1234";
  options.timeout_seconds = 300;
  auto request = requests::watch(ResourceDescriptor::rollback_policies(), "", options);
  EXPECT_EQ(request.target,
            "/apis/rollguard.io/v1alpha1/rollbackpolicies?watch=true&resourceVersion=1234"
            "&allowWatchBookmarks=true&timeoutSeconds=300");
  EXPECT_TRUE(request.watch);
  ASSERT_TRUE(request.timeout.has_value());
  EXPECT_GT(*request.timeout, std::chrono::seconds(300));
}

TEST(WriteRequests, CreateReplacePatchCarryBodyAndOptions) {
  boost::json::value object = {{"metadata", {{"name", "x"}}}};
  WriteOptions write;
  write.dry_run = true;
  write.field_manager = "rollguard";
  write.field_validation = "Strict";
  auto create = requests::create(ResourceDescriptor::config_maps(), "d", object, write);
  EXPECT_EQ(create.method, Method::Post);
  EXPECT_EQ(create.target,
            "/api/v1/namespaces/d/configmaps?dryRun=All&fieldManager=rollguard&fieldValidation=Strict");
  EXPECT_EQ(create.content_type, "application/json");
  EXPECT_EQ(boost::json::parse(create.body), object);

  auto replace = requests::replace(ResourceDescriptor::rollback_policies(), "d", "x", object, {}, "status");
  EXPECT_EQ(replace.method, Method::Put);
  EXPECT_EQ(replace.target, "/apis/rollguard.io/v1alpha1/namespaces/d/rollbackpolicies/x/status");

  PatchOptions apply;
  apply.field_manager = "rollguard";
  apply.force = true;
  auto patch = requests::patch(ResourceDescriptor::deployments(), "d", "x", PatchType::Apply, "{}", apply);
  EXPECT_EQ(patch.method, Method::Patch);
  EXPECT_EQ(patch.content_type, "application/apply-patch+yaml");
  EXPECT_EQ(patch.target, "/apis/apps/v1/namespaces/d/deployments/x?fieldManager=rollguard&force=true");

  // force is meaningless (and rejected by the server) outside server-side apply.
  auto merge = requests::patch(ResourceDescriptor::deployments(), "d", "x", PatchType::Merge, "{}", apply);
  EXPECT_EQ(merge.target, "/apis/apps/v1/namespaces/d/deployments/x?fieldManager=rollguard");
  EXPECT_EQ(merge.content_type, "application/merge-patch+json");
  EXPECT_STREQ(content_type(PatchType::Json), "application/json-patch+json");
  EXPECT_STREQ(content_type(PatchType::Strategic), "application/strategic-merge-patch+json");
}

TEST(DeleteRequest, OptionsInBody) {
  DeleteOptions options;
  options.propagation_policy = "Foreground";
  options.precondition_resource_version = "99";
  options.precondition_uid = "u-1";
  options.dry_run = true;
  auto request = requests::remove(ResourceDescriptor::deployments(), "d", "x", options);
  EXPECT_EQ(request.method, Method::Delete);
  auto body = boost::json::parse(request.body);
  EXPECT_EQ(body.at("kind"), "DeleteOptions");
  EXPECT_EQ(body.at("propagationPolicy"), "Foreground");
  EXPECT_EQ(body.at("preconditions").at("resourceVersion"), "99");
  EXPECT_EQ(body.at("preconditions").at("uid"), "u-1");
  EXPECT_EQ(body.at("dryRun").at(0), "All");
}

TEST(ResourceDescriptor, Names) {
  auto deployments = ResourceDescriptor::deployments();
  EXPECT_EQ(deployments.api_version(), "apps/v1");
  EXPECT_EQ(deployments.qualified_name(), "deployments.apps");
  EXPECT_EQ(ResourceDescriptor::pods().api_version(), "v1");
  EXPECT_EQ(ResourceDescriptor::pods().qualified_name(), "pods");
}

}  // namespace
}  // namespace rollguard::kube
