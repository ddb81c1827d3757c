#pragma once
// PromQL (and webhook) templates: {{variable}} placeholders filled from the revision under test.
// Known variables: namespace, deployment, podTemplateHash, revision, lastKnownGoodPodTemplateHash,
// interval (as a PromQL duration, e.g. "10s"), policy. Whitespace inside the braces is allowed
// ("{{ namespace }}"). An unknown variable is a policy error found at validation time, never a
// query sent with a hole in it.
#include <string>
#include <string_view>
#include <vector>

#include "rollguard/slo.hpp"

namespace rollguard {

// Names of every {{...}} in the text that is not a known variable, in order of appearance; an
// unterminated "{{" is reported as "{{" so validation can say so.
std::vector<std::string> unknown_template_variables(std::string_view text);

// Substitutes every known variable. Values are inserted verbatim: they come from Kubernetes object
// names and hashes (DNS labels, digits), which cannot break out of a PromQL string literal.
std::string render_template(std::string_view text, const EvaluationContext& context);

// "10s", "1m30s", "250ms": the PromQL duration form of d.
std::string promql_duration(Duration d);

}  // namespace rollguard
