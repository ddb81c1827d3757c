// Static and file-backed bearer tokens, and the choice between credential sources.
#include "kube/auth.hpp"

#include "kube/config_util.hpp"
#include "kube/exec_plugin.hpp"

namespace rollguard::kube {
namespace {

namespace asio = boost::asio;

class StaticSource final : public CredentialSource {
 public:
  explicit StaticSource(Credentials credentials) : credentials_(std::move(credentials)) {}
  asio::awaitable<Result<Credentials>> get() override { co_return credentials_; }
  void invalidate() override {}

 private:
  Credentials credentials_;
};

// A tokenFile / projected service-account token. The kubelet rotates it in place, so it is re-read
// every `refresh` (client-go: once a minute) and after a 401, never cached forever. As in client-go,
// the last successfully read token is kept when a re-read fails, and the static token is the fallback
// until the file was read once.
class TokenFileSource final : public CredentialSource {
 public:
  TokenFileSource(std::string path, std::string fallback, WallClock clock, std::chrono::seconds refresh)
      : path_(std::move(path)), fallback_(std::move(fallback)), clock_(std::move(clock)), refresh_(refresh) {}

  asio::awaitable<Result<Credentials>> get() override {
    const auto now = clock_();
    if (read_at_ && now - *read_at_ < refresh_ && !token_.empty()) co_return Credentials{token_, {}, {}};
    detail::FileRead read = detail::read_file(path_);
    std::string token = read.content;
    // The file usually ends with a newline; the header must not.
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
      token.pop_back();
    if (read.ok && !token.empty()) {
      token_ = std::move(token);
      read_at_ = now;
      co_return Credentials{token_, {}, {}};
    }
    // Keep trying on every call while the file is unreadable: it may be mid-rotation.
    if (!token_.empty()) co_return Credentials{token_, {}, {}};
    if (!fallback_.empty()) co_return Credentials{fallback_, {}, {}};
    co_return Error(
        ErrorKind::Config,
        "token file " + path_ + (read.ok ? std::string(" is empty") : ": cannot read: " + read.error));
  }

  void invalidate() override { read_at_.reset(); }

 private:
  std::string path_;
  std::string fallback_;
  WallClock clock_;
  std::chrono::seconds refresh_;
  std::string token_;
  std::optional<std::chrono::system_clock::time_point> read_at_;
};

}  // namespace

std::shared_ptr<CredentialSource> make_credential_source(asio::any_io_executor executor, const Config& config,
                                                         WallClock clock, CredentialOptions options) {
  if (!clock) clock = [] { return std::chrono::system_clock::now(); };
  if (config.exec) return detail::make_exec_source(std::move(executor), config, std::move(clock), options);
  if (!config.token_file.empty()) {
    return std::make_shared<TokenFileSource>(config.token_file, config.token, std::move(clock),
                                             options.token_file_refresh);
  }
  return std::make_shared<StaticSource>(Credentials{config.token, {}, {}});
}

}  // namespace rollguard::kube
