// The translation unit that builds src/pch/common.hpp into a precompiled header.
