// Protobuf request bodies: the exact bytes kubectl's typed create subcommands send (captured from
// kubectl 1.32.4; 1.35.2 sends the same bytes), payloads built field by field with a small writer
// for what kubectl does not fill in, malformed input, and the 415 of endpoints without protobuf.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "api_server.hpp"
#include "protobuf_body.hpp"

namespace kubesim {
namespace {
namespace json = boost::json;

std::string unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

// kubectl create deployment web --image=nginx:1 --port=8080 --replicas=2
const std::string kDeployment = unhex(
    "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bb010a1f0a0377656212001a0022002a003200380042005a"
    "0a0a036170"
    "7012037765621289010802120c0a0a0a0361707012037765621a6f0a1c0a0012001a0022002a003200380042005a0a0a03617070"
    "1203776562"
    "124f12310a056e67696e7812076e67696e783a312a00320b0a00100018903f22002a0042006a007200800100880100900100a201"
    "001a003200"
    "42004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200");
// kubectl create role r --verb=get,list --resource=pods
const std::string kRole = unhex(
    "6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c6512280a110a017212001a"
    "0022002a00"
    "32003800420012130a036765740a046c69737412001a04706f64731a002200");
// kubectl create service nodeport np --tcp=80:8080 --node-port=30080
const std::string kNodePort = unhex(
    "6b3873000a0d0a02763112075365727669636512670a1d0a026e7012001a0022002a003200380042005a090a0361707012026e70"
    "12420a1d0a"
    "0738302d38303830120354435018502207080010903f1a002880eb0112090a0361707012026e701a0022084e6f6465506f72743a"
    "0042005200"
    "5a00600068001a020a001a002200");
// kubectl create job j --image=busybox -- echo hi
const std::string kJob = unhex(
    "6b3873000a0f0a0862617463682f763112034a6f621282010a110a016a12001a0022002a00320038004200126332610a100a0012"
    "001a002200"
    "2a00320038004200124d122a0a016a120762757379626f781a046563686f1a0268692a0042006a007200800100880100900100a2"
    "01001a054e"
    "65766572320042004a0052005800600068008201008a01009a0100c201001a082000280030003a001a002200");

// kubectl create token sa --audience=a1 --duration=600s --bound-object-kind=Pod --bound-object-name=p
//   --bound-object-uid=u1
const std::string kTokenRequest = unhex(
    "6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e5265717565737412330a100a00"
    "12001a00"
    "22002a0032003800420012190a0261311a100a03506f64120276311a01702202753120d8041a040a0012001a002200");

// A protobuf writer for the payloads kubectl does not produce.
struct Pb {
  std::string out;
  Pb& key(std::uint32_t field, unsigned wire) { return raw_varint(std::uint64_t{field} << 3 | wire); }
  Pb& raw_varint(std::uint64_t v) {
    do {
      unsigned char b = v & 0x7f;
      v >>= 7;
      out += static_cast<char>(v ? b | 0x80 : b);
    } while (v);
    return *this;
  }
  Pb& varint(std::uint32_t field, std::uint64_t v) { return key(field, 0).raw_varint(v); }
  Pb& bytes(std::uint32_t field, std::string_view s) {
    key(field, 2).raw_varint(s.size());
    out += s;
    return *this;
  }
  Pb& msg(std::uint32_t field, const Pb& m) { return bytes(field, m.out); }
  Pb& entry(std::uint32_t field, std::string_view k, std::string_view v) {
    return msg(field, Pb{}.bytes(1, k).bytes(2, v));
  }
};

std::string envelope(std::string_view api_version, std::string_view kind, const Pb& object) {
  return std::string("k8s\0", 4) + Pb{}.msg(1, Pb{}.bytes(1, api_version).bytes(2, kind)).msg(2, object).out;
}

json::object decode_ok(const std::string& body) {
  auto r = decode_protobuf_object(body);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r->as_object() : json::object{};
}

TEST(ProtobufBody, KubectlCreateDeploymentDecodesFieldByField) {
  auto d = decode_ok(kDeployment);
  EXPECT_EQ(d.at("apiVersion"), "apps/v1");
  EXPECT_EQ(d.at("kind"), "Deployment");
  EXPECT_EQ(d.at("metadata"), json::parse(R"({"name":"web","labels":{"app":"web"}})"));
  const auto& spec = d.at("spec").as_object();
  EXPECT_EQ(spec.at("replicas"), 2);
  EXPECT_EQ(spec.at("selector"), json::parse(R"({"matchLabels":{"app":"web"}})"));
  // Non-pointer zero scalars on the wire (minReadySeconds, paused, hostPort, ...) are left out as
  // JSON's omitempty would; empty structs stay as {}.
  EXPECT_FALSE(spec.contains("minReadySeconds"));
  EXPECT_FALSE(spec.contains("paused"));
  EXPECT_EQ(spec.at("strategy"), json::object{});
  const auto& tmpl = spec.at("template").as_object();
  EXPECT_EQ(tmpl.at("metadata"), json::parse(R"({"labels":{"app":"web"}})"));
  EXPECT_EQ(
      tmpl.at("spec"),
      json::parse(
          R"({"containers":[{"name":"nginx","image":"nginx:1","ports":[{"containerPort":8080}],"resources":{}}]})"));
  EXPECT_FALSE(d.contains("status") && !d.at("status").as_object().empty());
}

TEST(ProtobufBody, KubectlCreateRoleServiceAndJob) {
  auto role = decode_ok(kRole);
  // The core group is the empty string: repeated strings keep their empty entries.
  EXPECT_EQ(role.at("rules"),
            json::parse(R"([{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"]}])"));

