#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "apimachinery/jsonpath.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

const json::value& pod() {
  static const json::value v = json::parse(R"({
    "metadata": {"name": "p", "labels": {"app.kubernetes.io/name": "web"}},
    "spec": {"replicas": 3, "containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:2"}]},
    "status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "Synced", "status": "False"},
                              {"type": "Degraded", "status": "False", "count": 2}],
               "phase": "Running", "ok": true, "nothing": null}
  })");
  return v;
}

struct PathCase {
  const char* expression;
  const char* expected;  // JSON array of results
};

class ApimachineryJsonPathTest : public ::testing::TestWithParam<PathCase> {};

TEST_P(ApimachineryJsonPathTest, Evaluates) {
  auto path = parse_jsonpath(GetParam().expression);
  ASSERT_TRUE(path.has_value()) << path.error().message;
  auto results = path->evaluate(pod());
  json::array got(results.begin(), results.end());
  EXPECT_EQ(json::value(got), json::parse(GetParam().expected))
      << GetParam().expression << " -> " << json::serialize(got);
}

INSTANTIATE_TEST_SUITE_P(
    Subset, ApimachineryJsonPathTest,
    ::testing::Values(PathCase{".spec.replicas", "[3]"}, PathCase{"{.spec.replicas}", "[3]"},
                      PathCase{"$.spec.replicas", "[3]"}, PathCase{".spec.containers[0].name", R"(["a"])"},
                      PathCase{".spec.containers[-1].name", R"(["b"])"},
                      PathCase{".spec.containers[*].image", R"(["a:1","b:2"])"},
                      PathCase{".spec.containers[0:1].name", R"(["a"])"},
                      PathCase{R"(.status.conditions[?(@.type=="Ready")].status)", R"(["True"])"},
                      PathCase{R"(.status.conditions[?(@.type == 'Synced')].status)", R"(["False"])"},
                      PathCase{R"(.status.conditions[?(@.status!="True")].type)", R"(["Synced","Degraded"])"},
                      PathCase{".status.conditions[?(@.count>1)].type", R"(["Degraded"])"},
                      PathCase{".status.conditions[?(@.count)].type", R"(["Degraded"])"},
                      PathCase{".metadata.labels['app.kubernetes.io/name']", R"(["web"])"},
                      PathCase{R"(.metadata["labels"].*)", R"(["web"])"}, PathCase{".spec.missing", "[]"},
                      PathCase{".spec.containers[5].name", "[]"}, PathCase{".spec.replicas.x", "[]"},
                      PathCase{"..image", R"(["a:1","b:2"])"}, PathCase{".status.ok", "[true]"},
                      PathCase{".status.nothing", "[null]"}));

TEST(ApimachineryJsonPath, ParseErrors) {
  for (const char* bad :
       {".a[", ".a[x]", ".a['x", "a.b", ".a[?(@.x==)]", ".a[?@.x]", "{.a", ".a..", ".a[?(x)]"}) {
    auto p = parse_jsonpath(bad);
    EXPECT_FALSE(p.has_value()) << bad;
    if (!p) {
      EXPECT_EQ(p.error().code, 400);
    }
  }
}

TEST(ApimachineryJsonPath, CopiesAreIndependent) {
  auto p = parse_jsonpath(".spec.replicas");
  ASSERT_TRUE(p.has_value());
  JsonPath copy = *p;
  *p = *parse_jsonpath(".status.phase");
  EXPECT_EQ(copy.evaluate(pod()).at(0), json::value(3));
  EXPECT_EQ(p->evaluate(pod()).at(0), json::value("Running"));
}

TEST(ApimachineryJsonPath, RenderCell) {
  EXPECT_EQ(render_cell(json::value("x y")), "x y");
  EXPECT_EQ(render_cell(json::value(3)), "3");
  EXPECT_EQ(render_cell(json::value(true)), "true");
  EXPECT_EQ(render_cell(json::value()), "");
  EXPECT_EQ(render_cell(json::parse(R"({"a":[1]})")), R"({"a":[1]})");
  EXPECT_EQ(render_cells({json::value("a"), json::value(2)}), "a,2");
}

}  // namespace
}  // namespace kubesim::apimachinery
