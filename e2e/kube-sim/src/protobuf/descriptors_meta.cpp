// k8s.io/apimachinery pkg/apis/meta/v1 generated.proto: the messages every kind embeds.
#include "protobuf/descriptor.hpp"

namespace kubesim::protobuf {
namespace {
const Message& owner_reference() {
  static const Message m{"OwnerReference",
                         {str(5, "apiVersion"), str(1, "kind"), str(3, "name"), str(4, "uid"),
                          boolean(6, "controller", kKeepZero), boolean(7, "blockOwnerDeletion", kKeepZero)}};
  return m;
}

const Message& managed_fields_entry() {
  static const Message m{
      "ManagedFieldsEntry",
      {str(1, "manager"), str(2, "operation"), str(3, "apiVersion"), of(4, "time", Type::Time),
       str(6, "fieldsType"), of(7, "fieldsV1", Type::FieldsV1), str(8, "subresource")}};
  return m;
}

const Message& label_selector_requirement() {
  static const Message m{"LabelSelectorRequirement", {str(1, "key"), str(2, "operator"), strs(3, "values")}};
  return m;
}
}  // namespace

const Message& object_meta() {
  static const Message m{
      "ObjectMeta",
      {str(1, "name"), str(2, "generateName"), str(3, "namespace"), str(4, "selfLink"), str(5, "uid"),
       str(6, "resourceVersion"), i64(7, "generation"), of(8, "creationTimestamp", Type::Time),
       of(9, "deletionTimestamp", Type::Time), i64(10, "deletionGracePeriodSeconds", kKeepZero),
       of(11, "labels", Type::MapString), of(12, "annotations", Type::MapString),
       msgs(13, "ownerReferences", owner_reference), strs(14, "finalizers"),
       msgs(17, "managedFields", managed_fields_entry)}};
  return m;
}

const Message& label_selector() {
  static const Message m{
      "LabelSelector",
      {of(1, "matchLabels", Type::MapString), msgs(2, "matchExpressions", label_selector_requirement)}};
  return m;
}

}  // namespace kubesim::protobuf
