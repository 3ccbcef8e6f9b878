// Turns against the mock: text, audio, tool call, every send function, pull mode.
#include "test_util.hpp"

#include <array>
#include <cstring>

TEST(Basics, VersionAndResultNames) {
  EXPECT_EQ(gl::version(), GEMINI_LIVE_VERSION);
  EXPECT_EQ(gl::result_name(gl::Result::QueueFull), "GEMINI_LIVE_RESULT_QUEUE_FULL");
  EXPECT_EQ(gl::result_name(static_cast<gl::Result>(9999)), "GEMINI_LIVE_RESULT_UNKNOWN");
  gl::Error e(gl::Result::Closed, "msg");
  EXPECT_EQ(e.result(), gl::Result::Closed);
  EXPECT_EQ(e.result_name(), "GEMINI_LIVE_RESULT_CLOSED");
  EXPECT_STREQ(e.what(), "msg");
}

TEST(Basics, BytesViewFromContainers) {
  std::vector<std::uint8_t> bytes{1, 2, 3};
  std::vector<std::int16_t> samples{1, 2};
  std::array<std::uint8_t, 4> arr{};
  std::string str = "abcde";
  EXPECT_EQ(gl::bytes_view(bytes).size(), 3u);
  EXPECT_EQ(gl::bytes_view(samples).size(), 4u);
  EXPECT_EQ(gl::bytes_view(arr).size(), 4u);
  EXPECT_EQ(gl::bytes_view(str).size(), 5u);
  EXPECT_EQ(gl::bytes_view(bytes.data(), 2).size(), 2u);
  EXPECT_EQ(gl::bytes_view(bytes).to_vector(), bytes);
  EXPECT_TRUE(gl::bytes_view().empty());
}

TEST(Session, TextTurnWithCallback) {
  gl::MockServer mock;
  Recorder rec;
  gl::Config config = mock_config(mock);
  config.set_system_instruction("Be brief.").set_temperature(0.5f);
  gl::Session session(config, rec.callback());
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Connected));
  EXPECT_EQ(session.phase(), gl::Phase::Active);
  EXPECT_FALSE(session.id().empty());
  EXPECT_EQ(session.dropped_audio(), 0u);
  EXPECT_EQ(session.dropped_video(), 0u);

  session.send_client_text("hello there mock");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
  EXPECT_EQ(rec.text(), "You said: hello there mock");
  EXPECT_EQ(rec.count(gl::EventKind::GenerationComplete), 1);
  ASSERT_GE(rec.count(gl::EventKind::UsageMetadata), 1);
  EXPECT_NE(rec.first(gl::EventKind::UsageMetadata).json.find("totalTokenCount"), std::string::npos);
  EXPECT_NE(mock.stats_json().find("\"last_system_instruction\":\"Be brief.\""), std::string::npos);

  session.close();
  session.close();  // idempotent
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Closed));
  Recorded closed = rec.first(gl::EventKind::Closed);
  EXPECT_EQ(closed.close_code, 1000u);
  EXPECT_EQ(closed.close_class, gl::CloseClass::Normal);
  EXPECT_EQ(session.phase(), gl::Phase::Closed);
  EXPECT_EQ(rec.events_after_closed(), 0);
}

TEST(Session, ReplayBoundsAreCheckedAndApplied) {
  gl::MockServer mock;
  Recorder rec;
  gl::Config config = mock_config(mock);
  try {
    config.set_replay_bounds((std::size_t{1} << 30) + 1, std::chrono::seconds(1));
    ADD_FAILURE() << "1 GiB + 1 accepted";
  } catch (const gl::Error& e) {
    EXPECT_EQ(e.result(), gl::Result::InvalidArgument);
  }
  config.set_replay_bounds(64 << 10, std::chrono::minutes(1));
  gl::Session session(config, rec.callback());
  session.send_client_text("bounded");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
  session.close();
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Closed));
}

