// gl::Playout bound to a session against the mock: a turn that plays out counts whole; a
// barge-in flushes what was not played and leaves the played part as the turn's figure.
#include <string>

#include "test_util.hpp"

namespace {
std::size_t pull_ms(gl::Playout& p, int ms) {
  std::int16_t frame[480];  // 20 ms device frames
  std::size_t n = 0;
  for (int i = 0; i < ms / 20; ++i) n += p.pull(frame, 480);
  return n;
}
}  // namespace

TEST(Playout, BoundToSession) {
  gl::MockServer mock(R"({"realtime_output":true,"audio_chunk_ms":40})");
  Recorder rec;
  gl::Session session(mock_config(mock, gl::Modality::Audio), rec.callback());
  gl::Playout playout(24000, std::chrono::minutes(1));
  gl::Playout phone(8000, std::chrono::milliseconds(100));
  session.set_playout(phone);  // any rate binds (the session resamples); the next bind replaces it
  session.set_playout(playout);

  session.send_realtime_text("hello there");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
  const auto length = playout.buffered();
  ASSERT_GE(length.count(), 200);
  EXPECT_EQ(playout.current_turn(), 1u);
  EXPECT_EQ(pull_ms(playout, static_cast<int>(length.count()) + 100), static_cast<std::size_t>(length.count()) * 24);
  EXPECT_EQ(playout.turn_played(1), std::make_pair(length, true));

  std::string words;
  for (int i = 0; i < 50; ++i) words += "word ";
  const int audio_so_far = rec.count(gl::EventKind::Audio);
  session.send_realtime_text(words);
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Audio, audio_so_far + 1));
  EXPECT_EQ(pull_ms(playout, 40), 960u);
  session.send_realtime_text("stop");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Interrupted));
  EXPECT_EQ(playout.turn_played(2), std::make_pair(std::chrono::milliseconds(40), true));
  session.clear_playout();
}

TEST(Playout, Standalone) {
  EXPECT_THROW(gl::Playout(4000, std::chrono::milliseconds(100)), gl::Error);
  gl::Playout p(8000, std::chrono::milliseconds(10));  // 80 samples
  std::vector<std::int16_t> in(100, 5);
  EXPECT_EQ(p.push(in.data(), in.size()), 80u);
  std::int16_t out[4] = {1, 1, 1, 1};
  EXPECT_EQ(p.pull(out, 4), 4u);
  EXPECT_EQ(out[0], 5);
  p.flush();
  EXPECT_EQ(p.pull(out, 4), 0u);
  EXPECT_EQ(out[3], 0);
  EXPECT_EQ(p.turn_played(1).first.count(), 0);  // 4 of 8000 Hz samples: under 1 ms
  EXPECT_THROW(p.turn_played(9), gl::Error);
  gl::Playout moved(std::move(p));
  EXPECT_EQ(moved.current_turn(), 1u);
}
