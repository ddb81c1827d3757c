// /openapi/v2: the v3 → v2 schema and path conversion, the protobuf form client-go reads (decoded
// back here field by field with gnostic's field numbers and checked against kube-openapi's parse
// rules), content negotiation, ETag, CRDs following their lifetime; and DELETE bodies in protobuf.
#include "openapi_v2.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <set>

#include "api_server.hpp"
#include "delete_options_body.hpp"
#include "proto_wire.hpp"

namespace kubesim {
namespace {
namespace json = boost::json;

// One decoded message: its fields by number, in wire order (owning their bytes: the tests decode
// nested messages out of temporaries).
struct Field {
  std::uint64_t varint = 0;
  std::string bytes;
};
using Message = std::multimap<std::uint32_t, Field>;
Message decode(std::string_view bytes) {
  Message m;
  ProtoReader r(bytes);
  while (auto f = r.next()) m.emplace(f->number, Field{f->varint, std::string(f->bytes)});
  EXPECT_FALSE(r.failed());
  return m;
}
std::vector<std::string> all(const Message& m, std::uint32_t field) {
  std::vector<std::string> out;
  auto [b, e] = m.equal_range(field);
  for (auto it = b; it != e; ++it) out.push_back(it->second.bytes);
  return out;
}
std::string one(const Message& m, std::uint32_t field) {
  auto v = all(m, field);
  return v.empty() ? std::string() : v.front();
}
// repeated Named* { name = 1; value = 2 } as name -> value bytes.
std::map<std::string, std::string> named(const Message& m, std::uint32_t field) {
  std::map<std::string, std::string> out;
  for (const auto& bytes : all(m, field)) {
    auto n = decode(bytes);
    out[one(n, 1)] = one(n, 2);
  }
  return out;
}
// A vendor extension's Any { yaml = 2 }, parsed back.
json::value extension(const Message& schema_or_op, std::uint32_t field, const std::string& name) {
  auto ext = named(schema_or_op, field);
  if (!ext.contains(name)) return nullptr;
  return json::parse(one(decode(ext[name]), 2));
}

TEST(OpenApiV2Schema, DescribedReferenceBecomesARefWithItsDescription) {
  auto v2 = schema_v3_to_v2(json::parse(R"({"allOf":[{"$ref":"#/components/schemas/io.k8s.X"}],
    "description":"the x","type":"object"})"));
  EXPECT_EQ(v2, json::parse(R"({"$ref":"#/definitions/io.k8s.X","description":"the x"})"));
}

TEST(OpenApiV2Schema, IntOrStringNullableAndPreservedFieldsAsTheApiServerPublishesThem) {
  auto v2 = schema_v3_to_v2(json::parse(R"({"type":"object","required":["a","n"],"properties":{
    "a":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]},
    "n":{"type":"object","nullable":true,"properties":{"x":{"type":"string"}}},
    "p":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"y":{"type":"string"}}},
    "l":{"type":"array","x-kubernetes-preserve-unknown-fields":true,"items":{"type":"string"}}}})"));
  const auto& p = v2.at("properties");
  EXPECT_EQ(p.at("a"),
            json::parse(R"({"x-kubernetes-int-or-string":true,"type":"string","format":"int-or-string"})"));
  EXPECT_EQ(p.at("n"), json::object{});  // untyped: kubectl accepts anything, null included
  EXPECT_EQ(p.at("p"), json::parse(R"({"type":"object","x-kubernetes-preserve-unknown-fields":true})"));
  EXPECT_EQ(p.at("l"),
            json::parse(R"({"x-kubernetes-preserve-unknown-fields":true})"));  // no array without items
  EXPECT_EQ(v2.at("required"), json::array{"a"});
}

