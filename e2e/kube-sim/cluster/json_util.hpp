// Small read-only accessors over boost::json objects: the controllers read many nested, optional
// fields of objects a user wrote, so every accessor tolerates missing or mistyped values.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace kubesim::cluster {

const boost::json::value* at_path(const boost::json::object& o, std::initializer_list<std::string_view> path);
std::int64_t int_at(const boost::json::object& o, std::initializer_list<std::string_view> path,
                    std::int64_t fallback = 0);
std::string str_at(const boost::json::object& o, std::initializer_list<std::string_view> path);
bool bool_at(const boost::json::object& o, std::initializer_list<std::string_view> path);
// A copy of the object at `path`, or an empty object.
boost::json::object obj_at(const boost::json::object& o, std::initializer_list<std::string_view> path);

// The uid of the controlling owner reference (controller: true) or "" when there is none.
std::string controller_uid(const boost::json::object& o);
std::string controller_name(const boost::json::object& o, std::string_view kind);

// Serialises with object keys sorted at every level, so equal documents give equal text.
std::string canonical_json(const boost::json::value& v);

}  // namespace kubesim::cluster
