// Typed setup settings and several function responses in one message, against the strict mock
// (which closes the connection on any field it does not know).
#include "test_util.hpp"

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

gl::Result result_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const gl::Error& e) {
    return e.result();
  }
  return gl::Result::Ok;
}

}  // namespace

TEST(Setup, TypedSettersAndSeveralToolResponses) {
  gl::MockServer mock(R"({"strict":true})");
  Recorder rec;
  gl::Config config = mock_config(mock);
  config.set_temperature(0.7f)
      .set_top_p(0.95f)
      .set_top_k(40)
      .set_max_output_tokens(512)
      .set_seed(-3)
      .set_media_resolution(gl::MediaResolution::Medium)
      .set_thinking_level(gl::ThinkingLevel::Low)
      .set_proactivity(true, true)
      .set_turn_coverage(gl::TurnCoverage::OnlyActivity)
      .set_transcription_languages(gl::Transcription::Output, {"en-US"})
      .add_safety_setting(gl::HarmCategory::HateSpeech, gl::HarmThreshold::BlockNone)
      .add_label("team", "voice")
      .add_header("x-goog-user-project", "quota-1")
      .set_system_instruction("Be brief.")
      .add_system_instruction_part("Be kind.");
  gl::Session session(config, rec.callback());
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Connected));
  std::string stats = mock.stats_json();
  for (const char* want : {
           R"("temperature":0.7)", R"("topP":0.95)", R"("topK":40)", R"("maxOutputTokens":512)",
           R"("seed":-3)", R"("mediaResolution":"MEDIA_RESOLUTION_MEDIUM")", R"("thinkingLevel":"LOW")",
           R"("proactiveVideo":true)", R"("turnCoverage":"TURN_INCLUDES_ONLY_ACTIVITY")",
           R"("outputAudioTranscription":{"languageCodes":["en-US"]})", R"("threshold":"BLOCK_NONE")",
           R"("labels":{"team":"voice"})", R"("parts":[{"text":"Be brief."},{"text":"Be kind."}])"}) {
    EXPECT_TRUE(contains(stats, want)) << want << " not in " << stats;
  }

  gl::FunctionResponse weather;
  weather.id = "fc-1";
  weather.name = "get_weather";
  weather.response_json = R"({"output":"sunny"})";
  weather.scheduling = gl::Scheduling::WhenIdle;
  weather.will_continue = false;
  gl::FunctionResponse chart;
  chart.id = "fc-2";
  chart.name = "make_chart";
  chart.response_json = R"({"output":"done"})";
  chart.parts.push_back({std::string("image/png"), std::vector<std::uint8_t>{0, 1, 2}, std::nullopt,
                         std::string("chart")});
  chart.parts.push_back({std::nullopt, std::nullopt, std::string("gs://bucket/report.pdf"), std::nullopt});
  session.send_tool_responses({weather, chart});
  mock.wait_for("/messages/tool_response", 1);
  stats = mock.stats_json();
  EXPECT_TRUE(contains(stats, R"("name":"get_weather")")) << stats;
  EXPECT_TRUE(contains(stats, R"({"inlineData":{"data":"AAEC","displayName":"chart","mimeType":"image/png"}})"))
      << stats;
  EXPECT_TRUE(contains(stats, R"({"fileData":{"fileUri":"gs://bucket/report.pdf"}})")) << stats;

  // A part with both data and a file is refused; nothing is sent.
  gl::FunctionResponse bad = chart;
  bad.parts[0].file_uri = "gs://x/y";
  EXPECT_EQ(result_of([&] { session.send_tool_responses({bad}); }), gl::Result::InvalidArgument);
  EXPECT_EQ(result_of([&] { session.send_tool_responses({}); }), gl::Result::NullArgument);
  session.close();
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Closed));
}

TEST(Setup, OutOfRangeValuesAreRefused) {
  gl::Config c;
  EXPECT_EQ(result_of([&] { c.set_top_p(1.5f); }), gl::Result::InvalidArgument);
  EXPECT_EQ(result_of([&] { c.set_top_k(0); }), gl::Result::InvalidArgument);
  EXPECT_EQ(result_of([&] { c.set_thinking_budget(-2); }), gl::Result::InvalidArgument);
  EXPECT_EQ(result_of([&] { c.set_thinking_level(static_cast<gl::ThinkingLevel>(9)); }),
            gl::Result::InvalidArgument);
  EXPECT_EQ(result_of([&] { c.add_header("Authorization", "Bearer x"); }), gl::Result::InvalidArgument);
  EXPECT_EQ(result_of([&] { c.add_header("x-a", "b\r\nc: d"); }), gl::Result::InvalidArgument);
  EXPECT_EQ(result_of([&] { c.set_proactivity(false, true); }), gl::Result::InvalidArgument);
  EXPECT_EQ(result_of([&] { c.set_response_modalities({gl::Modality::Audio, gl::Modality::Audio}); }),
            gl::Result::InvalidArgument);
  c.set_response_modalities({gl::Modality::Audio, gl::Modality::Video}).set_vertex_api_key("k");
}