TEST(OpenApiV2Paths, WritesGetABodyAndInlineQueryParameters) {
  auto v2 = paths_v3_to_v2(json::parse(R"({"/apis/apps/v1/namespaces/{namespace}/deployments/{name}":{
    "patch":{"operationId":"patchDeploymentNamespaced","x-kubernetes-action":"patch",
      "parameters":[{"name":"fieldValidation","in":"query","schema":{"type":"string"},"uniqueItems":true}],
      "responses":{"200":{"description":"OK","content":{"application/json":{"schema":{
        "$ref":"#/components/schemas/io.k8s.api.apps.v1.Deployment"}}}}}}}})")
                               .as_object(),
                           true);
  const auto& item = v2.at("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").as_object();
  const auto& patch = item.at("patch").as_object();
  EXPECT_EQ(patch.at("responses").at("200").at("schema").at("$ref"),
            "#/definitions/io.k8s.api.apps.v1.Deployment");
  const auto& params = patch.at("parameters").as_array();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].at("in"), "body");
  EXPECT_EQ(params[1],
            json::parse(R"({"name":"fieldValidation","in":"query","type":"string","uniqueItems":true})"));
  std::set<std::string> path_params;
  for (const auto& p : item.at("parameters").as_array()) path_params.emplace(p.at("name").as_string());
  EXPECT_EQ(path_params, (std::set<std::string>{"name", "namespace"}));
}

TEST(OpenApiV2Negotiation, ProtobufOnlyWhenAskedForFirst) {
  EXPECT_TRUE(accepts_openapi_v2_protobuf(kOpenApiV2Protobuf));
  EXPECT_TRUE(accepts_openapi_v2_protobuf(std::string(kOpenApiV2Protobuf) + ", application/json"));
  EXPECT_TRUE(accepts_openapi_v2_protobuf(kOpenApiV2ProtobufContentType));
  EXPECT_FALSE(accepts_openapi_v2_protobuf("application/json, " + std::string(kOpenApiV2Protobuf)));
  EXPECT_FALSE(accepts_openapi_v2_protobuf(""));
  EXPECT_FALSE(accepts_openapi_v2_protobuf("*/*"));
  EXPECT_FALSE(accepts_openapi_v2_protobuf("application/vnd.kubernetes.protobuf"));
}

class OpenApiV2Server : public ::testing::Test {
 protected:
  OpenApiV2Server() : api_(io_.get_executor(), ApiServerOptions{}) {}
  HttpResponse call(const std::string& method, const std::string& path, const std::string& body = {},
                    const std::string& accept = "application/json", const std::string& if_none_match = {}) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.content_type = "application/json";
    r.accept = accept;
    r.if_none_match = if_none_match;
    return api_.handle(r);
  }
  static std::string header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
  HttpResponse protobuf() { return call("GET", "/openapi/v2", {}, kOpenApiV2Protobuf); }
  // Definitions { repeated NamedSchema additional_properties = 1 } of Document field 9.
  std::map<std::string, std::string> definitions(const std::string& document) {
    return named(decode(one(decode(document), 9)), 1);
  }
  void create_crd() {
    auto crd = R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
      "metadata":{"name":"widgets.example.com"},
      "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},
        "versions":[{"name":"v1","served":true,"storage":true,
          "schema":{"openAPIV3Schema":{"type":"object","properties":{
            "spec":{"type":"object","properties":{"size":{"type":"integer","minimum":1}}}}}}}]}})";
    ASSERT_EQ(call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd).status, 201u);
  }

  boost::asio::io_context io_;
  ApiServer api_;
};

TEST_F(OpenApiV2Server, JsonDocumentHasDefinitionsAndPaths) {
  auto r = call("GET", "/openapi/v2");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/json");
  auto doc = json::parse(r.body);
  EXPECT_EQ(doc.at("swagger"), "2.0");
  const auto& dep = doc.at("definitions").at("io.k8s.api.apps.v1.Deployment");
  EXPECT_EQ(dep.at("x-kubernetes-group-version-kind").at(0).at("kind"), "Deployment");
  EXPECT_EQ(dep.at("properties").at("metadata").at("$ref"),
            "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  EXPECT_TRUE(
      doc.at("paths").as_object().contains("/apis/apps/v1/namespaces/{namespace}/deployments/{name}"));
  EXPECT_EQ(json::serialize(doc).find("#/components/"), std::string::npos);
}

