// Static tokens and token files that rotate (read again after the refresh period or a 401).
#include <gtest/gtest.h>

#include "kube/auth.hpp"
#include "unit/kube/config_test_support.hpp"

namespace rollguard::kube {
namespace {

using testing::run_to_completion;
using testing::TempDir;

class AuthToken : public ::testing::Test {
 protected:
  Result<Credentials> get(CredentialSource& source) { return run_to_completion(io, source.get()); }
  std::shared_ptr<CredentialSource> make(const Config& config) {
    return make_credential_source(io.get_executor(), config, [this] { return now; });
  }
  boost::asio::io_context io;
  std::chrono::system_clock::time_point now{std::chrono::hours(24 * 365 * 50)};
  TempDir dir;
};

TEST_F(AuthToken, StaticToken) {
  Config config;
  config.token = "static-token";
  auto source = make(config);
  auto creds = get(*source);
  ASSERT_TRUE(creds.has_value()) << creds.error().message();
  EXPECT_EQ(creds->token, "static-token");
  source->invalidate();
  EXPECT_EQ(get(*source)->token, "static-token");
}

TEST_F(AuthToken, NoCredentials) {
  auto source = make(Config{});
  auto creds = get(*source);
  ASSERT_TRUE(creds.has_value());
  EXPECT_TRUE(creds->token.empty());
  EXPECT_TRUE(creds->client_certificate_pem.empty());
}

TEST_F(AuthToken, TokenFileIsReadAndTrimmed) {
  Config config;
  config.token_file = dir.write("token", "first\n");
  auto creds = get(*make(config));
  ASSERT_TRUE(creds.has_value()) << creds.error().message();
  EXPECT_EQ(creds->token, "first");
}

TEST_F(AuthToken, RotatedTokenFileIsPickedUpAfterTheRefreshPeriod) {
  Config config;
  config.token_file = dir.write("token", "first\n");
  auto source = make(config);
  EXPECT_EQ(get(*source)->token, "first");
  dir.write("token", "second\n");
  now += std::chrono::seconds(30);
  EXPECT_EQ(get(*source)->token, "first");  // within client-go's one-minute period
  now += std::chrono::seconds(30);
  EXPECT_EQ(get(*source)->token, "second");
}

TEST_F(AuthToken, InvalidateRereadsImmediately) {
  Config config;
  config.token_file = dir.write("token", "first\n");
  auto source = make(config);
  EXPECT_EQ(get(*source)->token, "first");
  dir.write("token", "second\n");
  source->invalidate();
  EXPECT_EQ(get(*source)->token, "second");
}

TEST_F(AuthToken, TokenFileWinsOverStaticToken) {
  Config config;
  config.token = "static";
  config.token_file = dir.write("token", "from-file");
  EXPECT_EQ(get(*make(config))->token, "from-file");
}

TEST_F(AuthToken, StaticTokenIsTheFallbackUntilTheFileIsRead) {
  Config config;
  config.token = "static";
  config.token_file = dir.file("not-yet");
  auto source = make(config);
  EXPECT_EQ(get(*source)->token, "static");
  dir.write("not-yet", "from-file");
  EXPECT_EQ(get(*source)->token, "from-file");  // a failed read is retried on the next call
}

TEST_F(AuthToken, LastGoodTokenIsKeptWhileTheFileIsMissing) {
  Config config;
  config.token_file = dir.write("token", "good");
  auto source = make(config);
  EXPECT_EQ(get(*source)->token, "good");
  std::filesystem::remove(dir.file("token"));
  source->invalidate();
  auto creds = get(*source);
  ASSERT_TRUE(creds.has_value()) << creds.error().message();
  EXPECT_EQ(creds->token, "good");
}

TEST_F(AuthToken, MissingTokenFileWithoutFallbackIsAnError) {
  Config config;
  config.token_file = dir.file("absent");
  auto creds = get(*make(config));
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind(), ErrorKind::Config);
  EXPECT_EQ(creds.error().message(),
            "token file " + dir.file("absent") + ": cannot read: No such file or directory");
}

TEST_F(AuthToken, EmptyTokenFileIsAnError) {
  Config config;
  config.token_file = dir.write("token", "\n");
  auto creds = get(*make(config));
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().message(), "token file " + dir.file("token") + " is empty");
}

}  // namespace
}  // namespace rollguard::kube
