// Ownership: move semantics, destruction while events flow (from another thread and from inside
// the callback), the callback released exactly once.
#include "test_util.hpp"

#include <memory>

namespace {
/// A flag with a condition variable: set once, awaited with a deadline.
class Latch {
 public:
  void set() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      set_ = true;
    }
    cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds timeout = kWait) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

/// Long paced audio replies, in 10 ms chunks: events keep flowing for seconds.
constexpr const char* kStreamingMock = R"({"audio_chunk_ms":10,"realtime_output":true})";

std::string long_text() {
  std::string s;
  for (int i = 0; i < 80; ++i) s += "word ";
  return s;
}
}  // namespace

TEST(Lifetime, MoveSemantics) {
  gl::MockServer mock0;
  gl::MockServer mock(std::move(mock0));
  EXPECT_EQ(mock0.get(), nullptr);  // NOLINT(bugprone-use-after-move): moved-from is empty
  ASSERT_NE(mock.get(), nullptr);

  gl::Config config0 = mock_config(mock);
  gl::Config config(std::move(config0));
  EXPECT_EQ(config0.get(), nullptr);  // NOLINT(bugprone-use-after-move)

  std::atomic<int> destroyed1{0}, destroyed2{0};
  Recorder rec1, rec2;
  auto s1 = std::make_shared<Sentinel>(&destroyed1);
  auto s2 = std::make_shared<Sentinel>(&destroyed2);
  auto cb1 = rec1.callback();
  auto cb2 = rec2.callback();
  gl::Session a(config, [cb1, s1](const gl::Event& e) { cb1(e); });
  gl::Session c(config, [cb2, s2](const gl::Event& e) { cb2(e); });
  s1.reset();
  s2.reset();

  gl::Session b(std::move(a));
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(a.get(), nullptr);
  try {
    a.send_client_text("x");
    FAIL() << "a moved-from session must throw";
  } catch (const gl::Error& e) {
    EXPECT_EQ(e.result(), gl::Result::NullArgument);
  }
  EXPECT_EQ(a.try_send_audio(silence_16k(10)), gl::Result::NullArgument);

  c = std::move(b);  // frees c's own session: its callback is released now
  EXPECT_EQ(destroyed2.load(), 1);
  EXPECT_EQ(destroyed1.load(), 0);
  c.send_client_text("moved twice");
  ASSERT_TRUE(rec1.wait_kind(gl::EventKind::TurnComplete));
  EXPECT_EQ(rec1.text(), "You said: moved twice");

  std::vector<gl::Session> sessions;
  sessions.push_back(std::move(c));
  for (int i = 0; i < 3; ++i) sessions.emplace_back(config);  // reallocations move sessions
  sessions.front().send_client_text("in a vector");
  ASSERT_TRUE(rec1.wait_kind(gl::EventKind::TurnComplete, 2));
  sessions.clear();
  EXPECT_EQ(destroyed1.load(), 1);
  EXPECT_EQ(destroyed2.load(), 1);
}

TEST(Lifetime, DestroyWhileEventsFlow) {
  gl::MockServer mock(kStreamingMock);
  gl::Config config = mock_config(mock, gl::Modality::Audio);
  config.set_output_transcription(true);
  for (int round = 0; round < 3; ++round) {
    std::atomic<int> destroyed{0};
    std::atomic<bool> session_gone{false};
    std::atomic<int> late_callbacks{0};
    Recorder rec;
    auto sentinel = std::make_shared<Sentinel>(&destroyed);
    auto cb = rec.callback();
    auto session = std::make_unique<gl::Session>(config, [cb, sentinel, &session_gone, &late_callbacks](const gl::Event& e) {
      if (session_gone) ++late_callbacks;
      cb(e);
    });
    sentinel.reset();
    session->send_client_text(long_text());
    ASSERT_TRUE(rec.wait_kind(gl::EventKind::Audio, 5 + 10 * round));
    session.reset();  // waits for a running callback; none runs afterwards
    session_gone = true;
    EXPECT_EQ(destroyed.load(), 1);  // the finalizer released the callback exactly once
    EXPECT_EQ(late_callbacks.load(), 0);
    EXPECT_EQ(rec.count(gl::EventKind::TurnComplete), 0);  // it really was mid-stream
  }
}

TEST(Lifetime, DestroyFromInsideCallback) {
  gl::MockServer mock(kStreamingMock);
  gl::Config config = mock_config(mock, gl::Modality::Audio);
  std::mutex mu;
  std::unique_ptr<gl::Session> owner;
  Latch released;
  std::atomic<int> audio_after{0};
  std::atomic<bool> freed{false};
  // Signals when the callback (and so this sentinel) is released by the finalizer.
  std::shared_ptr<void> on_release(nullptr, [&released](void*) { released.set(); });
  owner = std::make_unique<gl::Session>(config, [&, on_release](const gl::Event& e) {
    if (!e.is(gl::EventKind::Audio)) return;
    if (freed) {
      ++audio_after;
      return;
    }
    std::unique_ptr<gl::Session> self;
    {
      std::lock_guard<std::mutex> lock(mu);
      self = std::move(owner);
    }
    if (self) {
      self.reset();  // gemini_live_session_free from the session's own callback returns at once
      freed = true;
    }
  });
  on_release.reset();
  {
    std::lock_guard<std::mutex> lock(mu);
    owner->send_client_text(long_text());
  }
  ASSERT_TRUE(released.wait());
  EXPECT_TRUE(freed.load());
  EXPECT_EQ(audio_after.load(), 0);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(owner, nullptr);
}

TEST(Lifetime, MockServerStoppedUnderSession) {
  auto mock = std::make_unique<gl::MockServer>();
  Recorder rec;
  gl::Session session(mock_config(*mock), rec.callback());
  mock.reset();  // open connections get close 1001
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Closed));
  EXPECT_EQ(rec.first(gl::EventKind::Closed).close_code, 1001u);
  EXPECT_EQ(rec.events_after_closed(), 0);
}