  auto svc = decode_ok(kNodePort);
  EXPECT_EQ(svc.at("spec"),
            json::parse(R"({"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080,
      "nodePort":30080}],"selector":{"app":"np"},"type":"NodePort"})"));

  auto job = decode_ok(kJob);
  const auto& pod = job.at("spec").at("template").at("spec");
  EXPECT_EQ(pod.at("containers").at(0).at("command"), json::parse(R"(["echo","hi"])"));
  EXPECT_EQ(pod.at("restartPolicy"), "Never");
}

TEST(ProtobufBody, KubectlCreateTokenRequest) {
  auto t = decode_ok(kTokenRequest);
  EXPECT_EQ(t.at("kind"), "TokenRequest");
  EXPECT_EQ(t.at("spec"), json::parse(R"({"audiences":["a1"],"expirationSeconds":600,
      "boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"p","uid":"u1"}})"));
}

TEST(ProtobufBody, PodSpecFieldsKubectlDoesNotSend) {
  Pb probe;
  probe.msg(1, Pb{}.msg(2, Pb{}.bytes(1, "/healthz").msg(2, Pb{}.varint(1, 1).bytes(3, "http"))))
      .varint(3, 2)
      .varint(6, 5);
  Pb secret_ref;
  secret_ref.msg(1, Pb{}.bytes(1, "creds")).bytes(2, "token");
  Pb container;
  container.bytes(1, "app")
      .bytes(2, "demo:1")
      .msg(7, Pb{}.bytes(1, "TOKEN").msg(3, Pb{}.msg(4, secret_ref)))
      .msg(8, Pb{}.msg(1, Pb{}.bytes(1, "cpu").msg(2, Pb{}.bytes(1, "500m"))))
      .msg(9, Pb{}.bytes(1, "cfg").varint(2, 1).bytes(3, "/etc/app"))
      .msg(11, probe)
      .msg(15, Pb{}.varint(5, 1).msg(1, Pb{}.bytes(2, "ALL")));
  Pb spec;
  spec.msg(1,
           Pb{}.bytes(1, "cfg").msg(2, Pb{}.msg(19, Pb{}.msg(1, Pb{}.bytes(1, "settings")).varint(3, 420))))
      .msg(2, container)
      .varint(4, 0)  // terminationGracePeriodSeconds is a pointer: an explicit 0 is kept
      .entry(7, "disk", "ssd")
      .msg(22, Pb{}.bytes(1, "dedicated").bytes(2, "Exists").bytes(4, "NoSchedule"))
      .varint(99, 7);  // a field kube-sim does not know: skipped
  auto pod = decode_ok(envelope("v1", "Pod", Pb{}.msg(1, Pb{}.bytes(1, "p")).msg(2, spec)));
  const auto& s = pod.at("spec").as_object();
  EXPECT_EQ(s.at("terminationGracePeriodSeconds"), 0);
  EXPECT_EQ(s.at("nodeSelector"), json::parse(R"({"disk":"ssd"})"));
  EXPECT_EQ(s.at("volumes"),
            json::parse(R"([{"name":"cfg","configMap":{"name":"settings","defaultMode":420}}])"));
  EXPECT_EQ(s.at("tolerations"),
            json::parse(R"([{"key":"dedicated","operator":"Exists","effect":"NoSchedule"}])"));
  const auto& c = s.at("containers").at(0).as_object();
  EXPECT_EQ(c.at("env"),
            json::parse(R"([{"name":"TOKEN","valueFrom":{"secretKeyRef":{"name":"creds","key":"token"}}}])"));
  EXPECT_EQ(c.at("resources"), json::parse(R"({"limits":{"cpu":"500m"}})"));
  EXPECT_EQ(c.at("volumeMounts"), json::parse(R"([{"name":"cfg","readOnly":true,"mountPath":"/etc/app"}])"));
  EXPECT_EQ(c.at("readinessProbe"),
            json::parse(
                R"({"httpGet":{"path":"/healthz","port":"http"},"timeoutSeconds":2,"failureThreshold":5})"));
  EXPECT_EQ(c.at("securityContext"), json::parse(R"({"runAsNonRoot":true,"capabilities":{"drop":["ALL"]}})"));
}

