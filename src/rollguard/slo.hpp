#pragma once
// The contract between the policy model (which parses spec.slos into these values), the SLO
// evaluators (which measure them) and the decision (which reads Measurements). Plain values: no
// JSON, no I/O. Secrets are referenced here and resolved by the reconciler into ResolvedSecrets,
// which are handed to evaluators and never logged.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rollguard {

using Duration = std::chrono::milliseconds;
using SystemTime = std::chrono::system_clock::time_point;

// A key of a Secret in the policy's namespace.
struct SecretKeyRef {
  std::string name;
  std::string key;
  friend bool operator==(const SecretKeyRef&, const SecretKeyRef&) = default;
};

// Rollout progress of the revision under test, measured from cached Deployment/ReplicaSet/Pods.
struct DeploymentSlo {
  double min_available_ratio = 1.0;       // available / desired replicas of the new ReplicaSet
  bool fail_on_progress_deadline = true;  // Progressing=False reason ProgressDeadlineExceeded
  bool fail_on_replica_failure = true;    // ReplicaFailure=True
  int max_container_restarts = 3;         // restarts of any new pod's containers; < 0 = not checked
  friend bool operator==(const DeploymentSlo&, const DeploymentSlo&) = default;
};

struct HttpHeader {
  std::string name;
  std::string value;                       // literal, or
  std::optional<SecretKeyRef> value_from;  // from a Secret (Authorization tokens)
  friend bool operator==(const HttpHeader&, const HttpHeader&) = default;
};

// An HTTP check: one url, or path+port probed on every ready pod of the revision under test.
struct HttpSlo {
  std::string url;         // http(s)://host:port/path; empty = probe pods
  std::string path = "/";  // with port: probed at http://<podIP>:<port><path>
  int port = 0;
  std::string scheme = "http";
  std::vector<int> expect_status{200};
  Duration timeout{2000};
  int attempts = 1;  // tries per pod per evaluation before that pod counts as failing
  std::vector<HttpHeader> headers;
  friend bool operator==(const HttpSlo&, const HttpSlo&) = default;
};

enum class NoDataPolicy { Inconclusive, Fail, Pass };

// An instant PromQL query whose one sample is compared with min and/or max. The query and
// min_samples_query are templates: {{namespace}} {{deployment}} {{podTemplateHash}} {{revision}}
// {{lastKnownGoodPodTemplateHash}} {{interval}}.
struct PrometheusSlo {
  std::string address;  // http(s)://prometheus:9090
  std::string query;
  std::optional<double> min;
  std::optional<double> max;
  // Low-traffic guard: a query answering the number of samples (e.g. requests) behind `query`;
  // below min_samples the measurement is Inconclusive.
  std::string min_samples_query;
  double min_samples = 0;
  NoDataPolicy no_data = NoDataPolicy::Inconclusive;
  Duration timeout{5000};
  std::optional<SecretKeyRef> bearer_token;
  std::optional<SecretKeyRef> basic_auth_username;
  std::optional<SecretKeyRef> basic_auth_password;
  std::optional<SecretKeyRef> ca_bundle;  // PEM; otherwise the system trust store. Verification is always on.
  friend bool operator==(const PrometheusSlo&, const PrometheusSlo&) = default;
};

// A post-deploy check: POST a JSON context; 2xx passes, anything else fails.
struct WebhookSlo {
  std::string url;
  std::optional<SecretKeyRef> url_from;  // the URL itself from a Secret (it may carry a token)
  Duration timeout{30000};
  std::vector<HttpHeader> headers;
  friend bool operator==(const WebhookSlo&, const WebhookSlo&) = default;
};

// A post-deploy check run as a Kubernetes Job, once per revision under test (job_slo.hpp): the
// Job succeeding passes, failing fails with its pod's termination message.
struct JobSlo {
  // The user's JobTemplateSpec ({metadata: {labels, annotations}, spec: JobSpec}), serialized: the
  // model stays JSON-free and comparable; job_slo.cpp parses it when it builds the Job.
  std::string template_json;
  Duration timeout = std::chrono::minutes{10};  // from the Job's start; also its activeDeadlineSeconds
  int keep = 3;                                 // check Jobs of this SLO kept, newest first
  friend bool operator==(const JobSlo&, const JobSlo&) = default;
};

struct Slo {
  std::string name;
  std::variant<DeploymentSlo, HttpSlo, PrometheusSlo, WebhookSlo, JobSlo> check;
  friend bool operator==(const Slo&, const Slo&) = default;
};

const char* kind_name(const Slo& slo);  // "deployment", "http", "prometheus", "webhook", "job"

enum class SloResult { Pass, Fail, Inconclusive };
const char* to_string(SloResult result);

// One evaluation of one SLO. value/threshold are rendered for people ("0.31", "<= 0.05",
// "2/3 pods"); numeric carries the value for metrics when there is one.
struct Measurement {
  std::string slo;
  SloResult result = SloResult::Inconclusive;
  std::string value;
  std::string threshold;
  std::string message;
  std::optional<double> numeric;
  SystemTime at{};
  // Inconclusive because the check is still running within a deadline of its own (a Job check):
  // such a round counts toward neither threshold, as a rollout within its progress deadline does.
  bool pending = false;
  friend bool operator==(const Measurement&, const Measurement&) = default;
};

// A ready pod of the revision under test (what http SLOs probe).
struct PodEndpoint {
  std::string name;
  std::string ip;
  friend bool operator==(const PodEndpoint&, const PodEndpoint&) = default;
};

// What an evaluator knows about the revision it measures.
struct EvaluationContext {
  std::string ns;
  std::string policy;
  std::string deployment;
  std::int64_t revision = 0;
  std::string pod_template_hash;
  std::string last_known_good_pod_template_hash;  // "" when there is none yet
  Duration interval{10000};
  std::vector<PodEndpoint> pods;  // ready pods of the revision under test
};

// Secret values an evaluation needs, keyed "secretName/key". Never logged, never in status.
using ResolvedSecrets = std::map<std::string, std::string>;
inline std::string secret_key(const SecretKeyRef& ref) { return ref.name + "/" + ref.key; }

}  // namespace rollguard
