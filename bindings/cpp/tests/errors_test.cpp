// Failures surface as gemini_live::Error with the library's code and message.
#include <thread>
#include "test_util.hpp"

namespace {
template <class F>
gl::Error expect_error(F&& f) {
  try {
    f();
  } catch (const gl::Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected gemini_live::Error";
  return gl::Error(gl::Result::Ok, "");
}
}  // namespace

TEST(Errors, BadApiKeyCarriesServerReason) {
  gl::MockServer mock(R"({"api_keys":["good-key"]})");
  std::atomic<int> destroyed{0};
  auto sentinel = std::make_shared<Sentinel>(&destroyed);
  std::atomic<int> calls{0};
  {
    gl::Config config = mock_config(mock, gl::Modality::Text, "bad-key");
    gl::Error e = expect_error([&] {
      gl::Session s(config, [&calls, sentinel](const gl::Event&) { ++calls; });
    });
    EXPECT_EQ(e.result(), gl::Result::ServerClosed);
    // The close code and the reason are data, not parsed from the message.
    EXPECT_EQ(e.close_code(), 1007);
    EXPECT_EQ(e.reason(), "API key not valid. Please pass a valid API key.");
    EXPECT_NE(std::string(e.what()).find("1007"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("API key not valid. Please pass a valid API key."), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(calls.load(), 0);
  sentinel.reset();  // the failed constructor released its copy of the callback
  EXPECT_EQ(destroyed.load(), 1);

  gl::Config pull_config = mock_config(mock, gl::Modality::Text, "bad-key");
  gl::Error pull_error = expect_error([&] { gl::Session s(pull_config); });
  EXPECT_EQ(pull_error.result(), gl::Result::ServerClosed);
  EXPECT_EQ(pull_error.close_code(), 1007);
  EXPECT_EQ(pull_error.reason(), "API key not valid. Please pass a valid API key.");

  // A blank key: 1008 and its own reason; other failures carry no close data.
  gl::Config blank = mock_config(mock, gl::Modality::Text, " ");
  gl::Error blank_error = expect_error([&] { gl::Session s(blank); });
  EXPECT_EQ(blank_error.close_code(), 1008);
  EXPECT_NE(blank_error.reason().find("unregistered callers"), std::string::npos) << blank_error.reason();
  gl::Error other = expect_error([&] { gl::MockServer m("not json"); });
  EXPECT_EQ(other.close_code(), 0);
  EXPECT_EQ(other.reason(), "");
}

TEST(Errors, SendsAfterClose) {
  gl::MockServer mock;
  Recorder rec;
  gl::Session session(mock_config(mock), rec.callback());
  session.close();
  gl::Error e = expect_error([&] { session.send_realtime_text("late"); });
  EXPECT_EQ(e.result(), gl::Result::Closed);
  EXPECT_NE(std::string(e.what()).find("closed"), std::string::npos) << e.what();
  EXPECT_EQ(expect_error([&] { session.send_audio(silence_16k(10)); }).result(), gl::Result::Closed);
  EXPECT_EQ(expect_error([&] { session.send_client_text("late"); }).result(), gl::Result::Closed);
  EXPECT_EQ(expect_error([&] { session.send_activity_start(); }).result(), gl::Result::Closed);
  EXPECT_EQ(session.try_send_audio(silence_16k(10)), gl::Result::Closed);
  session.close();  // closing again is fine
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Closed));
}

TEST(Errors, InvalidSendArguments) {
  gl::MockServer mock;
  Recorder rec;
  gl::Session session(mock_config(mock), rec.callback());
  const std::uint8_t odd[3] = {1, 2, 3};
  EXPECT_EQ(expect_error([&] { session.send_audio(gl::bytes_view(odd, 3)); }).result(), gl::Result::InvalidArgument);
  EXPECT_EQ(expect_error([&] { session.send_audio(gl::bytes_view()); }).result(), gl::Result::InvalidArgument);
  EXPECT_EQ(expect_error([&] { session.send_audio(silence_16k(10), 1000); }).result(), gl::Result::InvalidArgument);
  EXPECT_EQ(expect_error([&] { session.send_video(odd, "image/gif"); }).result(), gl::Result::InvalidArgument);
  EXPECT_EQ(expect_error([&] { session.send_client_content("not json"); }).result(), gl::Result::InvalidJson);
  EXPECT_EQ(expect_error([&] { session.send_raw_json("{}"); }).result(), gl::Result::InvalidJson);
  EXPECT_EQ(expect_error([&] { session.send_raw_json(R"({"setup":{}})"); }).result(), gl::Result::InvalidJson);
  EXPECT_EQ(expect_error([&] { session.send_tool_response("id", "f", "[1]"); }).result(), gl::Result::InvalidJson);
  EXPECT_EQ(expect_error([&] { session.send_context_update(std::nullopt, std::nullopt); }).result(),
            gl::Result::InvalidArgument);
  using namespace std::string_literals;
  gl::Error nul = expect_error([&] { session.send_realtime_text("a\0b"s); });
  EXPECT_EQ(nul.result(), gl::Result::InvalidArgument);
  EXPECT_NE(std::string(nul.what()).find("NUL"), std::string::npos);
  // Pull API on a callback session.
  EXPECT_EQ(expect_error([&] { session.next_event(0ms); }).result(), gl::Result::InvalidArgument);
  // Audio whose encoded frame would pass the message limit is refused at the call.
  std::vector<std::uint8_t> huge(GEMINI_LIVE_MAX_AUDIO_BYTES + 2);
  gl::Error too_large = expect_error([&] { session.send_audio(huge); });
  EXPECT_EQ(too_large.result(), gl::Result::TooLarge);
  EXPECT_NE(std::string(too_large.what()).find("16777216"), std::string::npos) << too_large.what();
  // The session is still usable.
  session.send_client_text("still fine");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
}

TEST(Errors, ConfigValidation) {
  gl::Config c;
  EXPECT_EQ(expect_error([&] { c.set_temperature(5.0f); }).result(), gl::Result::InvalidArgument);
  EXPECT_EQ(expect_error([&] { c.set_model(""); }).result(), gl::Result::InvalidArgument);
  EXPECT_EQ(expect_error([&] { c.set_tools_json("{"); }).result(), gl::Result::InvalidJson);
  EXPECT_EQ(expect_error([&] { c.merge_setup_json("[]"); }).result(), gl::Result::InvalidJson);
  EXPECT_EQ(expect_error([&] { c.set_base_url("ftp://x"); }).result(), gl::Result::InvalidArgument);
  EXPECT_EQ(expect_error([&] { c.set_send_queue_size(0); }).result(), gl::Result::InvalidArgument);
  EXPECT_EQ(expect_error([&] { c.set_ca_file("/nonexistent/ca.pem"); }).result(), gl::Result::Tls);
  // Valid settings chain.
  c.set_model("gemini-live-test")
      .set_voice("Puck")
      .set_voice(std::nullopt)
      .set_language("en-US")
      .set_include_thoughts(true)
      .set_automatic_activity_detection(gl::Sensitivity::High, gl::Sensitivity::Low, 20ms, 500ms)
      .set_activity_handling(gl::ActivityHandling::NoInterruption)
      .set_session_resumption(true)
      .set_context_window_compression(true, 1000, 500)
      .set_audio_pacing(false)
      .set_connect_timeout(5s)
      .set_setup_timeout(5s)
      .set_reconnect(true, 3)
      .merge_setup_json(R"({"generationConfig":{"topK":3}})");
}

TEST(Errors, NoCredentialsAndConnectFailure) {
  gl::MockServer mock;
  gl::Config no_key;
  no_key.set_base_url(mock.url());
  EXPECT_EQ(expect_error([&] { gl::Session s(no_key); }).result(), gl::Result::Config);

  std::string url;
  {
    gl::MockServer gone;
    url = gone.url();
  }
  gl::Config dead;
  dead.set_api_key("k").set_base_url(url).set_connect_timeout(3s);
  gl::Error e = expect_error([&] { gl::Session s(dead); });
  EXPECT_TRUE(e.result() == gl::Result::ConnectFailed || e.result() == gl::Result::Timeout) << e.result_name();
}

TEST(Errors, CredentialCallbackThrows) {
  gl::MockServer mock;
  gl::Config config = mock_config(mock);
  config.set_credential_callback([]() -> std::string { throw std::runtime_error("vault down"); });
  EXPECT_EQ(expect_error([&] { gl::Session s(config); }).result(), gl::Result::Credential);
}

TEST(Errors, MockServerErrors) {
  EXPECT_EQ(expect_error([] { gl::MockServer m("not json"); }).result(), gl::Result::InvalidJson);
  gl::MockServer mock;
  gl::Error e = expect_error([&] { mock.wait_for("/setups_completed", 1, 50ms); });
  EXPECT_EQ(e.result(), gl::Result::Timeout);
  EXPECT_NE(mock.stats_json().find("setups_completed"), std::string::npos);
}

TEST(Errors, CallbackExceptionIsRethrownOnlyByTheOwner) {
  gl::MockServer mock;
  Recorder rec;
  std::atomic<int> thrown{0};
  gl::Session session(mock_config(mock), rec.callback([&](const gl::Event& e) {
    if (e.is(gl::EventKind::Connected) || (e.is(gl::EventKind::Text) && e.text() == "pong:a")) {
      ++thrown;
      throw std::runtime_error("boom from callback");
    }
  }));
  // Events of one session are sequential: once the pong of a ping is recorded, the throwing
  // CONNECTED callback has returned.
  session.send_realtime_text("ping:sync");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Text));
  ASSERT_TRUE(session.has_callback_exception());

