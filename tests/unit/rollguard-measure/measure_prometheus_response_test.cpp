#include <gtest/gtest.h>

#include <cmath>

#include "rollguard/measure/prometheus_response.hpp"

namespace rollguard::measure {
namespace {
using Kind = PrometheusAnswer::Kind;

std::string vector_of(const std::string& samples) {
  return R"({"status":"success","data":{"resultType":"vector","result":[)" + samples + "]}}";
}
std::string sample(const std::string& labels, const std::string& value) {
  return R"({"metric":{)" + labels + R"(},"value":[1700000000.123,")" + value + R"("]})";
}

TEST(PrometheusResponse, OneSampleIsTheValue) {
  auto answer = parse_prometheus_response(200, vector_of(sample(R"("pod":"a")", "0.31")));
  EXPECT_EQ(answer.kind, Kind::Value);
  EXPECT_DOUBLE_EQ(answer.value, 0.31);
}

TEST(PrometheusResponse, EmptyVectorIsNoData) {
  EXPECT_EQ(parse_prometheus_response(200, vector_of("")).kind, Kind::NoData);
}

TEST(PrometheusResponse, StatusErrorCarriesTypeAndMessage) {
  auto answer = parse_prometheus_response(
      400, R"({"status":"error","errorType":"bad_data","error":"1:14: parse error: unexpected \"}\""})");
  EXPECT_EQ(answer.kind, Kind::Invalid);
  EXPECT_EQ(answer.message, "Prometheus error (bad_data): 1:14: parse error: unexpected \"}\"");
}

TEST(PrometheusResponse, NaNIsInvalidAndSaysSo) {
  auto answer = parse_prometheus_response(200, vector_of(sample("", "NaN")));
  EXPECT_EQ(answer.kind, Kind::Invalid);
  EXPECT_NE(answer.message.find("NaN"), std::string::npos);
}

TEST(PrometheusResponse, InfinitiesAreValues) {
  auto plus = parse_prometheus_response(200, vector_of(sample("", "+Inf")));
  EXPECT_EQ(plus.kind, Kind::Value);
  EXPECT_TRUE(std::isinf(plus.value) && plus.value > 0);
  auto minus = parse_prometheus_response(200, vector_of(sample("", "-Inf")));
  EXPECT_TRUE(std::isinf(minus.value) && minus.value < 0);
  EXPECT_EQ(format_number(plus.value), "+Inf");
  EXPECT_EQ(format_number(minus.value), "-Inf");
}

TEST(PrometheusResponse, SeveralSamplesNameCountAndLabelSets) {
  auto answer = parse_prometheus_response(
      200, vector_of(sample(R"("pod":"a")", "1") + "," + sample(R"("pod":"b")", "2") + "," +
                     sample(R"("pod":"c")", "3") + "," + sample(R"("pod":"d")", "4")));
  EXPECT_EQ(answer.kind, Kind::Invalid);
  EXPECT_EQ(answer.message,
            "query returned 4 samples, expected 1 (aggregate with sum/max/avg): {pod=\"a\"}, {pod=\"b\"}, "
            "{pod=\"c\"}, ...");
}

TEST(PrometheusResponse, ScalarIsTheValue) {
  auto answer = parse_prometheus_response(
      200, R"({"status":"success","data":{"resultType":"scalar","result":[1,"42"]}})");
  EXPECT_EQ(answer.kind, Kind::Value);
  EXPECT_DOUBLE_EQ(answer.value, 42);
}

TEST(PrometheusResponse, StringIsInvalid) {
  auto answer = parse_prometheus_response(
      200, R"({"status":"success","data":{"resultType":"string","result":[1,"hello"]}})");
  EXPECT_EQ(answer.kind, Kind::Invalid);
  EXPECT_EQ(answer.message, "query returned a string (\"hello\"), expected a number");
}

TEST(PrometheusResponse, MatrixSaysUseAnInstantQuery) {
  auto answer = parse_prometheus_response(
      200,
      R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]]}]}})");
  EXPECT_EQ(answer.kind, Kind::Invalid);
  EXPECT_NE(answer.message.find("range vector (matrix)"), std::string::npos);
}

TEST(PrometheusResponse, GarbageAndHtmlErrors) {
  auto garbage = parse_prometheus_response(200, "<html>oops</html>");
  EXPECT_EQ(garbage.kind, Kind::Invalid);
  EXPECT_EQ(garbage.message, "answer is not the Prometheus query API's JSON: <html>oops</html>");
  auto bad_gateway = parse_prometheus_response(502, "Bad Gateway\nmore");
  EXPECT_EQ(bad_gateway.message, "HTTP 502: Bad Gateway");
  EXPECT_EQ(parse_prometheus_response(200, R"({"status":"success"})").kind, Kind::Invalid);
  EXPECT_EQ(parse_prometheus_response(200, vector_of(R"({"metric":{},"value":[1,"x"]})")).kind,
            Kind::Invalid);
}

TEST(PrometheusResponse, WarningsAreKeptAsANote) {
  auto answer = parse_prometheus_response(
      200,
      R"({"status":"success","warnings":["partial response"],"data":{"resultType":"vector","result":[]}})");
  EXPECT_EQ(answer.kind, Kind::NoData);
  EXPECT_EQ(answer.message, "Prometheus warning: partial response");
}

TEST(PrometheusResponse, UrlEncodingEncodesPlusAndBraces) {
  EXPECT_EQ(url_encode_component("a + b{c=\"d\"}[5m]"), "a%20%2B%20b%7Bc%3D%22d%22%7D%5B5m%5D");
  EXPECT_EQ(url_encode_component("rate_x-1.~"), "rate_x-1.~");
}

TEST(PrometheusResponse, NumbersAreShort) {
  EXPECT_EQ(format_number(0.31), "0.31");
  EXPECT_EQ(format_number(20), "20");
  EXPECT_EQ(format_number(0.05), "0.05");
}

}  // namespace
}  // namespace rollguard::measure
