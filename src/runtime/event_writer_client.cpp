#include "runtime/event_writer_client.hpp"

#include <boost/json/serialize.hpp>

namespace rollguard::runtime {

namespace {

// Every argument is a named local: GCC 12 destroys braced temporaries (including the Client's
// `options = {}` default arguments) twice when they appear inside a co_await expression.
class ClientEventWriter final : public EventWriter {
 public:
  explicit ClientEventWriter(std::shared_ptr<kube::Client> client) : client_(std::move(client)) {}
  boost::asio::awaitable<kube::Result<void>> create(const std::string& ns,
                                                    boost::json::object event) override {
    const auto resource = kube::ResourceDescriptor::events();
    const boost::json::value body(std::move(event));
    kube::WriteOptions options;
    auto answer = co_await client_->create(resource, ns, body, options);
    if (!answer) co_return answer.error();
    co_return kube::Result<void>{};
  }
  boost::asio::awaitable<kube::Result<void>> patch(const std::string& ns, const std::string& name,
                                                   boost::json::object merge_patch) override {
    const auto resource = kube::ResourceDescriptor::events();
    std::string body = boost::json::serialize(merge_patch);
    kube::PatchOptions options;
    std::string_view subresource;
    auto answer = co_await client_->patch(resource, ns, name, kube::PatchType::Merge, std::move(body),
                                          options, subresource);
    if (!answer) co_return answer.error();
    co_return kube::Result<void>{};
  }

 private:
  std::shared_ptr<kube::Client> client_;
};

}  // namespace

std::unique_ptr<EventWriter> client_event_writer(std::shared_ptr<kube::Client> client) {
  return std::make_unique<ClientEventWriter>(std::move(client));
}

}  // namespace rollguard::runtime
