// Ephemeral tokens and Vertex Application Default Credentials against the mock's REST side.
#include "test_util.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace {

std::string write_temp(const std::string& text) {
  char path[] = "/tmp/gemini-live-cpp-adc-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp");
  FILE* f = fdopen(fd, "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}

}  // namespace

TEST(Credentials, MintedTokenOpensOneSession) {
  gl::MockServer mock(R"({"api_keys":["backend-key"]})");
  gl::TokenRequest req;
  req.base_url = mock.http_url();
  try {
    gl::mint_token("wrong-key", req);
    FAIL() << "minted with a bad key";
  } catch (const gl::Error& e) {
    EXPECT_EQ(e.result(), gl::Result::Http);
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_EQ(e.reason(), "API key not valid. Please pass a valid API key.");
    EXPECT_EQ(std::string(e.what()).find("wrong-key"), std::string::npos);
  }

  req.uses = 1;
  req.expire_after = std::chrono::minutes(10);
  req.setup_json = R"({"systemInstruction":{"parts":[{"text":"locked \"here\""}]}})";
  req.field_mask = "systemInstruction";
  auto before = std::chrono::system_clock::now();
  gl::Token token = gl::mint_token("backend-key", req);
  EXPECT_EQ(token.name.rfind("auth_tokens/", 0), 0u);
  auto ahead = token.expire_time - before;
  EXPECT_GT(ahead, std::chrono::minutes(9));
  EXPECT_LT(ahead, std::chrono::minutes(11));

  {
    Recorder rec;
    gl::Config config;
    config.set_ephemeral_token(token.name).set_base_url(mock.url()).set_response_modality(gl::Modality::Text);
    config.set_system_instruction("mine");
    gl::Session session(config, rec.callback());
    ASSERT_TRUE(rec.wait_kind(gl::EventKind::Connected));
    session.send_client_text("hello");
    ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
    EXPECT_NE(mock.stats_json().find(R"("last_system_instruction":"locked \"here\"")"), std::string::npos);
    session.close();
    ASSERT_TRUE(rec.wait_kind(gl::EventKind::Closed));
  }
  // one use only
  gl::Config again;
  again.set_ephemeral_token(token.name).set_base_url(mock.url());
  try {
    Recorder rec;
    gl::Session session(again, rec.callback());
    FAIL() << "a second session with a one-use token";
  } catch (const gl::Error& e) {
    EXPECT_EQ(e.result(), gl::Result::ServerClosed);
    EXPECT_EQ(e.close_code(), 1007);
  }
}

TEST(Credentials, VertexAdcFromServiceAccountFile) {
  unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
  setenv("CLOUDSDK_CONFIG", "/nonexistent/gemini-live-cpp-test", 1);
  // 2 s tokens: inside the refresh margin, so each session asks the token endpoint again.
  gl::MockServer mock(R"({"access_token_lifetime_ms":2000,"bearer_tokens":["never-issued"]})");
  std::string file = write_temp(mock.credentials_json("service_account"));
  gl::Config config;
  config.set_base_url(mock.url()).set_response_modality(gl::Modality::Text);
  config.set_vertex_adc("mock-project", "us-central1", file);
  for (int i = 1; i <= 2; i++) {
    Recorder rec;
    gl::Session session(config, rec.callback());
    ASSERT_TRUE(rec.wait_kind(gl::EventKind::Connected));
    session.send_client_text("hi");
    ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
    EXPECT_NE(mock.stats_json().find("\"oauth_tokens_issued\":" + std::to_string(i)), std::string::npos);
    session.close();
    ASSERT_TRUE(rec.wait_kind(gl::EventKind::Closed));
  }
  std::remove(file.c_str());
  EXPECT_THROW(config.set_vertex_adc("p", "evil.example.com#"), gl::Error);
}
