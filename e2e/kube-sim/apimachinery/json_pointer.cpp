#include "apimachinery/json_pointer.hpp"

namespace kubesim::apimachinery {

Result<std::vector<std::string>> parse_json_pointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer.front() != '/')
    return bad_request("JSON pointer must be empty or start with a \"/\": " + std::string(pointer));
  std::string cur;
  for (std::size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    char c = pointer[i];
    if (c == '~') {
      char next = i + 1 < pointer.size() ? pointer[i + 1] : '\0';
      if (next == '0') {
        cur += '~';
      } else if (next == '1') {
        cur += '/';
      } else {
        return bad_request("invalid escape in JSON pointer: " + std::string(pointer));
      }
      ++i;
      continue;
    }
    cur += c;
  }
  return tokens;
}

std::string escape_json_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace kubesim::apimachinery