TEST(Session, InlineDeliveryOnTheNetworkThread) {
  gl::MockServer mock;
  Recorder rec;
  gl::Config config = mock_config(mock);
  config.set_delivery(GEMINI_LIVE_DELIVERY_INLINE);
  EXPECT_THROW(config.set_delivery(static_cast<gemini_live_delivery>(9)), gl::Error);
  gl::Session session(config, rec.callback());
  // The connection's events ran on this thread, before the constructor returned.
  EXPECT_EQ(rec.count(gl::EventKind::Connected), 1);
  session.send_client_text("inline please");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
  EXPECT_EQ(rec.text(), "You said: inline please");
  session.close();
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Closed));
  EXPECT_EQ(rec.events_after_closed(), 0);
}

TEST(Session, UsageAccessorsInCallback) {
  gl::MockServer mock;
  Recorder rec;
  std::atomic<std::int64_t> total{-2};
  gl::Session session(mock_config(mock), rec.callback([&](const gl::Event& e) {
    if (e.is(gl::EventKind::UsageMetadata)) total = e.usage().total_tokens.value_or(-1);
  }));
  session.send_client_text("count my tokens please");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::UsageMetadata));
  EXPECT_GT(total.load(), 0);
}

TEST(Session, AudioTurn) {
  gl::MockServer mock;
  Recorder rec;
  std::atomic<long> first_samples_nonzero{0};
  gl::Config config = mock_config(mock, gl::Modality::Audio);
  config.set_input_transcription(true).set_output_transcription(true);
  gl::Session session(config, rec.callback([&](const gl::Event& e) {
    if (e.is(gl::EventKind::Audio)) {
      gl::AudioView a = e.audio();
      for (std::size_t i = 0; i < a.samples() && i < 200; ++i) first_samples_nonzero += a.sample(i) != 0;
    }
  }));
  // 1 s of loud speech, then 800 ms of silence, in 100 ms chunks as the microphone would.
  auto speech = tone_16k(1000);
  for (std::size_t off = 0; off < speech.size(); off += 1600)
    session.send_audio(gl::bytes_view(speech.data() + off, 1600 * sizeof(std::int16_t)), 16000);
  auto quiet = silence_16k(100);
  for (int i = 0; i < 8; ++i) session.send_audio(quiet);  // std::vector<int16_t> converts

  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
  auto vad = rec.all(gl::EventKind::VoiceActivity);
  ASSERT_GE(vad.size(), 2u);
  EXPECT_EQ(vad.front().name, "ACTIVITY_START");
  EXPECT_TRUE(vad.front().started);
  EXPECT_EQ(vad.back().name, "ACTIVITY_END");
  EXPECT_FALSE(vad.back().started);
  std::string transcript;
  for (auto& t : rec.all(gl::EventKind::InputTranscription))
    if (t.finished) transcript = t.text;
  EXPECT_EQ(transcript.rfind("[speech ", 0), 0u) << transcript;
  auto audio = rec.all(gl::EventKind::Audio);
  ASSERT_GE(audio.size(), 1u);
  EXPECT_EQ(audio.front().sample_rate, 24000u);
  EXPECT_GT(audio.front().audio_bytes, 0u);
  EXPECT_EQ(audio.front().audio_bytes % 2, 0u);
  EXPECT_GT(first_samples_nonzero.load(), 0);
  EXPECT_EQ(rec.text(gl::EventKind::OutputTranscription), "You said: " + transcript);
}

TEST(Session, ToolCallAnsweredFromCallback) {
  gl::MockServer mock;
  Recorder rec;
  std::atomic<gl::Session*> self{nullptr};
  std::atomic<int> answered{0};
  gl::Config config = mock_config(mock);
  config.set_tools_json(
      R"([{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}}]}])");
  gl::Session session(config, rec.callback([&](const gl::Event& e) {
    if (e.is(gl::EventKind::ToolCall)) {
      EXPECT_EQ(e.tool_call_name(), "get_weather");
      EXPECT_NE(e.tool_call_args().find("Paris"), std::string_view::npos);
      self.load()->send_tool_response(e.tool_call_id(), e.tool_call_name(), R"({"output":{"temp_c":21}})");
      ++answered;
    }
  }));
  self = &session;
  session.send_client_text("use get_weather for Paris");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
  EXPECT_EQ(answered.load(), 1);
  Recorded call = rec.first(gl::EventKind::ToolCall);
  EXPECT_EQ(call.id, "function-call-1");
  EXPECT_NE(rec.text().find("Tool get_weather returned"), std::string::npos) << rec.text();
  EXPECT_NE(rec.text().find("21"), std::string::npos) << rec.text();
  mock.wait_for("/messages/tool_response", 1);
}

