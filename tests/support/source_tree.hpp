// The checkout the tests read shipped files from (manifests, CRDs, docs).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace rollguard::test_support {

// From the environment ctest gives every test (ROLLGUARD_SOURCE_DIR, tests/CMakeLists.txt), not a
// path compiled in: a -D with the absolute path made these files miss ccache in every fresh clone,
// and an object ccache kept from another clone would read that clone's files.
inline std::filesystem::path source_tree() {
  const char* dir = std::getenv("ROLLGUARD_SOURCE_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error("ROLLGUARD_SOURCE_DIR is not set (ctest sets it: run the tests through ctest)");
  }
  return dir;
}

}  // namespace rollguard::test_support
