// The precompiled header of the test executables (CMake option ROLLGUARD_PCH): the libraries'
// header plus GoogleTest and GoogleMock, which every test file includes.
#pragma once

#include "pch/common.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
