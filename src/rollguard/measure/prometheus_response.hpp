#pragma once
// The answer of Prometheus's instant-query API (/api/v1/query), reduced to what an SLO can use:
// one number, no data, or a precise reason why the answer cannot be compared with a threshold.
// Pure: no I/O, so every shape of the API's JSON is table-tested.
#include <string>
#include <string_view>

namespace rollguard::measure {

struct PrometheusAnswer {
  enum class Kind {
    Value,    // one vector sample or a scalar (value may be +Inf/-Inf; never NaN)
    NoData,   // an empty vector
    Invalid,  // status error, NaN, several samples, a string, a matrix, not the API's JSON
  };
  Kind kind = Kind::Invalid;
  double value = 0;
  std::string message;  // why Invalid; for Value/NoData a note (e.g. Prometheus warnings) or ""
};

// http_status is the HTTP status of the answer: Prometheus sends `status: error` with 400/422/503,
// so the JSON is read first and the status only explains an answer that is not the API's JSON.
PrometheusAnswer parse_prometheus_response(int http_status, std::string_view body);

// The query string as the URL's query component value: everything but unreserved characters
// percent-encoded ('+' too: Prometheus reads the query as a form, where '+' is a space).
std::string url_encode_component(std::string_view text);

// A number as people read it in status: "0.31", "20", "1.5e-05", "+Inf", "NaN".
std::string format_number(double value);

}  // namespace rollguard::measure
