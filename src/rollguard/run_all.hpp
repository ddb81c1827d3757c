#pragma once
// Runs coroutines concurrently on the caller's executor and returns their results in order, once
// all are done (a ranged "when_all"). Each job bounds its own time (evaluators have deadlines); a
// job that throws yields fallback(message) instead of taking the caller down.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "rollguard/slo.hpp"

namespace rollguard {

using MeasurementJob = std::function<boost::asio::awaitable<Measurement>()>;

boost::asio::awaitable<std::vector<Measurement>> run_all(
    const std::vector<MeasurementJob>& jobs, const std::function<Measurement(std::string)>& fallback);

}  // namespace rollguard
