#include <boost/json.hpp>

#include "evaluator_fixture.hpp"

namespace rollguard::measure::testing {
namespace {

class WebhookSloTest : public EvaluatorTest {};

TEST_F(WebhookSloTest, PostsTheContextAnd2xxPasses) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{202, "queued"}; });
  WebhookSlo hook;
  hook.url = server.url("/verify");
  hook.headers = {{"X-Source", "rollguard"}};
  auto m = evaluate(Slo{"smoke", hook}, context());
  EXPECT_EQ(m.result, SloResult::Pass) << m.message;
  EXPECT_EQ(m.value, "HTTP 202");
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  const auto& request = seen[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.headers.at("content-type"), "application/json");
  EXPECT_EQ(request.headers.at("x-source"), "rollguard");
  EXPECT_EQ(boost::json::parse(request.body),
            boost::json::parse(R"({"policy":"web-rollback","namespace":"shop",
    "deployment":"web","revision":7,"podTemplateHash":"5d8f9c7b6","lastKnownGoodPodTemplateHash":"74c9d6f5b8"})"));
}

TEST_F(WebhookSloTest, TheUrlIsATemplate) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{200, "ok"}; });
  WebhookSlo hook;
  hook.url = server.url("/verify/{{deployment}}?revision={{ revision }}&hash={{podTemplateHash}}");
  auto m = evaluate(Slo{"smoke", hook}, context());
  EXPECT_EQ(m.result, SloResult::Pass) << m.message;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/verify/web?revision=7&hash=5d8f9c7b6");
}

TEST_F(WebhookSloTest, Non2xxFailsWithTheBodysFirstLine) {
  TestHttpServer server(io, [](const TestRequest&) {
    return TestReply{500, "  smoke test failed: checkout returned 502  \nstack trace...\n", "text/plain"};
  });
  WebhookSlo hook;
  hook.url = server.url("/verify");
  auto m = evaluate(Slo{"smoke", hook}, context());
  EXPECT_EQ(m.result, SloResult::Fail);
  EXPECT_EQ(m.message,
            "webhook " + hook.url + " answered HTTP 500: smoke test failed: checkout returned 502");
}

TEST_F(WebhookSloTest, UrlFromASecretIsNeverShown) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{403, "denied"}; });
  WebhookSlo hook;
  hook.url_from = SecretKeyRef{"hooks", "url"};
  EXPECT_EQ(evaluate(Slo{"smoke", hook}, context()).message, "secret hooks key url is not available");
  secrets["hooks/url"] = server.url("/verify?token=TOPSECRET");
  auto m = evaluate(Slo{"smoke", hook}, context());
  EXPECT_EQ(m.result, SloResult::Fail);
  EXPECT_EQ(m.message, "webhook (URL from secret hooks key url) answered HTTP 403: denied");
  EXPECT_EQ(server.requests().back().target, "/verify?token=TOPSECRET");
}

TEST_F(WebhookSloTest, TimeoutIsInconclusive) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{.delay = std::chrono::seconds(30)}; });
  WebhookSlo hook;
  hook.url_from = SecretKeyRef{"hooks", "url"};
  secrets["hooks/url"] = server.url("/verify?token=TOPSECRET");
  hook.timeout = std::chrono::milliseconds(200);
  auto m = evaluate(Slo{"smoke", hook}, context());
  EXPECT_EQ(m.result, SloResult::Inconclusive);
  EXPECT_EQ(m.message, "webhook (URL from secret hooks key url): timed out after 200ms");
}

TEST_F(WebhookSloTest, LimiterBoundsMeasurementsInFlight) {
  limiter = std::make_shared<Limiter>(2);
  SloEvaluator bounded(io.get_executor(), client, limiter, clock);
  TestHttpServer server(io, [](const TestRequest&) {
    return TestReply{.status = 200, .delay = std::chrono::milliseconds(50)};
  });
  WebhookSlo hook;
  hook.url = server.url("/verify");
  const Slo slo{"smoke", hook};
  const auto ctx = context();
  int done = 0;
  for (int i = 0; i < 6; ++i) {
    boost::asio::co_spawn(io, bounded.evaluate(slo, ctx, secrets), [&](std::exception_ptr, Measurement m) {
      EXPECT_EQ(m.result, SloResult::Pass);
      ++done;
    });
  }
  while (done < 6) io.run_one();
  EXPECT_EQ(server.requests().size(), 6u);
  EXPECT_EQ(server.max_concurrent(), 2u);
}

}  // namespace
}  // namespace rollguard::measure::testing
