// Session::send_audio_as and audio_latency against the mock: G.711 and float32 stereo arrive as
// 16 kHz PCM16 (20 ms in, about 640 bytes out per call); bad formats and partial frames throw.
#include <cmath>
#include <regex>

#include "test_util.hpp"

TEST(Audio, SendAudioAsConvertsToWireFormat) {
  gl::MockServer mock;
  Recorder rec;
  gl::Session session(mock_config(mock), rec.callback());

  constexpr int calls = 25;
  const gl::AudioFormat phone{gl::SampleFormat::Alaw, 8000, 1};
  std::vector<std::uint8_t> frame(160, 0xD5);  // 20 ms of A-law silence
  for (int i = 0; i < calls; ++i) session.send_audio_as(frame, phone);
  const gl::AudioFormat mic{gl::SampleFormat::Float32, 44100, 2};
  std::vector<float> stereo(2 * 882);  // 20 ms at 44.1 kHz
  for (std::size_t i = 0; i < 882; ++i)
    stereo[2 * i] = stereo[2 * i + 1] = 0.25f * static_cast<float>(std::sin(2 * M_PI * 440 * i / 44100.0));
  for (int i = 0; i < calls; ++i) EXPECT_EQ(session.try_send_audio_as(stereo, mic), gl::Result::Ok);
  // The mock handles a connection's messages in order and counts each before handling it: once a
  // later text message is counted, every audio message before it is in the stats.
  session.send_realtime_text("fence");
  mock.wait_for("/messages/realtime_text", 1);

  std::smatch m;
  const std::string stats = mock.stats_json();
  ASSERT_TRUE(std::regex_search(stats, m, std::regex(R"re("audio_bytes":([0-9]+))re")));
  const long bytes = std::stol(m[1]);
  EXPECT_LE(bytes, 2 * calls * 640);
  EXPECT_GE(bytes, 2 * calls * 640 - 800);

  try {
    session.send_audio_as(frame, gl::AudioFormat{gl::SampleFormat::Pcm16, 7999, 1});
    FAIL() << "bad rate accepted";
  } catch (const gl::Error& e) {
    EXPECT_EQ(e.result(), gl::Result::InvalidArgument);
  }
  EXPECT_EQ(session.try_send_audio_as(gl::bytes_view(stereo.data(), 12), mic), gl::Result::InvalidArgument);
  EXPECT_EQ(session.try_send_audio_as(frame, gl::AudioFormat{gl::SampleFormat::Mulaw, 8000, 3}),
            gl::Result::InvalidArgument);
}

TEST(Audio, LatencyPerFormat) {
  EXPECT_EQ(gl::audio_latency({gl::SampleFormat::Pcm16, 16000, 1}).filter.count(), 0);
  const auto phone = gl::audio_latency({gl::SampleFormat::Mulaw, 8000, 1});
  const auto mic = gl::audio_latency({gl::SampleFormat::Float32, 48000, 2});
  std::printf("latency: 8 kHz mu-law %lld+%lld us, 48 kHz float stereo %lld+%lld us\n",
              static_cast<long long>(phone.filter.count()), static_cast<long long>(phone.max_buffered.count()),
              static_cast<long long>(mic.filter.count()), static_cast<long long>(mic.max_buffered.count()));
  EXPECT_GT(phone.filter.count(), mic.filter.count());
  EXPECT_LT(mic.max_buffered.count(), 10000);
  EXPECT_THROW(gl::audio_latency({gl::SampleFormat::Pcm16, 100, 1}), gl::Error);
}

TEST(Audio, OutputAudioFormat) {
  gl::MockServer mock(R"({"audio_chunk_ms":40})");
  Recorder rec;
  gl::Config config = mock_config(mock, gl::Modality::Audio);
  EXPECT_THROW(config.set_output_audio_format({gl::SampleFormat::Float32, 96000, 1}), gl::Error);
  config.set_output_audio_format({gl::SampleFormat::Float32, 48000, 2});
  gl::Session session(config, rec.callback());
  session.send_realtime_text("one two three four five six");
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::TurnComplete));
  std::size_t bytes = 0;
  for (auto& a : rec.all(gl::EventKind::Audio)) {
    EXPECT_EQ(a.sample_rate, 48000u);
    bytes += a.audio_bytes;
  }
  // 8 bytes per 48 kHz stereo float frame: the 480 ms reply less what the filter holds back.
  EXPECT_LE(bytes, 480u * 48 * 8);
  EXPECT_GE(bytes, 460u * 48 * 8);
}
