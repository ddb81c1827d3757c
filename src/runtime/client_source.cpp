#include "runtime/client_source.hpp"

namespace rollguard::runtime {

namespace {

class ClientSource final : public ListWatchSource {
 public:
  ClientSource(std::shared_ptr<kube::Client> client, kube::ResourceDescriptor resource, std::string ns)
      : client_(std::move(client)), resource_(std::move(resource)), ns_(std::move(ns)) {}

  boost::asio::awaitable<kube::Result<boost::json::value>> list(const kube::ListOptions& options) override {
    co_return co_await client_->list(resource_, ns_, options);
  }
  boost::asio::awaitable<kube::Result<std::unique_ptr<kube::WatchStream>>> watch(
      const kube::WatchOptions& options) override {
    co_return co_await client_->watch(resource_, ns_, options);
  }

 private:
  std::shared_ptr<kube::Client> client_;
  kube::ResourceDescriptor resource_;
  std::string ns_;
};

}  // namespace

std::unique_ptr<ListWatchSource> client_source(std::shared_ptr<kube::Client> client,
                                               kube::ResourceDescriptor resource, std::string ns) {
  return std::make_unique<ClientSource>(std::move(client), std::move(resource), std::move(ns));
}

}  // namespace rollguard::runtime