// What kube-openapi's proto.NewOpenAPIData refuses (helm and kubectl fail on any of it): a $ref to
// a missing definition or with a type of its own, an array without exactly one item schema.
void expect_parseable(std::string_view schema_bytes, const std::set<std::string>& names,
                      const std::string& where) {
  auto s = decode(schema_bytes);
  auto type = all(decode(one(s, 22)), 1);
  if (auto ref = one(s, 1); !ref.empty()) {
    ASSERT_TRUE(ref.starts_with("#/definitions/")) << where;
    EXPECT_TRUE(names.contains(ref.substr(14))) << where << " -> " << ref;
    EXPECT_TRUE(type.empty()) << where << " has a $ref and a type";
  }
  if (!type.empty() && type[0] == "array") {
    auto items = all(decode(one(s, 23)), 1);
    ASSERT_EQ(items.size(), 1u) << where;
    expect_parseable(items[0], names, where + "[]");
  }
  for (const auto& [name, sub] : named(decode(one(s, 25)), 1))
    expect_parseable(sub, names, where + "." + name);
  if (auto ap = decode(one(s, 21)); ap.contains(1)) expect_parseable(one(ap, 1), names, where + "{}");
}

TEST_F(OpenApiV2Server, ProtobufDocumentParsesAsKubeOpenApiReadsIt) {
  auto r = protobuf();
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, kOpenApiV2ProtobufContentType);
  auto doc = decode(r.body);
  EXPECT_EQ(one(doc, 1), "2.0");
  EXPECT_EQ(one(decode(one(doc, 2)), 1), "Kubernetes");
  auto defs = definitions(r.body);
  std::set<std::string> names;
  for (const auto& [n, s] : defs) names.insert(n);
  ASSERT_TRUE(names.contains("io.k8s.api.apps.v1.Deployment"));
  ASSERT_TRUE(names.contains("io.k8s.api.core.v1.Secret"));
  for (const auto& [n, s] : defs) expect_parseable(s, names, n);

  auto dep = decode(defs["io.k8s.api.apps.v1.Deployment"]);
  EXPECT_EQ(extension(dep, 31, "x-kubernetes-group-version-kind"),
            json::parse(R"([{"group":"apps","kind":"Deployment","version":"v1"}])"));
  auto props = named(decode(one(dep, 25)), 1);
  EXPECT_TRUE(props.contains("spec"));
  EXPECT_EQ(one(decode(props["metadata"]), 1),
            "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  // An int32 field: TypeItem "integer", format "int32".
  auto spec = decode(props["spec"]);
  auto replicas = decode(named(decode(one(spec, 25)), 1)["replicas"]);
  EXPECT_EQ(one(decode(one(replicas, 22)), 1), "integer");
  EXPECT_EQ(one(replicas, 2), "int32");
}

TEST_F(OpenApiV2Server, ProtobufPatchOperationsCarryFieldValidation) {
  // cli-runtime's v2 QueryParamVerifier: the PATCH operation of the GVK lists fieldValidation.
  auto paths = named(decode(one(decode(protobuf().body), 8)), 2);
  auto item = decode(paths.at("/apis/apps/v1/namespaces/{namespace}/deployments/{name}"));
  auto patch = decode(one(item, 8));
  EXPECT_EQ(one(patch, 5), "patchDeploymentNamespaced");
  EXPECT_EQ(extension(patch, 13, "x-kubernetes-group-version-kind"),
            json::parse(R"({"group":"apps","version":"v1","kind":"Deployment"})"));
  std::set<std::string> query;
  bool body = false;
  for (const auto& p : all(patch, 8)) {
    auto param = decode(one(decode(p), 1));  // ParametersItem.parameter
    if (param.contains(1)) body = one(decode(one(param, 1)), 2) == "body";
    if (param.contains(2)) query.insert(one(decode(one(decode(one(param, 2)), 3)), 4));
  }
  EXPECT_TRUE(body);
  EXPECT_TRUE(query.contains("fieldValidation"));
  EXPECT_TRUE(query.contains("dryRun"));
  auto responses = named(decode(one(patch, 9)), 1);
  auto ok = decode(one(decode(responses.at("200")), 1));
  EXPECT_EQ(one(decode(one(decode(one(ok, 2)), 1)), 1), "#/definitions/io.k8s.api.apps.v1.Deployment");
}

