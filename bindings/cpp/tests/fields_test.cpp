// New typed fields (an image part's MIME type and bytes, transcription language and speaker,
// streamed call fragments) and the raw JSON view reach C++ users (pull mode).
#include "test_util.hpp"

#include <optional>

TEST(Fields, ImageTranscriptionStreamedCallAndRawView) {
  gl::MockServer mock(R"({"scenario":[{"on":"message:1","send":{"serverContent":{
      "modelTurn":{"parts":[{"inlineData":{"mimeType":"image/png","data":"iVBORw=="}}]},
      "outputTranscription":{"text":"hi","languageCode":"en-GB","speakerLabel":"S2"},
      "futureField":{"x":1}},
      "toolCall":{"functionCalls":[{"id":"c1","name":"f","willContinue":true,
        "partialArgs":[{"jsonPath":"$.a","stringValue":"P"}]}]}}}]})");
  gl::Session session(mock_config(mock));
  session.send_realtime_text("go");
  bool image = false, transcription = false, call = false, audio = false;
  std::string raw;
  while (!call) {
    std::optional<gl::OwnedEvent> e = session.next_event(kWait);
    ASSERT_TRUE(e.has_value());
    ASSERT_FALSE(e->is(gl::EventKind::Closed));
    if (e->is(gl::EventKind::Audio)) audio = true;
    if (e->is(gl::EventKind::Image)) {
      image = true;
      EXPECT_EQ(e->mime_type(), "image/png");
      std::vector<std::uint8_t> png{0x89, 'P', 'N', 'G'};
      EXPECT_EQ(e->data().to_vector(), png);
      raw = std::string(e->raw_json());
    }
    if (e->is(gl::EventKind::OutputTranscription)) {
      transcription = true;
      EXPECT_EQ(e->language_code(), std::optional<std::string_view>("en-GB"));
      EXPECT_EQ(e->speaker(), std::optional<std::string_view>("S2"));
      EXPECT_FALSE(e->words_json().has_value());
    }
    if (e->is(gl::EventKind::ToolCall)) {
      call = true;
      EXPECT_TRUE(e->will_continue());
      ASSERT_TRUE(e->partial_args().has_value());
      EXPECT_NE(e->partial_args()->find("$.a"), std::string_view::npos);
      EXPECT_EQ(e->raw_json(), raw);  // every event of a frame points at the same text
      EXPECT_GT(e->frame_seq(), 1u);
    }
  }
  EXPECT_TRUE(image && transcription);
  EXPECT_FALSE(audio);  // an image is never taken for PCM
  EXPECT_NE(raw.find(R"("futureField":{"x":1})"), std::string::npos) << raw;
  session.close();
}
