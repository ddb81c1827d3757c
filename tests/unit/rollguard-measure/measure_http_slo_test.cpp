#include "evaluator_fixture.hpp"

namespace rollguard::measure::testing {
namespace {

class HttpSloTest : public EvaluatorTest {
 protected:
  Slo pod_slo(unsigned short port, int attempts = 1) {
    HttpSlo http;
    http.path = "/health";
    http.port = port;
    http.attempts = attempts;
    http.timeout = std::chrono::seconds(2);
    return Slo{"health", http};
  }
};

TEST_F(HttpSloTest, AllPodsHealthyPass) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{200, "ok"}; });
  auto ctx = context();
  // Every pod of the test is 127.0.0.1 (the server's port): three probes, three requests.
  ctx.pods = {{"web-a", "127.0.0.1"}, {"web-b", "127.0.0.1"}, {"web-c", "127.0.0.1"}};
  auto m = evaluate(pod_slo(server.port()), ctx);
  EXPECT_EQ(m.result, SloResult::Pass) << m.message;
  EXPECT_EQ(m.slo, "health");
  EXPECT_EQ(m.value, "3/3 pods healthy");
  EXPECT_EQ(m.threshold, "all pods HTTP 200");
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.requests()[0].target, "/health");
}

TEST_F(HttpSloTest, OneFailingPodIsNamedWithItsStatus) {
  // Three "pods" on three loopback addresses, one port: the new pods of a revision.
  TestHttpServer a(
      io, [](const TestRequest&) { return TestReply{200}; }, "127.0.0.11");
  TestHttpServer b(
      io,
      [](const TestRequest&) {
        return TestReply{503, "unhealthy"};
      },
      "127.0.0.12", a.port());
  TestHttpServer c(
      io, [](const TestRequest&) { return TestReply{200}; }, "127.0.0.13", a.port());
  auto ctx = context();
  ctx.pods = {{"web-7d9-a", "127.0.0.11"}, {"web-7d9-b", "127.0.0.12"}, {"web-7d9-c", "127.0.0.13"}};
  auto m = evaluate(pod_slo(a.port()), ctx);
  EXPECT_EQ(m.result, SloResult::Fail);
  EXPECT_EQ(m.value, "2/3 pods healthy");
  EXPECT_EQ(m.message, "pod web-7d9-b (127.0.0.12): HTTP 503");
  EXPECT_NEAR(*m.numeric, 2.0 / 3, 1e-9);
  EXPECT_EQ(a.requests().size() + b.requests().size() + c.requests().size(), 3u);
}

TEST_F(HttpSloTest, NoReadyPodsIsInconclusive) {
  auto m = evaluate(pod_slo(8080), context());
  EXPECT_EQ(m.result, SloResult::Inconclusive);
  EXPECT_EQ(m.message, "no ready pods of revision 7 to probe");
}

TEST_F(HttpSloTest, HangingHealthEndpointTimesOutAfterTheDeadline) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{.delay = std::chrono::seconds(30)}; });
  auto ctx = context();
  ctx.pods = {{"web-a", "127.0.0.1"}};
  const auto start = std::chrono::steady_clock::now();
  auto m = evaluate(pod_slo(server.port()), ctx);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_EQ(m.result, SloResult::Fail);
  EXPECT_EQ(m.message, "pod web-a (127.0.0.1): timed out after 2s");
}

TEST_F(HttpSloTest, AttemptsAreRetriedUntilOnePasses) {
  int calls = 0;
  TestHttpServer server(io, [&](const TestRequest&) { return TestReply{++calls < 3 ? 503 : 200}; });
  auto ctx = context();
  ctx.pods = {{"web-a", "127.0.0.1"}};
  auto m = evaluate(pod_slo(server.port(), 3), ctx);
  EXPECT_EQ(m.result, SloResult::Pass) << m.message;
  EXPECT_EQ(calls, 3);
  calls = -10;  // every attempt fails now
  m = evaluate(pod_slo(server.port(), 2), ctx);
  EXPECT_EQ(m.result, SloResult::Fail);
  EXPECT_EQ(m.message, "pod web-a (127.0.0.1): HTTP 503 (2 attempts)");
}

TEST_F(HttpSloTest, UrlWithSecretHeaderAndExpectedStatuses) {
  TestHttpServer server(io, [](const TestRequest& r) {
    return TestReply{
        r.headers.count("authorization") && r.headers.at("authorization") == "Bearer s3cr3t" ? 204 : 401};
  });
  HttpSlo http;
  http.url = server.url("/ping");
  http.expect_status = {200, 204};
  http.headers = {{"Authorization", "", SecretKeyRef{"probe-auth", "header"}}};
  Slo slo{"ping", http};
  auto missing = evaluate(slo, context());
  EXPECT_EQ(missing.result, SloResult::Inconclusive);
  EXPECT_EQ(missing.message, "secret probe-auth key header is not available");
  secrets["probe-auth/header"] = "Bearer s3cr3t";
  auto m = evaluate(slo, context());
  EXPECT_EQ(m.result, SloResult::Pass) << m.message;
  EXPECT_EQ(m.value, "HTTP 204");
  EXPECT_EQ(m.threshold, "HTTP 200,204");
  EXPECT_EQ(m.message.find("s3cr3t"), std::string::npos);
}

TEST_F(HttpSloTest, RefusedPodFails) {
  unsigned short free_port = 0;
  {
    TestHttpServer probe(io, nullptr);
    free_port = probe.port();
  }
  auto ctx = context();
  ctx.pods = {{"web-a", "127.0.0.1"}};
  auto m = evaluate(pod_slo(free_port), ctx);
  EXPECT_EQ(m.result, SloResult::Fail);
  EXPECT_EQ(m.message, "pod web-a (127.0.0.1): connection refused");
}

TEST_F(HttpSloTest, DeploymentKindIsLeftToTheController) {
  auto m = evaluate(Slo{"rollout", DeploymentSlo{}}, context());
  EXPECT_EQ(m.result, SloResult::Inconclusive);
  EXPECT_EQ(m.message, "evaluated by the controller");
}

}  // namespace
}  // namespace rollguard::measure::testing