TEST_F(OpenApiV2Server, CrdsAppearAndGoWithTheirDefinition) {
  const std::string name = "com.example.v1.Widget";
  EXPECT_FALSE(definitions(protobuf().body).contains(name));
  auto etag = header(protobuf(), "ETag");
  create_crd();
  auto defs = definitions(protobuf().body);
  ASSERT_TRUE(defs.contains(name));
  auto widget = decode(defs[name]);
  EXPECT_EQ(extension(widget, 31, "x-kubernetes-group-version-kind"),
            json::parse(R"([{"group":"example.com","version":"v1","kind":"Widget"}])"));
  auto spec = decode(named(decode(one(widget, 25)), 1)["spec"]);
  auto size = decode(named(decode(one(spec, 25)), 1)["size"]);
  ASSERT_TRUE(size.contains(9));  // minimum, a double on the wire
  EXPECT_EQ(std::bit_cast<double>(size.find(9)->second.varint), 1.0);
  EXPECT_NE(header(protobuf(), "ETag"), etag);
  ASSERT_EQ(
      call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").status,
      200u);
  EXPECT_FALSE(definitions(protobuf().body).contains(name));
}

// kubectl apply picks its patch type from the v2 PATCH operation's consumes: a strategic merge
// patch to a custom resource is refused with 415, as on a real cluster.
TEST_F(OpenApiV2Server, OnlyBuiltinKindsConsumeStrategicMergePatch) {
  create_crd();
  auto paths = json::parse(call("GET", "/openapi/v2").body).at("paths");
  auto consumes = [&](const char* path) {
    std::set<std::string> out;
    for (const auto& c : paths.at(path).at("patch").at("consumes").as_array()) out.emplace(c.as_string());
    return out;
  };
  const std::string smp = "application/strategic-merge-patch+json";
  EXPECT_TRUE(consumes("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").contains(smp));
  auto widgets = consumes("/apis/example.com/v1/namespaces/{namespace}/widgets/{name}");
  EXPECT_FALSE(widgets.contains(smp));
  EXPECT_TRUE(widgets.contains("application/merge-patch+json"));
}

TEST_F(OpenApiV2Server, IfNoneMatchWithTheCurrentETagIsNotModified) {
  auto first = call("GET", "/openapi/v2");
  auto etag = header(first, "ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(call("GET", "/openapi/v2", {}, "application/json", etag).status, 304u);
  EXPECT_EQ(call("GET", "/openapi/v2", {}, kOpenApiV2Protobuf, etag).body, "");
  EXPECT_EQ(call("GET", "/openapi/v2", {}, "application/json", "\"stale\"").status, 200u);
}

std::string k8s_protobuf(std::string_view kind, const ProtoWriter& raw) {
  ProtoWriter type_meta, unknown;
  type_meta.bytes_field(1, "v1");
  type_meta.bytes_field(2, kind);
  unknown.message_field(1, type_meta);
  unknown.message_field(2, raw);
  return std::string("k8s\0", 4) + unknown.bytes();
}

TEST(DeleteOptionsBody, ProtobufAsClientGoSendsIt) {
  ProtoWriter pre, opts;
  pre.bytes_field(1, "uid-1");
  pre.bytes_field(2, "42");
  opts.varint_field(1, 0);
  opts.message_field(2, pre);
  opts.bytes_field(4, "Foreground");
  opts.bytes_field(5, "All");
  auto v =
      parse_delete_options_body(k8s_protobuf("DeleteOptions", opts), "application/vnd.kubernetes.protobuf");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->at("propagationPolicy"), "Foreground");
  EXPECT_EQ(v->at("preconditions"), json::parse(R"({"uid":"uid-1","resourceVersion":"42"})"));
  EXPECT_EQ(v->at("dryRun"), json::array{"All"});
  EXPECT_EQ(v->at("gracePeriodSeconds"), 0);
  // An empty DeleteOptions (helm deleting a release Secret) is the defaults.
  auto empty = parse_delete_options_body(k8s_protobuf("DeleteOptions", ProtoWriter{}),
                                         "application/vnd.kubernetes.protobuf");
  ASSERT_TRUE(empty);
  EXPECT_FALSE(empty->as_object().contains("propagationPolicy"));
}

TEST(DeleteOptionsBody, BadBodiesAreClearErrors) {
  const std::string pb = "application/vnd.kubernetes.protobuf";
  for (const std::string& body : {std::string("not protobuf"), std::string("k8s\0\x0a\x05", 6),
                                  k8s_protobuf("Secret", ProtoWriter{})}) {
    auto v = parse_delete_options_body(body, pb);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, 400);
    EXPECT_NE(v.error().message.find("DeleteOptions"), std::string::npos) << v.error().message;
  }
  EXPECT_TRUE(parse_delete_options_body(R"({"propagationPolicy":"Orphan"})", "application/json"));
}

}  // namespace
}  // namespace kubesim
