#pragma once
// Result type used at every API edge of rollguard: a value or a kube::Error, never an exception.
#include <boost/system/result.hpp>

#include "kube/error.hpp"

namespace rollguard::kube {

template <class T>
using Result = boost::system::result<T, Error>;

// boost::system::result::value() on an error calls this (found by ADL). Reaching it is a programmer
// error: callers must check has_value() first.
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

}  // namespace rollguard::kube
