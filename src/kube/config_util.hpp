#pragma once
// Small helpers shared by the kubeconfig, in-cluster and credential code (internal to src/kube).
#include <optional>
#include <string>
#include <string_view>

namespace rollguard::kube::detail {

struct FileRead {
  bool ok = false;
  std::string content;  // when ok
  std::string error;    // strerror text when !ok
};

// Reads a whole (small) file. Config files, CAs and tokens are tiny local files, so a plain read
// is acceptable even on the io_context thread.
FileRead read_file(const std::string& path);

// Strict standard base64 (with padding), as Go's encoding/base64.StdEncoding, which also skips
// '\r' and '\n'. nullopt on any other invalid input.
std::optional<std::string> decode_base64(std::string_view text);
std::string encode_base64(std::string_view bytes);

// Kubeconfig paths are relative to the directory of the file that names them (kubectl's
// ResolvePaths); absolute paths and empty paths are returned unchanged.
std::string resolve_path(const std::string& base_dir, const std::string& path);
std::string directory_of(const std::string& file);

// Loose PEM sniffing so a wrong field gives an error naming it instead of an OpenSSL error later.
bool looks_like_pem(std::string_view text);

}  // namespace rollguard::kube::detail
