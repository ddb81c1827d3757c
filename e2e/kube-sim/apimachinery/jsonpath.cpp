#include "apimachinery/jsonpath.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <optional>

namespace kubesim::apimachinery {

namespace json = boost::json;

struct JsonPath::Step {
  enum class Kind { kField, kIndex, kSlice, kWildcard, kRecursive, kFilter } kind = Kind::kField;
  std::string name;
  long long index = 0;
  std::optional<long long> slice_end;
  // Filter: @<path> [op literal]
  std::vector<std::string> filter_path;
  std::string filter_op;  // empty: existence test
  json::value filter_literal;
};

JsonPath::JsonPath() : steps_(std::make_unique<std::vector<Step>>()) {}
JsonPath::~JsonPath() = default;
JsonPath::JsonPath(JsonPath&&) noexcept = default;
JsonPath& JsonPath::operator=(JsonPath&&) noexcept = default;
JsonPath::JsonPath(const JsonPath& other) : steps_(std::make_unique<std::vector<Step>>(*other.steps_)) {}
JsonPath& JsonPath::operator=(const JsonPath& other) {
  if (this != &other) steps_ = std::make_unique<std::vector<Step>>(*other.steps_);
  return *this;
}
std::vector<JsonPath::Step>& JsonPath::steps() { return *steps_; }
const std::vector<JsonPath::Step>& JsonPath::steps() const { return *steps_; }

namespace {

using Step = JsonPath::Step;

Step make_step(Step::Kind kind) {
  Step s;
  s.kind = kind;
  return s;
}

std::optional<double> number_of(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

bool compare(const json::value& lhs, std::string_view op, const json::value& rhs) {
  auto ln = number_of(lhs);
  auto rn = number_of(rhs);
  if (ln && rn) {
    if (op == "==") return *ln == *rn;
    if (op == "!=") return *ln != *rn;
    if (op == "<") return *ln < *rn;
    if (op == ">") return *ln > *rn;
    if (op == "<=") return *ln <= *rn;
    if (op == ">=") return *ln >= *rn;
    return false;
  }
  if (lhs.is_string() && rhs.is_string()) {
    std::string_view l = lhs.get_string(), r = rhs.get_string();
    if (op == "==") return l == r;
    if (op == "!=") return l != r;
    if (op == "<") return l < r;
    if (op == ">") return l > r;
    if (op == "<=") return l <= r;
    if (op == ">=") return l >= r;
    return false;
  }
  if (op == "==") return lhs == rhs;
  if (op == "!=") return lhs != rhs;
  return false;
}

void descendants(const json::value& v, std::vector<const json::value*>& out) {
  out.push_back(&v);
  if (const auto* o = v.if_object())
    for (const auto& [k, c] : *o) descendants(c, out);
  if (const auto* a = v.if_array())
    for (const auto& c : *a) descendants(c, out);
}

const json::value* follow(const json::value& v, const std::vector<std::string>& path) {
  const json::value* cur = &v;
  for (const auto& p : path) {
    const auto* o = cur->if_object();
    if (o == nullptr) return nullptr;
    cur = o->if_contains(p);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<JsonPath> parse() {
    trim();
    if (!s_.empty() && s_.front() == '{') {
      if (s_.back() != '}') return error("unclosed {");
      s_ = s_.substr(1, s_.size() - 2);
      trim();
    }
    if (!s_.empty() && s_.front() == '$') ++pos_;
    JsonPath path;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '.') {
        ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '.') {
          ++pos_;
          path.steps().push_back(make_step(Step::Kind::kRecursive));
        }
        if (pos_ < s_.size() && s_[pos_] == '*') {
          ++pos_;
          path.steps().push_back(make_step(Step::Kind::kWildcard));
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == '[') continue;
        std::size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] != '.' && s_[pos_] != '[') ++pos_;
        if (pos_ == start) {
          if (pos_ == s_.size() && path.steps().empty()) break;  // "." alone is the root
          return error("empty field name");
        }
        Step step;
        step.name = std::string(s_.substr(start, pos_ - start));
        path.steps().push_back(std::move(step));
      } else if (c == '[') {
        auto step = bracket();
        if (!step) return step.error();
        path.steps().push_back(std::move(*step));
      } else {
        return error("unexpected character '" + std::string(1, c) + "'");
      }
    }
    return path;
  }

 private:
  ApiError error(const std::string& why) const {
    return bad_request("invalid jsonpath \"" + std::string(s_) + "\" at " + std::to_string(pos_) + ": " +
                       why);
  }

  void trim() {
    while (!s_.empty() && std::isspace(static_cast<unsigned char>(s_.front()))) s_.remove_prefix(1);
    while (!s_.empty() && std::isspace(static_cast<unsigned char>(s_.back()))) s_.remove_suffix(1);
  }

  void skip_spaces() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }

  std::optional<std::string> quoted() {
    char q = s_[pos_];
    std::string out;
    for (std::size_t i = pos_ + 1; i < s_.size(); ++i) {
      if (s_[i] == '\\' && i + 1 < s_.size()) {
        out += s_[++i];
      } else if (s_[i] == q) {
        pos_ = i + 1;
        return out;
      } else {
        out += s_[i];
      }
    }
    return std::nullopt;
  }

  std::optional<long long> integer() {
    std::size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    long long n = 0;
    auto [p, ec] = std::from_chars(s_.data() + start, s_.data() + pos_, n);
    if (ec != std::errc() || p != s_.data() + pos_) {
      pos_ = start;
      return std::nullopt;
    }
    return n;
  }

  Result<Step> bracket() {
    ++pos_;  // '['
    skip_spaces();
    if (pos_ >= s_.size()) return error("unclosed [");
    Step step;
    char c = s_[pos_];
    if (c == '\'' || c == '"') {
      auto name = quoted();
      if (!name) return error("unterminated string");
      step.name = std::move(*name);
    } else if (c == '*') {
      ++pos_;
      step.kind = Step::Kind::kWildcard;
    } else if (c == '?') {
      auto f = filter();
      if (!f) return f.error();
      step = std::move(*f);
    } else {
      auto n = integer();
      skip_spaces();
      if (pos_ < s_.size() && s_[pos_] == ':') {
        ++pos_;
        step.kind = Step::Kind::kSlice;
        step.index = n.value_or(0);
        skip_spaces();
        step.slice_end = integer();
      } else if (n) {
        step.kind = Step::Kind::kIndex;
        step.index = *n;
      } else {
        return error("expected an index, '*', a quoted name or a filter");
      }
    }
    skip_spaces();
    if (pos_ >= s_.size() || s_[pos_] != ']') return error("expected ']'");
    ++pos_;
    return step;
  }

  Result<Step> filter() {
    ++pos_;  // '?'
    if (pos_ >= s_.size() || s_[pos_] != '(') return error("expected '(' after '?'");
    ++pos_;
    skip_spaces();
    if (pos_ >= s_.size() || s_[pos_] != '@') return error("filter must start with '@'");
    ++pos_;
    Step step;
    step.kind = Step::Kind::kFilter;
    while (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      std::size_t start = pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' ||
                                  s_[pos_] == '-' || s_[pos_] == '/'))
        ++pos_;
      if (start == pos_) return error("empty field name in filter");
      step.filter_path.emplace_back(s_.substr(start, pos_ - start));
    }
    skip_spaces();
    for (std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (s_.substr(pos_, op.size()) == op) {
        step.filter_op = std::string(op);
        pos_ += op.size();
        break;
      }
    }
    if (!step.filter_op.empty()) {
      skip_spaces();
      if (pos_ >= s_.size()) return error("missing filter value");
      if (s_[pos_] == '\'' || s_[pos_] == '"') {
        auto str = quoted();
        if (!str) return error("unterminated string");
        step.filter_literal = json::string(*str);
      } else {
        std::size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] != ')' && s_[pos_] != ' ') ++pos_;
        boost::system::error_code ec;
        step.filter_literal = json::parse(s_.substr(start, pos_ - start), ec);
        if (ec) return error("bad filter value");
      }
      skip_spaces();
    }
    if (pos_ >= s_.size() || s_[pos_] != ')') return error("expected ')'");
    ++pos_;
    return step;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<json::value> JsonPath::evaluate(const json::value& root) const {
  std::vector<const json::value*> cur{&root};
  for (std::size_t i = 0; i < steps_->size(); ++i) {
    const Step& step = (*steps_)[i];
    std::vector<const json::value*> next;
    for (const json::value* v : cur) {
      switch (step.kind) {
        case Step::Kind::kField:
          if (const auto* o = v->if_object())
            if (const auto* c = o->if_contains(step.name)) next.push_back(c);
          break;
        case Step::Kind::kIndex:
        case Step::Kind::kSlice:
          if (const auto* a = v->if_array()) {
            auto size = static_cast<long long>(a->size());
            auto norm = [&](long long n) { return n < 0 ? n + size : n; };
            long long start = norm(step.index);
            long long end = step.kind == Step::Kind::kIndex
                                ? start + 1
                                : std::min(size, step.slice_end ? norm(*step.slice_end) : size);
            for (long long k = std::max(0LL, start); k < end && k < size; ++k) next.push_back(&(*a)[k]);
          }
          break;
        case Step::Kind::kWildcard:
          if (const auto* o = v->if_object())
            for (const auto& [k, c] : *o) next.push_back(&c);
          if (const auto* a = v->if_array())
            for (const auto& c : *a) next.push_back(&c);
          break;
        case Step::Kind::kRecursive:
          descendants(*v, next);
          break;
        case Step::Kind::kFilter: {
          auto test = [&](const json::value& e) {
            const json::value* lhs = follow(e, step.filter_path);
            if (step.filter_op.empty()) return lhs != nullptr;
            return lhs != nullptr && compare(*lhs, step.filter_op, step.filter_literal);
          };
          if (const auto* a = v->if_array()) {
            for (const auto& c : *a)
              if (test(c)) next.push_back(&c);
          } else if (test(*v)) {
            next.push_back(v);
          }
          break;
        }
      }
    }
    cur = std::move(next);
  }
  std::vector<json::value> out;
  out.reserve(cur.size());
  for (const auto* v : cur) out.push_back(*v);
  return out;
}

Result<JsonPath> parse_jsonpath(std::string_view expression) { return Parser(expression).parse(); }

std::string render_cell(const json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  if (value.is_null()) return "";
  return json::serialize(value);
}

std::string render_cells(const std::vector<json::value>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + render_cell(values[i]);
  return out;
}

}  // namespace kubesim::apimachinery
