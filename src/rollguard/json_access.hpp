#pragma once
// Lenient reads of fields we (or the API server) wrote: status, Deployments, ReplicaSets, Pods.
// A missing or mistyped field answers the empty value: such objects are read, never validated.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kube/time.hpp"

namespace rollguard::lenient {

const boost::json::object* object_at(const boost::json::object& o, std::string_view key);
const boost::json::array* array_at(const boost::json::object& o, std::string_view key);
std::string string_at(const boost::json::object& o, std::string_view key);
// Integers also from a string of digits: the revision annotation is one.
std::int64_t int_at(const boost::json::object& o, std::string_view key, std::int64_t fallback = 0);
bool bool_at(const boost::json::object& o, std::string_view key, bool fallback = false);
std::optional<kube::SystemTime> time_at(const boost::json::object& o, std::string_view key);
std::optional<std::int64_t> parse_int(std::string_view text);

}  // namespace rollguard::lenient
