#pragma once
// An evaluator on a test io_context with the real clock (the servers are real sockets) and short
// attempt pauses.
#include <gtest/gtest.h>

#include "rollguard/measure/evaluator.hpp"
#include "test_http_server.hpp"

namespace rollguard::measure::testing {

class EvaluatorTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  std::shared_ptr<HttpClient> client = std::make_shared<HttpClient>(io.get_executor());
  std::shared_ptr<Limiter> limiter = std::make_shared<Limiter>(8);
  std::shared_ptr<runtime::Clock> clock = runtime::Clock::real();
  SloEvaluator evaluator{io.get_executor(), client, limiter, clock,
                         EvaluatorOptions{.attempt_pause = std::chrono::milliseconds(10)}};
  ResolvedSecrets secrets;

  EvaluationContext context() const {
    EvaluationContext ctx;
    ctx.ns = "shop";
    ctx.policy = "web-rollback";
    ctx.deployment = "web";
    ctx.revision = 7;
    ctx.pod_template_hash = "5d8f9c7b6";
    ctx.last_known_good_pod_template_hash = "74c9d6f5b8";
    ctx.interval = std::chrono::seconds(10);
    return ctx;
  }

  Measurement evaluate(Slo slo, EvaluationContext ctx) {
    return run(io, evaluator.evaluate(slo, ctx, secrets));
  }
};

}  // namespace rollguard::measure::testing
