// How far a manual rollback request has got, read from status as the controller writes it
// (decide_rollback.cpp): the rules `kubectl rollguard rollback` stops on.
#include "rollback_request.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "kube/time.hpp"

namespace rollguard::plugin {
namespace {

SystemTime at(const char* text) { return *kube::parse_time(text); }

PolicyStatus handled(std::string_view id) {
  PolicyStatus s;
  s.current_revision = 3;
  mark_request_handled(s, std::string(id));
  return s;
}

RollbackRecord manual(std::string_view id) {
  RollbackRecord r;
  r.from_revision = 3;
  r.to_revision = 1;
  r.reason = "Manual";
  r.request_id = id;
  r.message = "rolled back 3 → 1: manual rollback " + std::string(id);
  r.started_at = at("2026-12-02T01:00:00Z");
  return r;
}

TEST(RequestId, IsTheTimeAndSixHexDigits) {
  EXPECT_EQ(new_request_id(at("2026-12-02T00:58:32Z"), 0x3fa9c1), "kubectl-20261202-005832-3fa9c1");
  EXPECT_EQ(new_request_id(at("2026-12-02T00:58:32Z"), 0xff000001), "kubectl-20261202-005832-000001");
}

TEST(RollbackPatch, WritesManualRollbackAndTheReason) {
  EXPECT_EQ(boost::json::serialize(rollback_patch(1, "INC-1", "bad v2")),
            R"({"metadata":{"annotations":{"rollguard.io/manual-rollback-reason":"bad v2"}},)"
            R"("spec":{"manualRollback":{"toRevision":1,"requestId":"INC-1"}}})");
}

TEST(RollbackPatch, WithoutAReasonRemovesAnOldOne) {
  EXPECT_EQ(boost::json::serialize(rollback_patch(2, "INC-2", "")),
            R"({"metadata":{"annotations":{"rollguard.io/manual-rollback-reason":null}},)"
            R"("spec":{"manualRollback":{"toRevision":2,"requestId":"INC-2"}}})");
}

TEST(RequestProgress, WaitsUntilTheRequestIsHandled) {
  PolicyStatus s;
  s.last_rollback = manual("INC-0");  // an older request's rollback is not ours
  EXPECT_EQ(request_progress(s, "INC-1").state, RequestState::Waiting);
}

TEST(RequestProgress, RollingBackWhileTheIntentIsPending) {
  auto s = handled("INC-1");
  s.last_rollback = manual("INC-1");
  s.pending_rollback = PendingRollback{.from_revision = 3, .to_revision = 1, .request_id = "INC-1"};
  const auto p = request_progress(s, "INC-1");
  EXPECT_EQ(p.state, RequestState::RollingBack);
  EXPECT_EQ(p.from_revision, 3);
  EXPECT_EQ(p.to_revision, 1);
}

TEST(RequestProgress, CompletedOnceCompletedAtIsSet) {
  auto s = handled("INC-1");
  s.last_rollback = manual("INC-1");
  s.last_rollback->completed_at = at("2026-12-02T01:00:03Z");
  s.current_revision = 4;
  const auto p = request_progress(s, "INC-1");
  EXPECT_EQ(p.state, RequestState::Completed);
  EXPECT_EQ(p.current_revision, 4);
  EXPECT_EQ(p.message, "rolled back 3 → 1: manual rollback INC-1");
}

TEST(RequestProgress, ARevisionThatDoesNotExistFailsWithTheControllersMessage) {
  auto s = handled("INC-2");
  s.last_rollback = manual("INC-1");  // untouched by the refused request
  s.last_rollback->completed_at = at("2026-12-02T01:00:03Z");
  const std::string message = "manual rollback INC-2: revision 42 not found; available revisions: 1, 2, 3, 4";
  s.history.push_back({at("2026-12-02T01:05:00Z"), "ManualRollbackFailed", message, 4, 42});
  const auto p = request_progress(s, "INC-2");
  EXPECT_EQ(p.state, RequestState::Failed);
  EXPECT_EQ(p.message, message);
}

TEST(RequestProgress, TheRunningRevisionIsNothingToDo) {
  auto s = handled("INC-3");
  s.history.push_back({at("2026-12-02T01:05:00Z"), "ManualRollbackSkipped",
                       "manual rollback INC-3: revision 4 is already running", 4, 4});
  EXPECT_EQ(request_progress(s, "INC-3").state, RequestState::AlreadyRunning);
}

TEST(RequestProgress, AnotherRequestsEntryWithACommonPrefixIsNotOurs) {
  auto s = handled("INC-1");
  s.history.push_back({at("2026-12-02T01:05:00Z"), "ManualRollbackFailed",
                       "manual rollback INC-10: revision 42 not found; available revisions: 1", 4, 42});
  s.pending_rollback = PendingRollback{.from_revision = 3, .to_revision = 1, .request_id = "INC-1"};
  EXPECT_EQ(request_progress(s, "INC-1").state, RequestState::RollingBack);
}

TEST(RequestProgress, ASupersededRollbackFailed) {
  auto s = handled("INC-1");
  s.last_rollback = manual("INC-1");
  s.history.push_back({at("2026-12-02T01:00:00Z"), "RollbackStarted", s.last_rollback->message, 3, 1});
  s.history.push_back(
      {at("2026-12-02T01:00:02Z"), "RollbackSuperseded", "rollback 3 → 1 superseded by revision 5", 3, 1});
  const auto p = request_progress(s, "INC-1");
  EXPECT_EQ(p.state, RequestState::Failed);
  EXPECT_EQ(p.message, "rollback 3 → 1 superseded by revision 5");
}

TEST(RequestProgress, ASupersededEarlierRollbackIsNotThisOne) {
  auto s = handled("INC-1");
  s.last_rollback = manual("INC-1");
  s.history.push_back(
      {at("2026-12-02T00:50:00Z"), "RollbackSuperseded", "rollback 2 → 1 superseded by revision 3", 2, 1});
  EXPECT_EQ(request_progress(s, "INC-1").state, RequestState::RollingBack);
}

TEST(RequestProgress, CompletedAndSinceOvertakenByAnotherRollbackIsStillCompleted) {
  auto s = handled("INC-1");
  s.history.push_back({at("2026-12-02T01:00:03Z"), "RollbackCompleted",
                       "rolled back 3 → 1: manual rollback INC-1 (now revision 4)", 3, 1});
  s.last_rollback = manual("INC-9");
  EXPECT_EQ(request_progress(s, "INC-1").state, RequestState::Completed);
}

TEST(RequestProgress, HandledWithoutAnyTraceIsAFailureThatSaysWhereToLook) {
  const auto p = request_progress(handled("INC-1"), "INC-1");
  EXPECT_EQ(p.state, RequestState::Failed);
  EXPECT_NE(p.message.find("events"), std::string::npos);
}

}  // namespace
}  // namespace rollguard::plugin