TEST(ProtobufBody, TimesBytesAndPointerZeros) {
  // Lease: MicroTime with microseconds, a pointer int32 of 0 kept.
  Pb renew;
  renew.varint(1, 1'700'000'000).varint(2, 123'456'000);
  auto lease = decode_ok(
      envelope("coordination.k8s.io/v1", "Lease",
               Pb{}.msg(1, Pb{}.bytes(1, "leader")).msg(2, Pb{}.bytes(1, "a").varint(2, 0).msg(4, renew))));
  EXPECT_EQ(
      lease.at("spec"),
      json::parse(
          R"({"holderIdentity":"a","leaseDurationSeconds":0,"renewTime":"2023-11-14T22:13:20.123456Z"})"));
  // core Event: Time in seconds; the zero Time (an empty message) is left out.
  auto event = decode_ok(envelope(
      "v1", "Event",
      Pb{}.msg(1, Pb{}.bytes(1, "e")).bytes(3, "Started").msg(6, Pb{}.varint(1, 86400)).msg(7, Pb{})));
  EXPECT_EQ(event.at("firstTimestamp"), "1970-01-02T00:00:00Z");
  EXPECT_FALSE(event.contains("lastTimestamp"));
  // Secret data is bytes: base64 in JSON, binary safe.
  auto secret = decode_ok(
      envelope("v1", "Secret", Pb{}.msg(1, Pb{}.bytes(1, "s")).entry(2, "k", std::string("\0\xff", 2))));
  EXPECT_EQ(secret.at("data"), json::parse(R"({"k":"AP8="})"));
  // Deployment replicas is a pointer: 0 is a request for zero pods, not "unset".
  auto d =
      decode_ok(envelope("apps/v1", "Deployment", Pb{}.msg(1, Pb{}.bytes(1, "d")).msg(2, Pb{}.varint(1, 0))));
  EXPECT_EQ(d.at("spec").at("replicas"), 0);
}

void expect_bad_request(const std::string& body, const std::string& fragment) {
  auto r = decode_protobuf_object(body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 400u);
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

TEST(ProtobufBody, MalformedInputIsAClearBadRequest) {
  // Every truncation of a real payload is refused or decoded, never read past its end.
  for (std::size_t n = 0; n < kDeployment.size(); ++n) {
    auto r = decode_protobuf_object(kDeployment.substr(0, n));
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, 400u) << n;
    }
  }
  expect_bad_request(kDeployment.substr(0, 60), "could not be decoded as protobuf");
  expect_bad_request("{\"kind\":\"Pod\"}", "expected prefix [107 56 115 0]");
  expect_bad_request(envelope("apps/v1", "Deployment", Pb{}.msg(2, Pb{}.bytes(1, "two"))),
                     "Deployment.spec.replicas: wire type length-delimited where varint was expected");
  expect_bad_request(envelope("v1", "ConfigMap", Pb{}.msg(1, Pb{}.bytes(1, "\xc3"))),
                     "ConfigMap.metadata.name: string is not valid UTF-8");
  expect_bad_request(envelope("v1", "Gadget", Pb{}), "no kind \"Gadget\" is registered for version \"v1\"");
  expect_bad_request(std::string("k8s\0", 4) + Pb{}.msg(2, Pb{}).out, "Object 'Kind' is missing");
  expect_bad_request(std::string("k8s\0", 4) + "\x0f", "unsupported wire type 7");
}

