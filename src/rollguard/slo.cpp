#include "rollguard/slo.hpp"

namespace rollguard {

const char* kind_name(const Slo& slo) {
  struct Visitor {
    const char* operator()(const DeploymentSlo&) const { return "deployment"; }
    const char* operator()(const HttpSlo&) const { return "http"; }
    const char* operator()(const PrometheusSlo&) const { return "prometheus"; }
    const char* operator()(const WebhookSlo&) const { return "webhook"; }
    const char* operator()(const JobSlo&) const { return "job"; }
  };
  return std::visit(Visitor{}, slo.check);
}

const char* to_string(SloResult result) {
  switch (result) {
    case SloResult::Pass:
      return "Pass";
    case SloResult::Fail:
      return "Fail";
    case SloResult::Inconclusive:
      return "Inconclusive";
  }
  return "Inconclusive";
}

}  // namespace rollguard