TEST(Session, ToolCallCancelledByBargeIn) {
  gl::MockServer mock;
  Recorder rec;
  gl::Config config = mock_config(mock);
  config.set_tools_json(R"([{"functionDeclarations":[{"name":"slow_tool"}]}])");
  gl::Session session(config, rec.callback());
  session.send_client_text("call slow_tool now");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::ToolCall));
  session.send_realtime_text("never mind");  // barge-in cancels the pending call
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::ToolCallCancellation));
  EXPECT_NE(rec.first(gl::EventKind::ToolCallCancellation).json.find("function-call-1"), std::string::npos);
}

TEST(Session, EverySendFunction) {
  gl::MockServer mock;
  Recorder rec;
  gl::Session session(mock_config(mock), rec.callback());

  session.send_audio(silence_16k(100));
  EXPECT_EQ(session.try_send_audio(silence_16k(20), 16000), gl::Result::Ok);
  const std::uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0xFF, 0xD9};
  session.send_video(gl::bytes_view(jpeg, sizeof jpeg), "image/jpeg");
  session.send_realtime_text("ping:one");
  session.send_activity_start();
  session.send_activity_end();
  session.send_audio_stream_end();
  session.send_client_content(R"([{"role":"user","parts":[{"text":"remember this"}]}])", false);
  session.send_client_text("and this", false);
  session.send_context_update("You are terse.", "[]");
  session.send_context_update(std::nullopt, "[]");
  session.send_raw_json(R"({"realtimeInput":{"text":"ping:raw"}})");

  mock.wait_for("/messages/realtime_audio", 2);
  mock.wait_for("/messages/realtime_video", 1);
  mock.wait_for("/messages/realtime_text", 2);
  mock.wait_for("/messages/activity_start", 1);
  mock.wait_for("/messages/activity_end", 1);
  mock.wait_for("/messages/audio_stream_end", 1);
  mock.wait_for("/messages/client_content", 2);
  mock.wait_for("/messages/context_update", 2);
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Text, 2));
  EXPECT_EQ(rec.text(), "pong:onepong:raw");
  // send_tool_response is covered by ToolCallAnsweredFromCallback (an unknown id would close 1007).
}

TEST(Session, PullMode) {
  gl::MockServer mock;
  gl::Session session(mock_config(mock));
  bool connected = false;
  while (!connected) {
    auto e = session.next_event(kWait);
    ASSERT_TRUE(e.has_value());
    connected = e->is(gl::EventKind::Connected);
  }
  EXPECT_FALSE(session.next_event(0ms).has_value());  // nothing pending: no wait, no event

  session.send_client_text("pull me");
  std::vector<gl::OwnedEvent> kept;  // owned events stay valid after being moved around
  for (;;) {
    auto e = session.next_event(kWait);
    ASSERT_TRUE(e.has_value());
    bool done = e->is(gl::EventKind::TurnComplete);
    if (e->is(gl::EventKind::Text)) kept.push_back(std::move(*e));
    if (done) break;
  }
  std::string text;
  for (auto& e : kept) text += e.text();
  EXPECT_EQ(text, "You said: pull me");

  session.close();
  for (;;) {
    auto e = session.next_event(kWait);
    ASSERT_TRUE(e.has_value());
    if (e->is(gl::EventKind::Closed)) {
      EXPECT_EQ(e->close_code(), 1000u);
      break;
    }
  }
  try {
    session.next_event(0ms);
    FAIL() << "next_event after CLOSED must throw";
  } catch (const gl::Error& err) {
    EXPECT_EQ(err.result(), gl::Result::Closed);
  }
}

TEST(Session, CredentialCallback) {
  gl::MockServer mock(R"({"api_keys":["from-callback"]})");
  std::atomic<int> asked{0};
  Recorder rec;
  gl::Config config = mock_config(mock, gl::Modality::Text, "wrong-key");
  config.set_credential_callback([&] {
    ++asked;
    return std::string("from-callback");
  });
  gl::Session session(config, rec.callback());
  { gl::Config gone = std::move(config); }  // the session keeps the callback alive
  EXPECT_GE(asked.load(), 1);
  session.send_client_text("hi");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
}
