// The translation unit that builds tests/support/test_pch.hpp into a precompiled header.
