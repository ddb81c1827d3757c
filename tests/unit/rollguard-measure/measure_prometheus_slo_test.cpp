#include "evaluator_fixture.hpp"

namespace rollguard::measure::testing {
namespace {

std::string one_sample(const std::string& value) {
  return R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,")" +
         value + R"("]}]}})";
}
const std::string kEmpty = R"({"status":"success","data":{"resultType":"vector","result":[]}})";

// "query" parameter of a request target, decoded (what Prometheus reads).
std::string query_of(const std::string& target) {
  auto at = target.find("query=");
  std::string encoded = target.substr(at + 6), out;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size()) {
      out += static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += encoded[i] == '+' ? ' ' : encoded[i];
    }
  }
  return out;
}

class PrometheusSloTest : public EvaluatorTest {
 protected:
  PrometheusSlo error_rate(const TestHttpServer& server) {
    PrometheusSlo p;
    p.address = server.url("");
    p.query =
        R"(sum(rate(http_requests_total{namespace="{{namespace}}",pod_template_hash="{{podTemplateHash}}",code=~"5.."}[{{interval}}])) + 0)";
    p.max = 0.05;
    p.timeout = std::chrono::seconds(2);
    return p;
  }
  Measurement answer_with(const std::string& body, int status = 200) {
    TestHttpServer server(io, [&](const TestRequest&) { return TestReply{status, body}; });
    return evaluate(Slo{"errors", error_rate(server)}, context());
  }
};

TEST_F(PrometheusSloTest, OneSampleAboveMaxFailsWithValueAndThreshold) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{200, one_sample("0.31")}; });
  auto m = evaluate(Slo{"errors", error_rate(server)}, context());
  EXPECT_EQ(m.result, SloResult::Fail);
  EXPECT_EQ(m.value, "0.31");
  EXPECT_EQ(m.threshold, "<= 0.05");
  EXPECT_EQ(m.message, "0.31 is above the maximum 0.05");
  EXPECT_DOUBLE_EQ(*m.numeric, 0.31);
  ASSERT_EQ(server.requests().size(), 1u);
  const auto target = server.requests()[0].target;
  EXPECT_EQ(target.rfind("/api/v1/query?query=", 0), 0u);
  EXPECT_EQ(
      query_of(target),
      R"(sum(rate(http_requests_total{namespace="shop",pod_template_hash="5d8f9c7b6",code=~"5.."}[10s])) + 0)");
}

TEST_F(PrometheusSloTest, WithinBoundsPasses) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{200, one_sample("0.01")}; });
  auto slo = error_rate(server);
  slo.min = 0;
  auto m = evaluate(Slo{"errors", slo}, context());
  EXPECT_EQ(m.result, SloResult::Pass) << m.message;
  EXPECT_EQ(m.threshold, ">= 0 and <= 0.05");
}

TEST_F(PrometheusSloTest, ShapesThatCannotBeComparedAreInconclusive) {
  auto error = answer_with(R"({"status":"error","errorType":"bad_data","error":"parse error"})", 400);
  EXPECT_EQ(error.result, SloResult::Inconclusive);
  EXPECT_EQ(error.message, "Prometheus error (bad_data): parse error");
  auto nan = answer_with(one_sample("NaN"));
  EXPECT_EQ(nan.result, SloResult::Inconclusive);
  EXPECT_NE(nan.message.find("NaN"), std::string::npos);
  auto several = answer_with(
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"pod":"a"},"value":[1,"1"]},{"metric":{"pod":"b"},"value":[1,"2"]}]}})");
  EXPECT_EQ(several.result, SloResult::Inconclusive);
  EXPECT_EQ(several.message,
            "query returned 2 samples, expected 1 (aggregate with sum/max/avg): {pod=\"a\"}, {pod=\"b\"}");
  auto text = answer_with(R"({"status":"success","data":{"resultType":"string","result":[1,"x"]}})");
  EXPECT_EQ(text.result, SloResult::Inconclusive);
  auto matrix = answer_with(R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
  EXPECT_EQ(matrix.result, SloResult::Inconclusive);
  EXPECT_NE(matrix.message.find("matrix"), std::string::npos);
  auto garbage = answer_with("not json at all", 200);
  EXPECT_EQ(garbage.result, SloResult::Inconclusive);
}

