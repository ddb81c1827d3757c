#include "rollguard/run_all.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rollguard {

namespace asio = boost::asio;

asio::awaitable<std::vector<Measurement>> run_all(const std::vector<MeasurementJob>& jobs,
                                                  const std::function<Measurement(std::string)>& fallback) {
  auto executor = co_await asio::this_coro::executor;
  struct Shared {
    explicit Shared(asio::any_io_executor e, std::size_t n)
        : results(n), remaining(n), done(e, asio::steady_timer::time_point::max()) {}
    std::vector<Measurement> results;
    std::size_t remaining;
    asio::steady_timer done;
  };
  auto shared = std::make_shared<Shared>(executor, jobs.size());
  if (jobs.empty()) co_return std::move(shared->results);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    asio::co_spawn(executor, jobs[i](), [shared, i, fallback](std::exception_ptr error, Measurement m) {
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          m = fallback(std::string("internal error: ") + e.what());
        } catch (...) {
          m = fallback("internal error");
        }
      }
      shared->results[i] = std::move(m);
      if (--shared->remaining == 0) shared->done.cancel();
    });
  }
  boost::system::error_code ec;
  while (shared->remaining > 0) {
    co_await shared->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return std::move(shared->results);
}

}  // namespace rollguard