  // Sends and getters never rethrow it, on this thread or another.
  EXPECT_NO_THROW(session.send_client_text("after the throw"));
  EXPECT_NO_THROW(session.phase());
  std::thread other([&] {
    EXPECT_NO_THROW(session.send_realtime_text("from another thread"));
    EXPECT_NO_THROW(session.dropped_audio());
  });
  other.join();
  ASSERT_TRUE(session.has_callback_exception());

  // The owner asks for it: rethrown once; events kept flowing.
  try {
    session.rethrow_callback_exception();
    FAIL() << "the callback's exception must be rethrown";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "boom from callback");
  }
  EXPECT_FALSE(session.has_callback_exception());
  EXPECT_NO_THROW(session.rethrow_callback_exception());
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
  EXPECT_EQ(rec.text().rfind("pong:sync", 0), 0u) << rec.text();

  // A later throw is stored too and surfaces from close(), after the close was requested.
  int texts = rec.count(gl::EventKind::Text);
  session.send_realtime_text("ping:a");
  for (int n = texts + 1; rec.text().find("pong:a") == std::string::npos; ++n) {
    ASSERT_TRUE(rec.wait_kind(gl::EventKind::Text, n));
  }
  // Closing through the C API and waiting for CLOSED proves the throwing callback has returned
  // (one session's events are sequential); close() is idempotent and then rethrows.
  ASSERT_EQ(gemini_live_session_close(session.get()), GEMINI_LIVE_RESULT_OK);
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Closed));
  try {
    session.close();
    FAIL() << "close() must rethrow the pending callback exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "boom from callback");
  }
  EXPECT_EQ(thrown.load(), 2);
  EXPECT_NO_THROW(session.close());
}

TEST(Errors, CloseFromInsideTheCallbackDoesNotRethrow) {
  gl::MockServer mock;
  Recorder rec;
  std::atomic<gl::Session*> self{nullptr};
  std::atomic<int> close_threw{0};
  gl::Session session(mock_config(mock), rec.callback([&](const gl::Event& e) {
    if (e.is(gl::EventKind::Connected)) throw std::runtime_error("first");
    if (e.is(gl::EventKind::TurnComplete)) {
      try {
        self.load()->close();
      } catch (...) {
        ++close_threw;
      }
    }
  }));
  self.store(&session);
  session.send_client_text("hello");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Closed));
  EXPECT_EQ(close_threw.load(), 0);
  EXPECT_THROW(session.rethrow_callback_exception(), std::runtime_error);
}
