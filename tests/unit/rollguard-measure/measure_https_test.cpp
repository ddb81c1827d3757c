// HTTPS with verification on: a CA given as PEM, hostname (IP SAN and DNS SAN with SNI) checked,
// the system trust store refusing a private CA, a certificate for another name refused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rollguard/measure/http_client.hpp"
#include "test_http_server.hpp"

namespace rollguard::measure::testing {
namespace {
namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A CA and two server certificates signed by it (openssl CLI, EC keys: fast).
struct Pki {
  fs::path dir = fs::temp_directory_path() / ("rollguard-measure-pki-" + std::to_string(::getpid()));
  std::string ca, local_cert, local_key, other_cert, other_key;
  bool ok = false;

  Pki() {
    fs::create_directories(dir);
    const std::string d = dir.string();
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    std::string script = "cd '" + d + "' && openssl req -x509" + ec +
                         "-keyout ca.key -out ca.crt -subj /CN=rollguard-test-ca -days 2"
                         " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign";
    for (const auto& [name, san] :
         {std::pair<std::string, std::string>{"local", "IP:127.0.0.1,DNS:localhost"},
          {"other", "DNS:other.example"}}) {
      script += " && openssl req" + ec + "-keyout " + name + ".key -out " + name + ".csr -subj /CN=" + name +
                " && printf 'subjectAltName=" + san + "' > " + name + ".ext && openssl x509 -req -in " +
                name + ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile " + name +
                ".ext -out " + name + ".crt";
    }
    ok = std::system((script + " >/dev/null 2>&1").c_str()) == 0;
    if (!ok) return;
    ca = slurp(dir / "ca.crt");
    local_cert = slurp(dir / "local.crt");
    local_key = slurp(dir / "local.key");
    other_cert = slurp(dir / "other.crt");
    other_key = slurp(dir / "other.key");
  }
  ~Pki() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
};

class HttpsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki = new Pki(); }
  static void TearDownTestSuite() { delete pki; }
  void SetUp() override {
    if (!pki->ok) GTEST_SKIP() << "openssl could not make test certificates";
  }
  HttpResult send(HttpRequest request) { return run(io, client.send(std::move(request))); }

  static Pki* pki;
  boost::asio::io_context io;
  HttpClient client{io.get_executor()};
};
Pki* HttpsTest::pki = nullptr;

TEST_F(HttpsTest, VerifiedAgainstTheGivenCaByIpAndByName) {
  TestTls tls{pki->local_cert, pki->local_key};
  TestHttpServer server(
      io,
      [](const TestRequest&) {
        return TestReply{200, "secure"};
      },
      "127.0.0.1", 0, &tls);
  auto by_ip = send({.url = server.url("/x"), .ca_pem = pki->ca});
  ASSERT_TRUE(by_ip) << by_ip.error().message;
  EXPECT_EQ(by_ip->body, "secure");
  // "localhost" resolves (the DNS path) and is checked against the DNS SAN, with SNI.
  auto by_name =
      send({.url = "https://localhost:" + std::to_string(server.port()) + "/x", .ca_pem = pki->ca});
  ASSERT_TRUE(by_name) << by_name.error().message;
  EXPECT_EQ(by_name->status, 200);
}

TEST_F(HttpsTest, SystemTrustStoreRefusesAPrivateCa) {
  TestTls tls{pki->local_cert, pki->local_key};
  TestHttpServer server(
      io, [](const TestRequest&) { return TestReply{}; }, "127.0.0.1", 0, &tls);
  auto answer = send({.url = server.url("/")});
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, HttpErrorKind::Tls);
  EXPECT_NE(answer.error().message.find("certificate"), std::string::npos) << answer.error().message;
}

TEST_F(HttpsTest, CertificateForAnotherNameIsRefused) {
  TestTls tls{pki->other_cert, pki->other_key};
  TestHttpServer server(
      io, [](const TestRequest&) { return TestReply{}; }, "127.0.0.1", 0, &tls);
  auto answer = send({.url = server.url("/"), .ca_pem = pki->ca});
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, HttpErrorKind::Tls);
  EXPECT_NE(answer.error().message.find("IP address mismatch"), std::string::npos) << answer.error().message;
  auto by_name = send({.url = "https://localhost:" + std::to_string(server.port()) + "/", .ca_pem = pki->ca});
  ASSERT_FALSE(by_name);
  EXPECT_NE(by_name.error().message.find("hostname mismatch"), std::string::npos) << by_name.error().message;
}

TEST_F(HttpsTest, UnusableCaPemIsAnInvalidRequest) {
  auto answer = send({.url = "https://127.0.0.1:1/", .ca_pem = "not a certificate"});
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, HttpErrorKind::InvalidRequest);
}

}  // namespace
}  // namespace rollguard::measure::testing
