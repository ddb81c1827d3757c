#include "kube/api.hpp"

#include <boost/json/serialize.hpp>

namespace rollguard::kube {

namespace {
constexpr std::string_view kStatus = "status";
}  // namespace

Api::Api(std::shared_ptr<Client> client, ResourceDescriptor resource, std::string ns)
    : client_(std::move(client)), resource_(std::move(resource)), ns_(std::move(ns)) {}

Api::Awaitable<boost::json::value> Api::get(std::string_view name) const {
  return client_->get(resource_, ns_, name);
}

Api::Awaitable<boost::json::value> Api::list(const ListOptions& options) const {
  return client_->list(resource_, ns_, options);
}

Api::Awaitable<boost::json::value> Api::create(const boost::json::value& object,
                                               const WriteOptions& options) const {
  return client_->create(resource_, ns_, object, options);
}

Api::Awaitable<boost::json::value> Api::replace(std::string_view name, const boost::json::value& object,
                                                const WriteOptions& options) const {
  return client_->replace(resource_, ns_, name, object, options);
}

Api::Awaitable<boost::json::value> Api::replace_status(std::string_view name,
                                                       const boost::json::value& object,
                                                       const WriteOptions& options) const {
  return client_->replace_status(resource_, ns_, name, object, options);
}

Api::Awaitable<boost::json::value> Api::patch_json(std::string_view name, const JsonPatch& patch,
                                                   const PatchOptions& options) const {
  return client_->patch(resource_, ns_, name, PatchType::Json, patch.body(), options);
}

Api::Awaitable<boost::json::value> Api::patch_merge(std::string_view name, const boost::json::value& patch,
                                                    const PatchOptions& options) const {
  return client_->patch(resource_, ns_, name, PatchType::Merge, boost::json::serialize(patch), options);
}

Api::Awaitable<boost::json::value> Api::patch_status(std::string_view name, const JsonPatch& patch,
                                                     const PatchOptions& options) const {
  return client_->patch(resource_, ns_, name, PatchType::Json, patch.body(), options, kStatus);
}

Api::Awaitable<boost::json::value> Api::patch_status(std::string_view name,
                                                     const boost::json::value& merge_patch,
                                                     const PatchOptions& options) const {
  return client_->patch(resource_, ns_, name, PatchType::Merge, boost::json::serialize(merge_patch), options,
                        kStatus);
}

Api::Awaitable<boost::json::value> Api::apply(std::string_view name, const boost::json::value& object,
                                              const ApplyOptions& options) const {
  PatchOptions patch_options;
  patch_options.field_manager = options.field_manager;
  patch_options.force = options.force;
  patch_options.dry_run = options.dry_run;
  patch_options.field_validation = options.field_validation;
  return client_->patch(resource_, ns_, name, PatchType::Apply, boost::json::serialize(object),
                        patch_options);
}

Api::Awaitable<boost::json::value> Api::remove(std::string_view name, const DeleteOptions& options) const {
  return client_->remove(resource_, ns_, name, options);
}

}  // namespace rollguard::kube
