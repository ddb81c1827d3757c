// A watch's chunked, line-framed event stream over its own connection, with a read deadline and
// per-operation cancellation. The second and last translation unit that instantiates Beast reads
// (transport_pool.cpp is the other).
#include <array>
#include <boost/asio/this_coro.hpp>
#include <deque>

#include "kube/transport_connection.hpp"
#include "kube/watch_event.hpp"

namespace rollguard::kube::detail {
namespace {
namespace asio = boost::asio;
namespace http = boost::beast::http;

class HttpWatchStream final : public WatchStream {
 public:
  HttpWatchStream(std::unique_ptr<Connection> connection,
                  std::unique_ptr<http::response_parser<http::buffer_body>> parser,
                  std::chrono::milliseconds read_timeout)
      : connection_(std::move(connection)), parser_(std::move(parser)), read_timeout_(read_timeout) {}
  ~HttpWatchStream() override { connection_->close(); }

  asio::awaitable<Result<std::optional<WatchEvent>>> next() override {
    while (lines_.empty()) {
      if (done_) co_return std::optional<WatchEvent>{};
      if (canceled_) co_return Error(ErrorKind::Canceled, "watch canceled");
      // Asio hands the caller's cancellation slot to the read below; a caller already canceled must
      // get its error here, because co_await in a canceled coroutine throws. Nothing was read yet,
      // so the stream stays usable.
      if (const auto state = co_await asio::this_coro::cancellation_state;
          state.cancelled() != asio::cancellation_type::none) {
        co_return Error(ErrorKind::Canceled, "watch read canceled");
      }
      auto& body = parser_->get().body();
      body.data = chunk_.data();
      body.size = chunk_.size();
      connection_->lowest().expires_after(read_timeout_);
      // read_some, not read: async_read keeps reading until the 64 KiB buffer is full, which would
      // hold a quiet watch's events back until the server closes the stream.
      auto [ec, ignored] = co_await connection_->visit(
          [&](auto& stream) { return http::async_read_some(stream, connection_->buffer, *parser_, kTuple); });
      if (ec == http::error::need_buffer) ec = {};
      if (canceled_) co_return Error(ErrorKind::Canceled, "watch canceled");
      // Through TLS a canceled read can surface as another error than operation_aborted: the
      // coroutine's own cancellation state says whether the caller asked for it.
      const auto after_read = co_await asio::this_coro::cancellation_state;
      if (ec &&
          (ec == asio::error::operation_aborted || after_read.cancelled() != asio::cancellation_type::none)) {
        // The caller canceled this read (per-operation cancellation). It may have stopped inside a
        // chunk or a TLS record, so the stream cannot be read on: close it, and every later next()
        // reports the cancellation too.
        canceled_ = true;
        connection_->close();
        co_return Error(ErrorKind::Canceled, "watch read canceled");
      }
      if (ec) {
        done_ = true;
        // The server closing the stream at timeoutSeconds can surface as EOF on the connection.
        if (ec == http::error::end_of_stream || ec == asio::error::eof) co_return std::optional<WatchEvent>{};
        co_return network_error(ec, "watch");
      }
      const std::size_t received = chunk_.size() - body.size;
      std::vector<std::string> complete;
      if (auto fed = framer_.feed(std::string_view(chunk_.data(), received), complete); !fed) {
        done_ = true;
        co_return fed.error();
      }
      for (auto& line : complete) lines_.push_back(std::move(line));
      if (parser_->is_done()) done_ = true;
    }
    auto event = parse_watch_event(lines_.front());
    lines_.pop_front();
    if (!event) co_return event.error();
    co_return std::optional<WatchEvent>(std::move(*event));
  }

  void cancel() override {
    canceled_ = true;
    boost::system::error_code ignored;
    connection_->lowest().socket().cancel(ignored);
  }

 private:
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<http::response_parser<http::buffer_body>> parser_;
  std::chrono::milliseconds read_timeout_;
  std::array<char, 64 * 1024> chunk_{};
  LineFramer framer_;
  std::deque<std::string> lines_;
  bool done_ = false;
  bool canceled_ = false;
};

}  // namespace

std::unique_ptr<WatchStream> make_watch_stream(
    std::unique_ptr<Connection> connection, std::unique_ptr<http::response_parser<http::buffer_body>> parser,
    std::chrono::milliseconds read_timeout) {
  return std::make_unique<HttpWatchStream>(std::move(connection), std::move(parser), read_timeout);
}

}  // namespace rollguard::kube::detail
