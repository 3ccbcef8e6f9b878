// Concurrency: sends from several threads, sessions on several threads, a blocked puller woken
// by close() from another thread.
#include "test_util.hpp"

#include <set>
#include <thread>

TEST(Threads, SendsFromSeveralThreads) {
  gl::MockServer mock;
  Recorder rec;
  gl::Session session(mock_config(mock), rec.callback());
  constexpr int kThreads = 4, kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&session, t] {
      for (int i = 0; i < kPerThread; ++i) session.send_realtime_text("ping:" + std::to_string(t) + "-" + std::to_string(i));
    });
  }
  threads.emplace_back([&session] {
    auto quiet = silence_16k(20);
    for (int i = 0; i < kPerThread; ++i) session.send_audio(quiet);
  });
  for (auto& th : threads) th.join();

  mock.wait_for("/messages/realtime_text", kThreads * kPerThread);
  mock.wait_for("/messages/realtime_audio", kPerThread);
  ASSERT_TRUE(rec.wait_kind(gl::EventKind::Text, kThreads * kPerThread));
  std::set<std::string> pongs;
  for (auto& e : rec.all(gl::EventKind::Text)) pongs.insert(e.text);
  EXPECT_EQ(pongs.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(pongs.count("pong:3-49"), 1u);
}

TEST(Threads, SessionsOnSeveralThreads) {
  gl::MockServer mock;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&mock, &ok, t] {
      Recorder rec;
      gl::Session session(mock_config(mock), rec.callback());
      std::string text = "thread " + std::to_string(t);
      session.send_client_text(text);
      if (rec.wait_kind(gl::EventKind::TurnComplete) && rec.text() == "You said: " + text) ++ok;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 4);
}

TEST(Threads, CloseWakesBlockedPuller) {
  gl::MockServer mock;
  gl::Session session(mock_config(mock));
  std::atomic<int> close_code{0};
  std::thread puller([&] {
    for (;;) {
      gl::OwnedEvent e = session.next_event();  // no timeout
      if (e.is(gl::EventKind::Connected)) continue;
      if (e.is(gl::EventKind::Closed)) {
        close_code = static_cast<int>(e.close_code());
        return;
      }
    }
  });
  session.close();
  puller.join();
  EXPECT_EQ(close_code.load(), 1000);
}