TEST(ProtobufBody, MutatedPayloadsDecodeOrAreRefusedNeverCrash) {
  // Deterministic byte mutations of real payloads: each is decoded or refused with a 400.
  std::uint32_t seed = 12345;
  auto rnd = [&seed] { return seed = seed * 1103515245u + 12345u, seed >> 8; };
  int refused = 0;
  for (const auto* base : {&kDeployment, &kJob, &kNodePort, &kRole, &kTokenRequest}) {
    for (int i = 0; i < 2000; ++i) {
      std::string b = *base;
      for (int k = 0, n = 1 + static_cast<int>(rnd() % 4); k < n; ++k)
        b[4 + rnd() % (b.size() - 4)] = static_cast<char>(rnd() & 0xff);
      auto r = decode_protobuf_object(b);
      if (!r.ok()) {
        ++refused;
        EXPECT_EQ(r.error().code, 400u) << r.error().message;
      }
    }
  }
  EXPECT_GT(refused, 0);
}

class ProtobufServerTest : public ::testing::Test {
 protected:
  ProtobufServerTest() : api_(io_.get_executor(), ApiServerOptions{}, [this] { return now_; }) {}
  HttpResponse call(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& content_type) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.content_type = content_type;
    r.accept = "application/json";
    r.user_agent = "kubectl/v1.32.4 (linux/amd64)";
    return api_.handle(r);
  }
  boost::asio::io_context io_;
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::from_time_t(1'700'000'000);
  ApiServer api_;
};

TEST_F(ProtobufServerTest, CreatesBuiltinsAndAnswersOthersWithTheAcceptedTypes) {
  auto created = call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeployment,
                      "application/vnd.kubernetes.protobuf");
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(json::parse(created.body).at("spec").at("template").at("spec").at("containers").at(0).at("image"),
            "nginx:1");

  // A typed Update (PUT) is protobuf too: the replaced object comes through, preconditioned.
  auto cm = [](std::string_view rv, std::string_view mode) {
    return envelope("v1", "ConfigMap",
                    Pb{}.msg(1, Pb{}.bytes(1, "settings").bytes(6, rv)).entry(2, "mode", mode));
  };
  ASSERT_EQ(call("POST", "/api/v1/namespaces/default/configmaps", cm("", "fast"),
                 "application/vnd.kubernetes.protobuf")
                .status,
            201u);
  auto rv = json::value_to<std::string>(
      json::parse(call("GET", "/api/v1/namespaces/default/configmaps/settings", "", "").body)
          .at("metadata")
          .at("resourceVersion"));
  auto replaced = call("PUT", "/api/v1/namespaces/default/configmaps/settings", cm(rv, "slow"),
                       "application/vnd.kubernetes.protobuf");
  ASSERT_EQ(replaced.status, 200u) << replaced.body;
  EXPECT_EQ(json::parse(replaced.body).at("data").at("mode"), "slow");
  EXPECT_EQ(call("PUT", "/api/v1/namespaces/default/configmaps/settings", cm(rv, "again"),
                 "application/vnd.kubernetes.protobuf")
                .status,
            409u);

  auto crd = R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
      "metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
      "names":{"plural":"widgets","singular":"widget","kind":"Widget"},
      "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
      "x-kubernetes-preserve-unknown-fields":true}}}]}})";
  ASSERT_EQ(
      call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd, "application/json").status,
      201u);
  // Custom resources have no protobuf form: 415, worded as the API server words it.
  auto widget = call("POST", "/apis/example.com/v1/namespaces/default/widgets",
                     envelope("example.com/v1", "Widget", Pb{}.msg(1, Pb{}.bytes(1, "w"))),
                     "application/vnd.kubernetes.protobuf");
  EXPECT_EQ(widget.status, 415u);
  auto status = json::parse(widget.body);
  EXPECT_EQ(status.at("reason"), "UnsupportedMediaType");
  EXPECT_EQ(
      status.at("message"),
      "the body of the request was in an unknown format - accepted media types include: application/json, "
      "application/yaml");
  // A built-in endpoint lists protobuf among what it accepts.
  auto cbor = call("POST", "/api/v1/namespaces/default/configmaps", "\xa0", "application/cbor");
  EXPECT_EQ(cbor.status, 415u);
  EXPECT_EQ(
      json::parse(cbor.body).at("message"),
      "the body of the request was in an unknown format - accepted media types include: application/json, "
      "application/yaml, application/vnd.kubernetes.protobuf");
  auto form =
      call("PUT", "/api/v1/namespaces/default/configmaps/c", "a=b", "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 415u) << form.body;
  auto plain = call("POST", "/api/v1/namespaces/default/configmaps",
                    R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})", "");
  EXPECT_EQ(plain.status, 201u) << plain.body;
  auto bad = call("POST", "/api/v1/namespaces/default/configmaps", kDeployment.substr(0, 40),
                  "application/vnd.kubernetes.protobuf");
  EXPECT_EQ(bad.status, 400u) << bad.body;
}

}  // namespace
}  // namespace kubesim