TEST_F(PrometheusSloTest, PlusInfBreachesAMaximum) {
  auto m = answer_with(one_sample("+Inf"));
  EXPECT_EQ(m.result, SloResult::Fail);
  EXPECT_EQ(m.value, "+Inf");
}

TEST_F(PrometheusSloTest, EmptyVectorFollowsNoData) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{200, kEmpty}; });
  auto slo = error_rate(server);
  auto m = evaluate(Slo{"errors", slo}, context());
  EXPECT_EQ(m.result, SloResult::Inconclusive);
  EXPECT_EQ(m.value, "no data");
  EXPECT_EQ(m.message, "no data: the query returned an empty vector (noData: Inconclusive)");
  slo.no_data = NoDataPolicy::Fail;
  EXPECT_EQ(evaluate(Slo{"errors", slo}, context()).result, SloResult::Fail);
  slo.no_data = NoDataPolicy::Pass;
  EXPECT_EQ(evaluate(Slo{"errors", slo}, context()).result, SloResult::Pass);
}

TEST_F(PrometheusSloTest, MinimumSampleGuard) {
  TestHttpServer server(io, [](const TestRequest& r) {
    return TestReply{200, one_sample(query_of(r.target).rfind("sum(increase", 0) == 0 ? "3" : "0.5")};
  });
  auto slo = error_rate(server);
  slo.min_samples_query =
      R"(sum(increase(http_requests_total{pod_template_hash="{{podTemplateHash}}"}[1m])))";
  slo.min_samples = 20;
  auto m = evaluate(Slo{"errors", slo}, context());
  EXPECT_EQ(m.result, SloResult::Inconclusive);
  EXPECT_EQ(m.message, "only 3 samples (< 20)");
  ASSERT_EQ(server.requests().size(), 1u);  // the main query is not sent
  slo.min_samples = 2;
  EXPECT_EQ(evaluate(Slo{"errors", slo}, context()).result, SloResult::Fail);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(PrometheusSloTest, BearerAndBasicAuthFromSecrets) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{200, one_sample("0")}; });
  auto slo = error_rate(server);
  slo.bearer_token = SecretKeyRef{"prom", "token"};
  EXPECT_EQ(evaluate(Slo{"errors", slo}, context()).message, "secret prom key token is not available");
  secrets["prom/token"] = "tok-123";
  EXPECT_EQ(evaluate(Slo{"errors", slo}, context()).result, SloResult::Pass);
  EXPECT_EQ(server.requests().back().headers.at("authorization"), "Bearer tok-123");
  slo.bearer_token.reset();
  slo.basic_auth_username = SecretKeyRef{"prom", "user"};
  slo.basic_auth_password = SecretKeyRef{"prom", "password"};
  secrets["prom/user"] = "Aladdin";
  secrets["prom/password"] = "open sesame";
  EXPECT_EQ(evaluate(Slo{"errors", slo}, context()).result, SloResult::Pass);
  EXPECT_EQ(server.requests().back().headers.at("authorization"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST_F(PrometheusSloTest, SlowOrAbsentPrometheusIsInconclusive) {
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{.delay = std::chrono::seconds(30)}; });
  auto slo = error_rate(server);
  slo.timeout = std::chrono::milliseconds(300);
  auto m = evaluate(Slo{"errors", slo}, context());
  EXPECT_EQ(m.result, SloResult::Inconclusive);
  EXPECT_EQ(m.message, "Prometheus at " + server.url("") + ": timed out after 300ms");
  slo.address = "http://127.0.0.1:1";
  m = evaluate(Slo{"errors", slo}, context());
  EXPECT_EQ(m.result, SloResult::Inconclusive);
  EXPECT_EQ(m.message, "Prometheus at http://127.0.0.1:1: connection refused");
}

}  // namespace
}  // namespace rollguard::measure::testing
