// Shared helpers of the C++ binding tests: an event recorder with condition-variable waits
// (deadlines, never sleeps), configs pointed at a MockServer, and PCM generators.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "gemini_live.hpp"

namespace gl = gemini_live;
using namespace std::chrono_literals;

constexpr auto kWait = 10s;

/// A copy of the fields of one event that the tests look at.
struct Recorded {
  gl::EventKind kind{};
  std::string text, id, name, json;
  std::size_t audio_bytes = 0;
  std::uint32_t sample_rate = 0;
  std::uint32_t close_code = 0;
  gl::CloseClass close_class{};
  gl::Phase phase{};
  bool finished = false, started = false;
};

/// Records every event of a callback-mode session. Must outlive the Session (declare it first).
class Recorder {
 public:
  /// The callback to hand to gl::Session; `hook` runs before the event is recorded (without the
  /// lock), so waits see its effects.
  gl::Session::Callback callback(std::function<void(const gl::Event&)> hook = {}) {
    return [this, hook](const gl::Event& e) {
      Recorded r;
      r.kind = e.kind();
      r.text = std::string(e.text());
      r.id = std::string(e.id());
      r.name = std::string(e.name());
      r.json = std::string(e.json());
      r.audio_bytes = e.audio().bytes.size();
      r.sample_rate = e.audio().sample_rate;
      r.close_code = e.close_code();
      r.close_class = e.close_class();
      r.phase = e.phase();
      r.finished = e.finished();
      r.started = e.started();
      // The hook runs first, so a wait that sees this event also sees the hook's effects.
      if (hook) {
        try {
          hook(e);
        } catch (...) {
          push(std::move(r));
          throw;
        }
      }
      push(std::move(r));
    };
  }

  /// Waits until `n` events of `kind` were recorded; false on timeout.
  bool wait_kind(gl::EventKind kind, int n = 1, std::chrono::milliseconds timeout = kWait) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return count_locked(kind) >= n; });
  }
  int count(gl::EventKind kind) {
    std::lock_guard<std::mutex> lock(mu_);
    return count_locked(kind);
  }
  /// Concatenated `text` of all events of `kind`.
  std::string text(gl::EventKind kind = gl::EventKind::Text) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string s;
    for (auto& e : events_)
      if (e.kind == kind) s += e.text;
    return s;
  }
  /// The first event of `kind` (a copy); fails the test if none.
  Recorded first(gl::EventKind kind) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& e : events_)
      if (e.kind == kind) return e;
    ADD_FAILURE() << "no event of kind " << static_cast<int>(kind);
    return {};
  }
  std::vector<Recorded> all(gl::EventKind kind) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Recorded> v;
    for (auto& e : events_)
      if (e.kind == kind) v.push_back(e);
    return v;
  }
  int events_after_closed() {
    std::lock_guard<std::mutex> lock(mu_);
    return after_closed_;
  }

 private:
  void push(Recorded r) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_) ++after_closed_;
      if (r.kind == gl::EventKind::Closed) closed_ = true;
      events_.push_back(std::move(r));
    }
    cv_.notify_all();
  }
  int count_locked(gl::EventKind kind) const {
    int n = 0;
    for (auto& e : events_) n += e.kind == kind;
    return n;
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Recorded> events_;
  bool closed_ = false;
  int after_closed_ = 0;
};

/// A config for `mock` with an API key and the given modality.
inline gl::Config mock_config(const gl::MockServer& mock, gl::Modality modality = gl::Modality::Text,
                              const std::string& key = "test-key") {
  gl::Config c;
  c.set_api_key(key).set_base_url(mock.url()).set_response_modality(modality);
  return c;
}

/// `ms` milliseconds of a 440 Hz tone at 16 kHz, amplitude 8000 (loud for the mock's VAD).
inline std::vector<std::int16_t> tone_16k(int ms) {
  std::vector<std::int16_t> v(static_cast<std::size_t>(16 * ms));
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<std::int16_t>(8000.0 * std::sin(2.0 * M_PI * 440.0 * static_cast<double>(i) / 16000.0));
  return v;
}
/// `ms` milliseconds of silence at 16 kHz.
inline std::vector<std::int16_t> silence_16k(int ms) {
  return std::vector<std::int16_t>(static_cast<std::size_t>(16 * ms), 0);
}

/// Counts destructions, to prove the std::function given to a Session is released exactly once.
struct Sentinel {
  explicit Sentinel(std::atomic<int>* d) : destroyed(d) {}
  ~Sentinel() { destroyed->fetch_add(1); }
  std::atomic<int>* destroyed;
};
