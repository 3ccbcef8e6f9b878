// gemini_live.hpp: a header-only C++17 wrapper over the C API of gemini-live (gemini_live.h).
//
// Overview
// - gemini_live::Config   RAII owner of a gemini_live_config; fluent setters (set_model(...)...).
// - gemini_live::Session  RAII owner of a connected gemini_live_session, move-only. Callback mode
//                         (Session(config, callback)) or pull mode (Session(config) plus
//                         next_event(timeout)).
// - gemini_live::Event    a borrowed view of one gemini_live_event with typed accessors.
// - gemini_live::OwnedEvent  an event returned by Session::next_event; owns its memory.
// - gemini_live::MockServer  RAII owner of the library's mock Live server, for offline tests.
// - gemini_live::bytes_view  a (pointer, size) pair for byte inputs; converts implicitly from any
//                         contiguous container (std::vector<std::uint8_t>, std::vector<std::int16_t>,
//                         std::array, std::string, ...).
//
// Error handling: exceptions. Every operation that can fail throws gemini_live::Error (derived from
// std::runtime_error) carrying the library's result code (Error::result()), its message
// (Error::what()) and, when the server refused or closed the session, the WebSocket close code
// and the server's reason verbatim as data (Error::close_code(), Error::reason(); e.g. 1007 and
// "API key not valid. Please pass a valid API key."). They are read from the C error object
// (gemini_live_last_error_take), never parsed from the message. Argument strings containing a
// NUL byte throw Error with Result::InvalidArgument before reaching the library.
// Destructors, move operations, getters on events and Session::try_send_audio never throw.
//
// Callbacks: the event callback runs on a library thread (gemini-live-cb), one event at a time
// per session, in order. The Event it receives, and every string_view / bytes_view obtained from
// it, is valid only until the callback returns: copy what you need to keep. The callback may call
// every send function and close() on its own session, and may destroy its own Session (then it
// must not touch it afterwards). It must not call next_event().
//
// Exceptions thrown by a callback never reach the C library: the wrapper catches them. The first
// one is stored in the session (later ones are dropped while one is pending; event delivery goes
// on) and rethrown, once, from exactly two places, both called by the thread that owns the
// Session: Session::rethrow_callback_exception() and Session::close() (close() first requests
// the close, then rethrows). Nothing else rethrows it: sends, getters and next_event() made on
// any thread only ever throw their own Error, so a callback's exception never surfaces in an
// unrelated call on another thread. close() called from inside that session's own event
// callback does not rethrow either. Session::has_callback_exception() tells whether one is
// pending. An exception still pending when the Session is destroyed is discarded (destructors
// never throw): call close() or rethrow_callback_exception() first to see it. A credential
// callback that throws makes that connection attempt fail with Result::Credential.
//
// Lifetimes: the std::function passed to a Session is owned by the C library's userdata and is
// destroyed exactly once, by the userdata finalizer, after the last callback (at the latest when
// the Session is destroyed). Destroying a Session while events flow is safe: the destructor waits
// for a callback running on another thread to return, so do not destroy a Session while holding a
// lock that its callback takes.
//
// Threads: all send functions, close() and the getters of a Session may be called from any thread
// concurrently. Moving, assigning or destroying a Session must not race with other uses of it.
// A Config must not be used from two threads at once while being modified.
#ifndef GEMINI_LIVE_HPP
#define GEMINI_LIVE_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "gemini_live.h"

namespace gemini_live {

// ---------------------------------------------------------------------------------------------
// Enumerations (same numbers as the C enums)

/// A result code of the C API (GEMINI_LIVE_RESULT_*).
enum class Result : std::uint32_t {
  Ok = GEMINI_LIVE_RESULT_OK,
  NullArgument = GEMINI_LIVE_RESULT_NULL_ARGUMENT,
  InvalidUtf8 = GEMINI_LIVE_RESULT_INVALID_UTF8,
  InvalidArgument = GEMINI_LIVE_RESULT_INVALID_ARGUMENT,
  InvalidJson = GEMINI_LIVE_RESULT_INVALID_JSON,
  QueueFull = GEMINI_LIVE_RESULT_QUEUE_FULL,
  Closed = GEMINI_LIVE_RESULT_CLOSED,
  Timeout = GEMINI_LIVE_RESULT_TIMEOUT,
  ConnectFailed = GEMINI_LIVE_RESULT_CONNECT_FAILED,
  ServerClosed = GEMINI_LIVE_RESULT_SERVER_CLOSED,
  Protocol = GEMINI_LIVE_RESULT_PROTOCOL,
  Config = GEMINI_LIVE_RESULT_CONFIG,
  Tls = GEMINI_LIVE_RESULT_TLS,
  Io = GEMINI_LIVE_RESULT_IO,
  Panic = GEMINI_LIVE_RESULT_PANIC,
  Internal = GEMINI_LIVE_RESULT_INTERNAL,
  BufferTooSmall = GEMINI_LIVE_RESULT_BUFFER_TOO_SMALL,
  Credential = GEMINI_LIVE_RESULT_CREDENTIAL,
  TooLarge = GEMINI_LIVE_RESULT_TOO_LARGE,
  Http = GEMINI_LIVE_RESULT_HTTP,
};

/// What an event is about (GEMINI_LIVE_EVENT_KIND_*); see gemini_live.h for the fields of each.
enum class EventKind : std::uint32_t {
  Connected = GEMINI_LIVE_EVENT_KIND_CONNECTED,
  Audio = GEMINI_LIVE_EVENT_KIND_AUDIO,
  Text = GEMINI_LIVE_EVENT_KIND_TEXT,
  Thought = GEMINI_LIVE_EVENT_KIND_THOUGHT,
  InputTranscription = GEMINI_LIVE_EVENT_KIND_INPUT_TRANSCRIPTION,
  OutputTranscription = GEMINI_LIVE_EVENT_KIND_OUTPUT_TRANSCRIPTION,
  ToolCall = GEMINI_LIVE_EVENT_KIND_TOOL_CALL,
  ToolCallCancellation = GEMINI_LIVE_EVENT_KIND_TOOL_CALL_CANCELLATION,
  Interrupted = GEMINI_LIVE_EVENT_KIND_INTERRUPTED,
  GenerationComplete = GEMINI_LIVE_EVENT_KIND_GENERATION_COMPLETE,
  TurnComplete = GEMINI_LIVE_EVENT_KIND_TURN_COMPLETE,
  VoiceActivity = GEMINI_LIVE_EVENT_KIND_VOICE_ACTIVITY,
  UsageMetadata = GEMINI_LIVE_EVENT_KIND_USAGE_METADATA,
  GoAway = GEMINI_LIVE_EVENT_KIND_GO_AWAY,
  ResumptionUpdate = GEMINI_LIVE_EVENT_KIND_RESUMPTION_UPDATE,
  Reconnecting = GEMINI_LIVE_EVENT_KIND_RECONNECTING,
  Reconnected = GEMINI_LIVE_EVENT_KIND_RECONNECTED,
  PhaseChanged = GEMINI_LIVE_EVENT_KIND_PHASE_CHANGED,
  Error = GEMINI_LIVE_EVENT_KIND_ERROR,
  Closed = GEMINI_LIVE_EVENT_KIND_CLOSED,
  Raw = GEMINI_LIVE_EVENT_KIND_RAW,
  Image = GEMINI_LIVE_EVENT_KIND_IMAGE,
  Video = GEMINI_LIVE_EVENT_KIND_VIDEO,
  InlineData = GEMINI_LIVE_EVENT_KIND_INLINE_DATA,
  ThoughtSignature = GEMINI_LIVE_EVENT_KIND_THOUGHT_SIGNATURE,
  ExecutableCode = GEMINI_LIVE_EVENT_KIND_EXECUTABLE_CODE,
  CodeExecutionResult = GEMINI_LIVE_EVENT_KIND_CODE_EXECUTION_RESULT,
  FileData = GEMINI_LIVE_EVENT_KIND_FILE_DATA,
  ServerToolCall = GEMINI_LIVE_EVENT_KIND_SERVER_TOOL_CALL,
  ServerToolResponse = GEMINI_LIVE_EVENT_KIND_SERVER_TOOL_RESPONSE,
  GroundingMetadata = GEMINI_LIVE_EVENT_KIND_GROUNDING_METADATA,
  UrlContextMetadata = GEMINI_LIVE_EVENT_KIND_URL_CONTEXT_METADATA,
  TurnStatus = GEMINI_LIVE_EVENT_KIND_TURN_STATUS,
};

enum class Phase : std::uint32_t {
  Disconnected = GEMINI_LIVE_PHASE_DISCONNECTED,
  Connecting = GEMINI_LIVE_PHASE_CONNECTING,
  SetupSent = GEMINI_LIVE_PHASE_SETUP_SENT,
  Active = GEMINI_LIVE_PHASE_ACTIVE,
  GoingAway = GEMINI_LIVE_PHASE_GOING_AWAY,
  Reconnecting = GEMINI_LIVE_PHASE_RECONNECTING,
  Closing = GEMINI_LIVE_PHASE_CLOSING,
  Closed = GEMINI_LIVE_PHASE_CLOSED,
};

enum class Modality : std::uint32_t {
  Unspecified = GEMINI_LIVE_MODALITY_UNSPECIFIED,
  Text = GEMINI_LIVE_MODALITY_TEXT,
  Audio = GEMINI_LIVE_MODALITY_AUDIO,
  Image = GEMINI_LIVE_MODALITY_IMAGE,  ///< only in Config::set_response_modalities
  Video = GEMINI_LIVE_MODALITY_VIDEO,  ///< only in Config::set_response_modalities
};

enum class CloseClass : std::uint32_t {
  Normal = GEMINI_LIVE_CLOSE_CLASS_NORMAL,
  Fatal = GEMINI_LIVE_CLOSE_CLASS_FATAL,
  Retryable = GEMINI_LIVE_CLOSE_CLASS_RETRYABLE,
};

enum class ErrorKind : std::uint32_t {
  None = GEMINI_LIVE_ERROR_KIND_NONE,
  MalformedFrame = GEMINI_LIVE_ERROR_KIND_MALFORMED_FRAME,
  FrameTooLarge = GEMINI_LIVE_ERROR_KIND_FRAME_TOO_LARGE,
  Connection = GEMINI_LIVE_ERROR_KIND_CONNECTION,
  ServerClosed = GEMINI_LIVE_ERROR_KIND_SERVER_CLOSED,
  ReplayOverflow = GEMINI_LIVE_ERROR_KIND_REPLAY_OVERFLOW,
  RetriesExhausted = GEMINI_LIVE_ERROR_KIND_RETRIES_EXHAUSTED,
  Internal = GEMINI_LIVE_ERROR_KIND_INTERNAL,
};

enum class Sensitivity : std::uint32_t {
  Default = GEMINI_LIVE_SENSITIVITY_DEFAULT,
  High = GEMINI_LIVE_SENSITIVITY_HIGH,
  Low = GEMINI_LIVE_SENSITIVITY_LOW,
};

enum class ActivityHandling : std::uint32_t {
  Default = GEMINI_LIVE_ACTIVITY_HANDLING_DEFAULT,
  StartOfActivityInterrupts = GEMINI_LIVE_ACTIVITY_HANDLING_START_OF_ACTIVITY_INTERRUPTS,
  NoInterruption = GEMINI_LIVE_ACTIVITY_HANDLING_NO_INTERRUPTION,
};

enum class Scheduling : std::uint32_t {
  None = GEMINI_LIVE_SCHEDULING_NONE,
  Silent = GEMINI_LIVE_SCHEDULING_SILENT,
  WhenIdle = GEMINI_LIVE_SCHEDULING_WHEN_IDLE,
  Interrupt = GEMINI_LIVE_SCHEDULING_INTERRUPT,
};

/// How one sample of an AudioFormat is stored.
enum class SampleFormat : std::uint32_t {
  Pcm16 = GEMINI_LIVE_SAMPLE_FORMAT_PCM16,      ///< signed 16-bit little-endian
  Float32 = GEMINI_LIVE_SAMPLE_FORMAT_FLOAT32,  ///< IEEE float in [-1, 1] (clipped beyond)
  Mulaw = GEMINI_LIVE_SAMPLE_FORMAT_MULAW,      ///< G.711 μ-law, one byte per sample
  Alaw = GEMINI_LIVE_SAMPLE_FORMAT_ALAW,        ///< G.711 A-law, one byte per sample
};

/// The format of audio given to Session::send_audio_as: `sample_rate` 8000..48000 Hz,
/// `channels` 1 or 2 (interleaved; mixed down to mono by their mean).
struct AudioFormat {
  SampleFormat format = SampleFormat::Pcm16;
  std::uint32_t sample_rate = 16000;
  std::uint32_t channels = 1;

  gemini_live_audio_format c() const noexcept {
    return gemini_live_audio_format{static_cast<std::uint32_t>(format), sample_rate, channels};
  }
};

// Typed setup values (see the C header for each wire field, range and the models).

/// setup.generationConfig.mediaResolution: tokens per image or video frame.
enum class MediaResolution : std::uint32_t {
  Unspecified = GEMINI_LIVE_MEDIA_RESOLUTION_UNSPECIFIED,
  Low = GEMINI_LIVE_MEDIA_RESOLUTION_LOW,
  Medium = GEMINI_LIVE_MEDIA_RESOLUTION_MEDIUM,
  High = GEMINI_LIVE_MEDIA_RESOLUTION_HIGH,
};

/// setup.generationConfig.thinkingConfig.thinkingLevel (3.x Live models).
enum class ThinkingLevel : std::uint32_t {
  Unspecified = GEMINI_LIVE_THINKING_LEVEL_UNSPECIFIED,
  Minimal = GEMINI_LIVE_THINKING_LEVEL_MINIMAL,
  Low = GEMINI_LIVE_THINKING_LEVEL_LOW,
  Medium = GEMINI_LIVE_THINKING_LEVEL_MEDIUM,
  High = GEMINI_LIVE_THINKING_LEVEL_HIGH,
};

/// setup.realtimeInputConfig.turnCoverage.
enum class TurnCoverage : std::uint32_t {
  Unspecified = GEMINI_LIVE_TURN_COVERAGE_UNSPECIFIED,
  OnlyActivity = GEMINI_LIVE_TURN_COVERAGE_ONLY_ACTIVITY,
  AllInput = GEMINI_LIVE_TURN_COVERAGE_ALL_INPUT,
  AudioActivityAndAllVideo = GEMINI_LIVE_TURN_COVERAGE_AUDIO_ACTIVITY_AND_ALL_VIDEO,
};

/// setup.safetySettings[].category.
enum class HarmCategory : std::uint32_t {
  Harassment = GEMINI_LIVE_HARM_CATEGORY_HARASSMENT,
  HateSpeech = GEMINI_LIVE_HARM_CATEGORY_HATE_SPEECH,
  SexuallyExplicit = GEMINI_LIVE_HARM_CATEGORY_SEXUALLY_EXPLICIT,
  DangerousContent = GEMINI_LIVE_HARM_CATEGORY_DANGEROUS_CONTENT,
  CivicIntegrity = GEMINI_LIVE_HARM_CATEGORY_CIVIC_INTEGRITY,
};

/// setup.safetySettings[].threshold.
enum class HarmThreshold : std::uint32_t {
  BlockLowAndAbove = GEMINI_LIVE_HARM_THRESHOLD_BLOCK_LOW_AND_ABOVE,
  BlockMediumAndAbove = GEMINI_LIVE_HARM_THRESHOLD_BLOCK_MEDIUM_AND_ABOVE,
  BlockOnlyHigh = GEMINI_LIVE_HARM_THRESHOLD_BLOCK_ONLY_HIGH,
  BlockNone = GEMINI_LIVE_HARM_THRESHOLD_BLOCK_NONE,
  Off = GEMINI_LIVE_HARM_THRESHOLD_OFF,
};

/// Which audio transcription a setting applies to.
enum class Transcription : std::uint32_t {
  Input = GEMINI_LIVE_TRANSCRIPTION_INPUT,
  Output = GEMINI_LIVE_TRANSCRIPTION_OUTPUT,
};

/// Media with a function's result: inline `data` (with `mime_type`) or a `file_uri`
/// (`mime_type` optional); exactly one of the two.
struct FunctionResponsePart {
  std::optional<std::string> mime_type;
  std::optional<std::vector<std::uint8_t>> data;
  std::optional<std::string> file_uri;
  std::optional<std::string> display_name;
};

/// One function's answer for Session::send_tool_responses.
struct FunctionResponse {
  std::optional<std::string> id;  ///< the call's id (required on the Gemini API)
  std::string name;
  std::string response_json = "{}";  ///< a JSON object, {"output": ...} or {"error": ...}
  Scheduling scheduling = Scheduling::None;
  std::optional<bool> will_continue;
  std::vector<FunctionResponsePart> parts;
};

/// The stable name of a result code, e.g. "GEMINI_LIVE_RESULT_QUEUE_FULL".
inline std::string_view result_name(Result r) noexcept {
  return gemini_live_result_name(static_cast<std::uint32_t>(r));
}

/// The version of the library loaded at run time, e.g. "0.1.0" (compare with GEMINI_LIVE_VERSION).
inline std::string_view version() noexcept { return gemini_live_version(); }

// ---------------------------------------------------------------------------------------------
// Errors

/// A failed call: the library's result code, its message (what()) and, for a server's close,
/// the close code and the server's reason.
class Error : public std::runtime_error {
 public:
  Error(Result result, const std::string& message, std::uint16_t close_code = 0, std::string reason = {},
        std::uint16_t http_status = 0)
      : std::runtime_error(message),
        result_(result),
        close_code_(close_code),
        reason_(std::move(reason)),
        http_status_(http_status) {}
  /// The result code of the failed call (never Result::Ok).
  Result result() const noexcept { return result_; }
  /// The code's stable name, e.g. "GEMINI_LIVE_RESULT_SERVER_CLOSED".
  std::string_view result_name() const noexcept { return gemini_live::result_name(result_); }
  /// The WebSocket close code when the server refused or closed the session (result()
  /// Result::ServerClosed, e.g. 1007 for a refused API key); 0 otherwise.
  std::uint16_t close_code() const noexcept { return close_code_; }
  /// The server's close reason, verbatim, when close_code() is not 0 (possibly empty); the
  /// service's error message, verbatim, when http_status() is not 0; empty otherwise.
  const std::string& reason() const noexcept { return reason_; }
  /// The HTTP status of a REST request the service refused (Result::Http, e.g. 400 for a bad
  /// API key when minting a token); 0 otherwise.
  std::uint16_t http_status() const noexcept { return http_status_; }

 private:
  Result result_;
  std::uint16_t close_code_;
  std::string reason_;
  std::uint16_t http_status_;
};

namespace detail {

/// The Error for a C call that just returned `r` (not OK) on this thread, from the thread's
/// error object (gemini_live_last_error_take): code, message, close code and reason as data.
inline Error last_error(gemini_live_result r) {
  std::unique_ptr<gemini_live_error, void (*)(gemini_live_error*)> e(gemini_live_last_error_take(),
                                                                     gemini_live_error_free);
  if (!e) return Error(static_cast<Result>(r), gemini_live_last_error_message());
  return Error(static_cast<Result>(r), gemini_live_error_message(e.get()), gemini_live_error_close_code(e.get()),
               gemini_live_error_reason(e.get()), gemini_live_error_http_status(e.get()));
}

/// Throws Error for a failed C call, with the calling thread's last error.
inline void check(gemini_live_result r) {
  if (r != GEMINI_LIVE_RESULT_OK) {
    throw last_error(r);
  }
}

/// The Session::Shared whose event callback runs on this thread, if any (close() from inside a
/// callback does not rethrow).
inline const void*& current_callback() noexcept {
  thread_local const void* current = nullptr;
  return current;
}

/// A NUL-terminated copy of `s`; refuses embedded NULs (the C API would silently truncate).
inline std::string c_string(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) {
    throw Error(Result::InvalidArgument, "string argument contains a NUL byte");
  }
  return std::string(s);
}

/// A NUL-terminated string or NULL, for optional C string arguments.
class OptCString {
 public:
  explicit OptCString(const std::optional<std::string_view>& s) {
    if (s) value_ = c_string(*s);
  }
  const char* get() const noexcept { return value_ ? value_->c_str() : nullptr; }

 private:
  std::optional<std::string> value_;
};

inline std::string_view view(const char* p, std::size_t len) noexcept {
  return p ? std::string_view(p, len) : std::string_view();
}

inline std::optional<std::string_view> opt_view(const char* p, std::size_t len) noexcept {
  return p ? std::optional<std::string_view>(std::string_view(p, len)) : std::nullopt;
}

inline std::optional<std::int64_t> opt_i64(std::int64_t v) noexcept {
  return v < 0 ? std::nullopt : std::optional<std::int64_t>(v);
}

/// The pointer to pass for a byte buffer: never NULL, so that an empty buffer is reported by the
/// library as empty (INVALID_ARGUMENT) rather than as a NULL argument.
inline const std::uint8_t* nonnull(const std::uint8_t* p) noexcept {
  static const std::uint8_t empty = 0;
  return p ? p : &empty;
}

inline std::uint32_t clamp_timeout(std::chrono::milliseconds t) noexcept {
  if (t.count() <= 0) return 0;
  // GEMINI_LIVE_TIMEOUT_INFINITE (UINT32_MAX) means "no limit"; anything at or above it is that.
  if (static_cast<unsigned long long>(t.count()) >= GEMINI_LIVE_TIMEOUT_INFINITE) {
    return GEMINI_LIVE_TIMEOUT_INFINITE;
  }
  return static_cast<std::uint32_t>(t.count());
}

template <class C, class = void>
struct is_contiguous : std::false_type {};
template <class C>
struct is_contiguous<C, std::void_t<decltype(std::data(std::declval<const C&>())),
                                    decltype(std::size(std::declval<const C&>()))>>
    : std::is_trivially_copyable<std::remove_cv_t<std::remove_pointer_t<decltype(std::data(
          std::declval<const C&>()))>>> {};

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Bytes

/// A borrowed (pointer, size in bytes) pair, C++17's stand-in for std::span<const std::uint8_t>.
/// Implicitly built from any contiguous container of trivially copyable elements (its bytes in
/// memory order: a std::vector<std::int16_t> of samples is PCM16 in host order, i.e. little-endian
/// on the platforms this library supports).
class bytes_view {
 public:
  constexpr bytes_view() noexcept = default;
  constexpr bytes_view(const std::uint8_t* data, std::size_t size) noexcept : data_(data), size_(size) {}
  bytes_view(const void* data, std::size_t size) noexcept
      : data_(static_cast<const std::uint8_t*>(data)), size_(size) {}
  template <class C, class = std::enable_if_t<detail::is_contiguous<C>::value &&
                                              !std::is_same_v<std::decay_t<C>, bytes_view>>>
  bytes_view(const C& c) noexcept  // NOLINT(google-explicit-constructor): meant to convert
      : data_(reinterpret_cast<const std::uint8_t*>(std::data(c))),
        size_(std::size(c) * sizeof(*std::data(c))) {}

  constexpr const std::uint8_t* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr const std::uint8_t* begin() const noexcept { return data_; }
  constexpr const std::uint8_t* end() const noexcept { return data_ + size_; }
  constexpr std::uint8_t operator[](std::size_t i) const noexcept { return data_[i]; }
  /// An owned copy.
  std::vector<std::uint8_t> to_vector() const { return std::vector<std::uint8_t>(begin(), end()); }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Events

/// Model audio of an AUDIO event: 16-bit little-endian mono PCM, borrowed like its event.
struct AudioView {
  bytes_view bytes;               ///< the PCM bytes
  std::uint32_t sample_rate = 0;  ///< samples per second (24000 for Gemini's output)
  /// Number of samples (bytes / 2).
  std::size_t samples() const noexcept { return bytes.size() / 2; }
  /// Sample `i`, decoded from little-endian.
  std::int16_t sample(std::size_t i) const noexcept {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(bytes[2 * i]) |
                                     static_cast<std::uint16_t>(bytes[2 * i + 1]) << 8);
  }
};

/// Token counts of a USAGE_METADATA event; std::nullopt when the server did not send one.
struct Usage {
  std::optional<std::int64_t> prompt_tokens;
  std::optional<std::int64_t> cached_content_tokens;
  std::optional<std::int64_t> response_tokens;
  std::optional<std::int64_t> tool_use_prompt_tokens;
  std::optional<std::int64_t> thoughts_tokens;
  std::optional<std::int64_t> total_tokens;
};

/// A view of one event. Borrowed: an Event handed to a callback, and every string_view and
/// bytes_view it returns, are valid only until the callback returns (for an OwnedEvent, as long as
/// the OwnedEvent lives). Accessors of fields that the event's kind does not set return empty
/// views, 0, false or std::nullopt. Cheap to copy (it is a pointer).
class Event {
 public:
  explicit Event(const gemini_live_event* event) noexcept : e_(event) {}

  /// The underlying C event (for fields added to the C struct after this header).
  const gemini_live_event& c_event() const noexcept { return *e_; }
  EventKind kind() const noexcept { return static_cast<EventKind>(e_->kind); }
  bool is(EventKind k) const noexcept { return kind() == k; }

  // -- text-carrying kinds
  /// TEXT, THOUGHT, the transcriptions: the text. ERROR: the message. CLOSED and RECONNECTING:
  /// the reason. TURN_COMPLETE: the interaction status (empty when absent).
  std::string_view text() const noexcept { return detail::view(e_->text, e_->text_len); }
  /// The raw `id` field: TOOL_CALL's call id, CONNECTED's server session id,
  /// RESUMPTION_UPDATE's handle (empty when absent).
  std::string_view id() const noexcept { return detail::view(e_->id, e_->id_len); }
  /// The raw `name` field: TOOL_CALL's function, VOICE_ACTIVITY's type, TURN_COMPLETE's reason.
  std::string_view name() const noexcept { return detail::view(e_->name, e_->name_len); }
  /// The raw `json` field: TOOL_CALL's args, TOOL_CALL_CANCELLATION's ids, USAGE_METADATA's
  /// usage object, RAW's server data.
  std::string_view json() const noexcept { return detail::view(e_->json, e_->json_len); }

  /// Every event decoded from a server frame: the JSON text of that frame, exactly as
  /// received (every field the server sent, including fields this header has no accessor
  /// for). Empty for events the library makes itself (phases, reconnects, CLOSED).
  std::string_view raw_json() const noexcept {
    if (!has(offsetof(gemini_live_event, raw_json_len))) return {};
    return detail::view(e_->raw_json, e_->raw_json_len);
  }
  /// The number of the server frame the event came from (events of one frame share it and
  /// their raw_json); 0 for events the library makes itself.
  std::uint64_t frame_seq() const noexcept {
    return has(offsetof(gemini_live_event, frame_seq)) ? e_->frame_seq : 0;
  }

  // -- AUDIO
  AudioView audio() const noexcept { return AudioView{bytes_view(e_->data, e_->data_len), e_->sample_rate}; }

  // -- AUDIO, IMAGE, VIDEO, INLINE_DATA (the bytes), FILE_DATA (no bytes)
  /// The inline data's bytes (AUDIO, IMAGE, VIDEO, INLINE_DATA).
  bytes_view data() const noexcept { return bytes_view(e_->data, e_->data_len); }
  /// The MIME type as sent (AUDIO, IMAGE, VIDEO, INLINE_DATA, FILE_DATA).
  std::string_view mime_type() const noexcept {
    if (!has(offsetof(gemini_live_event, mime_type_len))) return {};
    return detail::view(e_->mime_type, e_->mime_type_len);
  }

  // -- transcriptions
  bool finished() const noexcept { return e_->finished; }
  bool interim() const noexcept { return e_->interim; }
  /// The transcription's languageCode, if sent.
  std::optional<std::string_view> language_code() const noexcept {
    if (!has(offsetof(gemini_live_event, language_code_len))) return std::nullopt;
    return detail::opt_view(e_->language_code, e_->language_code_len);
  }
  /// The transcription's speakerLabel, if sent.
  std::optional<std::string_view> speaker() const noexcept {
    if (!has(offsetof(gemini_live_event, speaker_len))) return std::nullopt;
    return detail::opt_view(e_->speaker, e_->speaker_len);
  }
  /// The transcription's word timings as sent (`[{"word","startOffset","endOffset"}]`), if sent.
  std::optional<std::string_view> words_json() const noexcept { return detail::opt_view(e_->json, e_->json_len); }

  // -- TOOL_CALL streamed arguments: fragments with will_continue() true, then a last one.
  bool will_continue() const noexcept {
    return has(offsetof(gemini_live_event, will_continue)) && e_->will_continue;
  }
  /// The fragment's partialArgs array as sent, if any.
  std::optional<std::string_view> partial_args() const noexcept {
    if (!has(offsetof(gemini_live_event, partial_args_len))) return std::nullopt;
    return detail::opt_view(e_->partial_args, e_->partial_args_len);
  }

  // -- THOUGHT_SIGNATURE: the signature (base64 as sent); send it back on its part in history.
  std::string_view thought_signature() const noexcept { return text(); }

  // -- CONNECTED: voiceConsentSignature.signature, if sent.
  std::optional<std::string_view> voice_consent_signature() const noexcept {
    return detail::opt_view(e_->name, e_->name_len);
  }

  // -- TOOL_CALL / TOOL_CALL_CANCELLATION
  std::string_view tool_call_id() const noexcept { return id(); }
  std::string_view tool_call_name() const noexcept { return name(); }
  /// The arguments object as JSON text.
  std::string_view tool_call_args() const noexcept { return json(); }
  /// TOOL_CALL_CANCELLATION: the cancelled call ids.
  std::vector<std::string_view> cancelled_ids() const {
    std::vector<std::string_view> ids;
    ids.reserve(e_->ids_count);
    for (std::size_t i = 0; i < e_->ids_count; ++i) ids.emplace_back(e_->ids[i]);
    return ids;
  }

  // -- TURN_COMPLETE
  std::optional<std::string_view> turn_complete_reason() const noexcept {
    return detail::opt_view(e_->name, e_->name_len);
  }
  std::optional<std::string_view> interaction_status() const noexcept {
    return detail::opt_view(e_->text, e_->text_len);
  }
  bool waiting_for_input() const noexcept { return e_->waiting_for_input; }

  // -- VOICE_ACTIVITY
  /// The wire type: ACTIVITY_START, ACTIVITY_END, VAD_SIGNAL_TYPE_SOS, VAD_SIGNAL_TYPE_EOS.
  std::string_view activity_type() const noexcept { return name(); }
  bool started() const noexcept { return e_->started; }
  std::optional<std::int64_t> offset_ms() const noexcept { return detail::opt_i64(e_->offset_ms); }

  // -- USAGE_METADATA
  Usage usage() const noexcept {
    return Usage{detail::opt_i64(e_->prompt_token_count), detail::opt_i64(e_->cached_content_token_count),
                 detail::opt_i64(e_->response_token_count), detail::opt_i64(e_->tool_use_prompt_token_count),
                 detail::opt_i64(e_->thoughts_token_count), detail::opt_i64(e_->total_token_count)};
  }

  // -- GO_AWAY
  std::optional<std::chrono::milliseconds> time_left() const noexcept {
    if (e_->time_left_ms < 0) return std::nullopt;
    return std::chrono::milliseconds(e_->time_left_ms);
  }

  // -- RESUMPTION_UPDATE
  std::optional<std::string_view> resumption_handle() const noexcept { return detail::opt_view(e_->id, e_->id_len); }
  bool resumable() const noexcept { return e_->resumable; }
  std::optional<std::int64_t> last_consumed_index() const noexcept {
    return detail::opt_i64(e_->last_consumed_index);
  }

  // -- CONNECTED
  std::optional<std::string_view> server_session_id() const noexcept { return detail::opt_view(e_->id, e_->id_len); }

  // -- RECONNECTING / RECONNECTED
  std::uint32_t attempt() const noexcept { return e_->attempt; }
  bool resumed() const noexcept { return e_->resumed; }
  /// RECONNECTED: messages re-sent because the server had not certainly read them, and their
  /// JSON bytes (nothing lost; at most these may reach the session twice).
  std::uint64_t resent_messages() const noexcept { return e_->resent_messages; }
  std::uint64_t resent_bytes() const noexcept { return e_->resent_bytes; }
  /// RECONNECTED: messages the new session does not have (it could not be resumed, or the
  /// replay buffer dropped them over its bounds; exact with `transparent`, else an upper bound).
  std::uint64_t lost_messages() const noexcept { return e_->lost_messages; }
  std::uint64_t lost_bytes() const noexcept { return e_->lost_bytes; }

  // -- PHASE_CHANGED
  Phase phase() const noexcept { return static_cast<Phase>(e_->phase); }

  // -- ERROR
  /// The result-code category of an ERROR event.
  Result error_result() const noexcept { return static_cast<Result>(e_->result); }
  ErrorKind error_kind() const noexcept { return static_cast<ErrorKind>(e_->error_kind); }
  std::string_view error_message() const noexcept { return text(); }
  /// ERROR: a CLOSED event follows.
  bool fatal() const noexcept { return e_->fatal; }

  // -- CLOSED
  /// The WebSocket close code (1006 when the connection dropped without one).
  std::uint32_t close_code() const noexcept { return e_->close_code; }
  /// The server's close reason, verbatim (may be empty).
  std::string_view close_reason() const noexcept { return text(); }
  CloseClass close_class() const noexcept { return static_cast<CloseClass>(e_->close_class); }

 protected:
  Event() noexcept = default;
  /// Whether the library that built the event has the field at `offset` (the struct_size rule).
  bool has(std::size_t offset) const noexcept { return e_->struct_size > offset; }
  const gemini_live_event* e_ = nullptr;
};

/// An event returned by Session::next_event: owns the C event (freed by the destructor), so its
/// views stay valid as long as it lives. Move-only; a moved-from OwnedEvent must not be read.
class OwnedEvent : public Event {
 public:
  explicit OwnedEvent(gemini_live_event* event) noexcept : Event(event), owned_(event) {}
  OwnedEvent(OwnedEvent&& o) noexcept : Event(o.e_), owned_(std::move(o.owned_)) { o.e_ = nullptr; }
  OwnedEvent& operator=(OwnedEvent&& o) noexcept {
    if (this != &o) {
      owned_ = std::move(o.owned_);
      e_ = o.e_;
      o.e_ = nullptr;
    }
    return *this;
  }
  OwnedEvent(const OwnedEvent&) = delete;
  OwnedEvent& operator=(const OwnedEvent&) = delete;

 private:
  struct Deleter {
    void operator()(gemini_live_event* e) const noexcept { gemini_live_event_free(e); }
  };
  std::unique_ptr<gemini_live_event, Deleter> owned_;
};

// ---------------------------------------------------------------------------------------------
// Config

/// Returns a fresh credential (API key, ephemeral token or Vertex access token) before every
/// connection attempt. Runs on a library thread; may block. Throwing fails that attempt.
using CredentialCallback = std::function<std::string()>;

/// Session configuration (owns a gemini_live_config). Move-only. Setters throw Error on invalid
/// values and return *this for chaining. Sessions copy the config: changing or destroying it
/// afterwards does not affect them.
class Config {
 public:
  Config() { detail::check(gemini_live_config_new(&raw_)); }
  ~Config() { gemini_live_config_free(raw_); }
  Config(Config&& o) noexcept : raw_(std::exchange(o.raw_, nullptr)), credentials_(std::move(o.credentials_)) {}
  Config& operator=(Config&& o) noexcept {
    if (this != &o) {
      gemini_live_config_free(raw_);
      raw_ = std::exchange(o.raw_, nullptr);
      credentials_ = std::move(o.credentials_);
    }
    return *this;
  }
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  /// The C config (still owned by this object).
  gemini_live_config* get() const noexcept { return raw_; }

  Config& set_api_key(std::string_view key) {
    detail::check(gemini_live_config_set_api_key(raw_, detail::c_string(key).c_str()));
    return *this;
  }
  Config& set_ephemeral_token(std::string_view token) {
    detail::check(gemini_live_config_set_ephemeral_token(raw_, detail::c_string(token).c_str()));
    return *this;
  }
  Config& set_vertex(std::string_view project, std::string_view location,
                     std::optional<std::string_view> access_token = std::nullopt) {
    detail::OptCString token(access_token);
    detail::check(gemini_live_config_set_vertex(raw_, detail::c_string(project).c_str(),
                                                detail::c_string(location).c_str(), token.get()));
    return *this;
  }
  /// Vertex AI with Application Default Credentials: `credentials_file` (a service-account key
  /// or authorized_user JSON) if given, else GOOGLE_APPLICATION_CREDENTIALS, gcloud's file, or
  /// the metadata server. Access tokens are fetched, cached and refreshed before every
  /// connection. Replaces credentials and the credential callback; set the CA file first.
  Config& set_vertex_adc(std::string_view project, std::string_view location,
                         std::optional<std::string_view> credentials_file = std::nullopt) {
    detail::OptCString file(credentials_file);
    detail::check(gemini_live_config_set_vertex_adc(raw_, detail::c_string(project).c_str(),
                                                    detail::c_string(location).c_str(), file.get()));
    return *this;
  }
  /// Registers (or, with an empty function, removes) a credential callback. The function is
  /// kept alive by this Config and by every Session created from it.
  Config& set_credential_callback(CredentialCallback callback) {
    if (!callback) {
      detail::check(gemini_live_config_set_credential_callback(raw_, nullptr, nullptr));
      credentials_.reset();
      return *this;
    }
    auto holder = std::make_shared<CredentialCallback>(std::move(callback));
    detail::check(gemini_live_config_set_credential_callback(raw_, &Config::credential_trampoline, holder.get()));
    credentials_ = std::move(holder);
    return *this;
  }
  /// e.g. "ws://127.0.0.1:8080" (a MockServer's url()); std::nullopt restores the service URL.
  Config& set_base_url(std::optional<std::string_view> url) {
    detail::OptCString u(url);
    detail::check(gemini_live_config_set_base_url(raw_, u.get()));
    return *this;
  }
  Config& set_allow_insecure(bool allow) {
    detail::check(gemini_live_config_set_allow_insecure(raw_, allow));
    return *this;
  }
  Config& set_api_version(std::optional<std::string_view> version) {
    detail::OptCString v(version);
    detail::check(gemini_live_config_set_api_version(raw_, v.get()));
    return *this;
  }
  Config& set_model(std::string_view model) {
    detail::check(gemini_live_config_set_model(raw_, detail::c_string(model).c_str()));
    return *this;
  }
  Config& set_response_modality(Modality m) {
    detail::check(gemini_live_config_set_response_modality(raw_, static_cast<std::uint32_t>(m)));
    return *this;
  }
  Config& set_voice(std::optional<std::string_view> voice) {
    detail::OptCString v(voice);
    detail::check(gemini_live_config_set_voice(raw_, v.get()));
    return *this;
  }
  Config& set_language(std::optional<std::string_view> language_code) {
    detail::OptCString v(language_code);
    detail::check(gemini_live_config_set_language(raw_, v.get()));
    return *this;
  }
  Config& set_system_instruction(std::optional<std::string_view> text) {
    detail::OptCString v(text);
    detail::check(gemini_live_config_set_system_instruction(raw_, v.get()));
    return *this;
  }
  Config& set_temperature(float t) {
    detail::check(gemini_live_config_set_temperature(raw_, t));
    return *this;
  }
  Config& set_include_thoughts(bool include) {
    detail::check(gemini_live_config_set_include_thoughts(raw_, include));
    return *this;
  }
  /// A JSON array of Tool objects; std::nullopt or "[]" removes the tools.
  Config& set_tools_json(std::optional<std::string_view> tools_json) {
    detail::OptCString v(tools_json);
    detail::check(gemini_live_config_set_tools_json(raw_, v.get()));
    return *this;
  }
  /// Server-side VAD; durations std::nullopt = the service default.
  Config& set_automatic_activity_detection(Sensitivity start, Sensitivity end,
                                           std::optional<std::chrono::milliseconds> prefix_padding = std::nullopt,
                                           std::optional<std::chrono::milliseconds> silence_duration = std::nullopt) {
    auto ms = [](const std::optional<std::chrono::milliseconds>& d) -> std::int32_t {
      if (!d) return -1;
      if (d->count() < 0 || d->count() > INT32_MAX) {
        throw Error(Result::InvalidArgument, "duration out of range");
      }
      return static_cast<std::int32_t>(d->count());
    };
    detail::check(gemini_live_config_set_automatic_activity_detection(
        raw_, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end), ms(prefix_padding),
        ms(silence_duration)));
    return *this;
  }
  Config& set_manual_activity_detection(bool manual) {
    detail::check(gemini_live_config_set_manual_activity_detection(raw_, manual));
    return *this;
  }
  Config& set_activity_handling(ActivityHandling h) {
    detail::check(gemini_live_config_set_activity_handling(raw_, static_cast<std::uint32_t>(h)));
    return *this;
  }
  Config& set_input_transcription(bool enable) {
    detail::check(gemini_live_config_set_input_transcription(raw_, enable));
    return *this;
  }
  Config& set_output_transcription(bool enable) {
    detail::check(gemini_live_config_set_output_transcription(raw_, enable));
    return *this;
  }
  Config& set_session_resumption(bool enable, std::optional<std::string_view> handle = std::nullopt,
                                 bool transparent = false) {
    detail::OptCString h(handle);
    detail::check(gemini_live_config_set_session_resumption(raw_, enable, h.get(), transparent));
    return *this;
  }
  /// Token counts std::nullopt = the service default.
  Config& set_context_window_compression(bool enable, std::optional<std::int64_t> trigger_tokens = std::nullopt,
                                         std::optional<std::int64_t> target_tokens = std::nullopt) {
    detail::check(gemini_live_config_set_context_window_compression(raw_, enable, trigger_tokens.value_or(-1),
                                                                     target_tokens.value_or(-1)));
    return *this;
  }
  Config& set_audio_pacing(bool enable, std::uint32_t sample_rate = 16000,
                           std::chrono::milliseconds burst = std::chrono::milliseconds(0)) {
    detail::check(gemini_live_config_set_audio_pacing(raw_, enable, sample_rate, detail::clamp_timeout(burst)));
    return *this;
  }
  Config& set_connect_timeout(std::chrono::milliseconds t) {
    detail::check(gemini_live_config_set_connect_timeout_ms(raw_, detail::clamp_timeout(t)));
    return *this;
  }
  Config& set_setup_timeout(std::chrono::milliseconds t) {
    detail::check(gemini_live_config_set_setup_timeout_ms(raw_, detail::clamp_timeout(t)));
    return *this;
  }
  Config& set_ca_file(std::optional<std::string_view> path) {
    detail::OptCString p(path);
    detail::check(gemini_live_config_set_ca_file(raw_, p.get()));
    return *this;
  }
  /// Where the event callback runs: `GEMINI_LIVE_DELIVERY_POOL` (default, the library's
  /// callback pool) or `GEMINI_LIVE_DELIVERY_INLINE` (the network thread: no hand-off, for
  /// callbacks that never block). See `gemini_live_config_set_delivery`.
  Config& set_delivery(gemini_live_delivery delivery) {
    detail::check(gemini_live_config_set_delivery(raw_, static_cast<std::uint32_t>(delivery)));
    return *this;
  }
  Config& set_send_queue_size(std::uint32_t messages) {
    detail::check(gemini_live_config_set_send_queue_size(raw_, messages));
    return *this;
  }
  Config& set_reconnect(bool enable, std::uint32_t max_attempts = 5) {
    detail::check(gemini_live_config_set_reconnect(raw_, enable, max_attempts));
    return *this;
  }
  /// See gemini_live_config_set_reconnect_budget: a connection shorter than `stable_after`
  /// counts as a consecutive failure; at most `max_per_window` reconnects in any `window`.
  Config& set_reconnect_budget(std::chrono::milliseconds stable_after, std::chrono::milliseconds window,
                               std::uint32_t max_per_window) {
    const auto stable = stable_after.count() <= 0 ? 0u : detail::clamp_timeout(stable_after);
    detail::check(
        gemini_live_config_set_reconnect_budget(raw_, stable, detail::clamp_timeout(window), max_per_window));
    return *this;
  }
  Config& set_migration_wait(std::chrono::milliseconds t) {
    detail::check(gemini_live_config_set_migration_wait_ms(raw_, detail::clamp_timeout(t)));
    return *this;
  }
  /// The replay buffer's bounds (default 8 MiB of JSON and 120 s): over either, the oldest
  /// audio is dropped, and what a resume then lacks is counted in RECONNECTED's
  /// lost_messages(). Throws Error (INVALID_ARGUMENT) above 1 GiB.
  Config& set_replay_bounds(std::size_t max_bytes, std::chrono::milliseconds max_age) {
    detail::check(gemini_live_config_set_replay_bounds(raw_, max_bytes, detail::clamp_timeout(max_age)));
    return *this;
  }
  Config& set_write_timeout(std::chrono::milliseconds t) {
    detail::check(gemini_live_config_set_write_timeout_ms(raw_, detail::clamp_timeout(t)));
    return *this;
  }
  Config& set_close_timeout(std::chrono::milliseconds t) {
    detail::check(gemini_live_config_set_close_timeout_ms(raw_, detail::clamp_timeout(t)));
    return *this;
  }
  /// The largest encoded client message (default GEMINI_LIVE_MAX_MESSAGE_BYTES); larger sends
  /// throw Result::TooLarge.
  Config& set_max_message_bytes(std::size_t bytes) {
    detail::check(gemini_live_config_set_max_message_bytes(raw_, bytes));
    return *this;
  }
  /// Delivers reply audio (AUDIO events) in `format` instead of 24 kHz PCM16 mono, converted with
  /// state kept across events (gemini_live_config_set_output_audio_format). A bound Playout is fed
  /// separately, at its own rate.
  Config& set_output_audio_format(const AudioFormat& format) {
    const gemini_live_audio_format f = format.c();
    detail::check(gemini_live_config_set_output_audio_format(raw_, &f));
    return *this;
  }
  /// Restores the default output format (24 kHz PCM16 mono).
  Config& clear_output_audio_format() {
    detail::check(gemini_live_config_set_output_audio_format(raw_, nullptr));
    return *this;
  }
  // Typed setup settings, custom headers and Vertex express mode; each wraps the C setter of
  // the same name (the C header documents its wire field, range, default and models) and
  // throws Error(Result::InvalidArgument) for a value out of range.

  /// Vertex AI express mode: an API key to aiplatform.googleapis.com.
  Config& set_vertex_api_key(std::string_view api_key) {
    detail::check(gemini_live_config_set_vertex_api_key(raw_, detail::c_string(api_key).c_str()));
    return *this;
  }
  /// A request header such as x-goog-user-project (credentials and WebSocket headers refused).
  Config& add_header(std::string_view name, std::string_view value) {
    detail::check(gemini_live_config_add_header(raw_, detail::c_string(name).c_str(), detail::c_string(value).c_str()));
    return *this;
  }
  Config& clear_headers() {
    detail::check(gemini_live_config_clear_headers(raw_));
    return *this;
  }
  Config& set_response_modalities(const std::vector<Modality>& modalities) {
    std::vector<std::uint32_t> v;
    for (Modality m : modalities) v.push_back(static_cast<std::uint32_t>(m));
    detail::check(gemini_live_config_set_response_modalities(raw_, v.empty() ? nullptr : v.data(), v.size()));
    return *this;
  }
  Config& add_system_instruction_part(std::string_view text) {
    detail::check(gemini_live_config_add_system_instruction_part(raw_, detail::c_string(text).c_str()));
    return *this;
  }
  Config& set_top_p(float top_p) {
    detail::check(gemini_live_config_set_top_p(raw_, top_p));
    return *this;
  }
  Config& set_top_k(std::uint32_t top_k) {
    detail::check(gemini_live_config_set_top_k(raw_, top_k));
    return *this;
  }
  Config& set_max_output_tokens(std::uint32_t tokens) {
    detail::check(gemini_live_config_set_max_output_tokens(raw_, tokens));
    return *this;
  }
  Config& set_seed(std::int32_t seed) {
    detail::check(gemini_live_config_set_seed(raw_, seed));
    return *this;
  }
  Config& set_presence_penalty(float penalty) {
    detail::check(gemini_live_config_set_presence_penalty(raw_, penalty));
    return *this;
  }
  Config& set_frequency_penalty(float penalty) {
    detail::check(gemini_live_config_set_frequency_penalty(raw_, penalty));
    return *this;
  }
  Config& set_media_resolution(MediaResolution r) {
    detail::check(gemini_live_config_set_media_resolution(raw_, static_cast<std::uint32_t>(r)));
    return *this;
  }
  /// -1 dynamic, 0 off, up to 32768 (2.5 native audio).
  Config& set_thinking_budget(std::int32_t budget) {
    detail::check(gemini_live_config_set_thinking_budget(raw_, budget));
    return *this;
  }
  Config& set_thinking_level(ThinkingLevel level) {
    detail::check(gemini_live_config_set_thinking_level(raw_, static_cast<std::uint32_t>(level)));
    return *this;
  }
  Config& set_affective_dialog(bool enable) {
    detail::check(gemini_live_config_set_affective_dialog(raw_, enable));
    return *this;
  }
  Config& set_proactivity(bool proactive_audio, bool proactive_video = false) {
    detail::check(gemini_live_config_set_proactivity(raw_, proactive_audio, proactive_video));
    return *this;
  }
  Config& set_explicit_vad_signal(bool enable) {
    detail::check(gemini_live_config_set_explicit_vad_signal(raw_, enable));
    return *this;
  }
  Config& set_turn_coverage(TurnCoverage coverage) {
    detail::check(gemini_live_config_set_turn_coverage(raw_, static_cast<std::uint32_t>(coverage)));
    return *this;
  }
  /// Turns that transcription on with BCP-47 language hints (empty: the model detects).
  Config& set_transcription_languages(Transcription which, const std::vector<std::string>& codes) {
    std::vector<std::string> owned;
    for (const auto& c : codes) owned.push_back(detail::c_string(c));
    std::vector<const char*> ptrs;
    for (const auto& c : owned) ptrs.push_back(c.c_str());
    detail::check(gemini_live_config_set_transcription_languages(raw_, static_cast<std::uint32_t>(which),
                                                                 ptrs.empty() ? nullptr : ptrs.data(), ptrs.size()));
    return *this;
  }
  Config& set_initial_history_in_client_content(bool enable) {
    detail::check(gemini_live_config_set_initial_history_in_client_content(raw_, enable));
    return *this;
  }
  Config& add_safety_setting(HarmCategory category, HarmThreshold threshold) {
    detail::check(gemini_live_config_add_safety_setting(raw_, static_cast<std::uint32_t>(category),
                                                        static_cast<std::uint32_t>(threshold)));
    return *this;
  }
  Config& clear_safety_settings() {
    detail::check(gemini_live_config_clear_safety_settings(raw_));
    return *this;
  }
  /// Live translation into `target_language_code`; std::nullopt removes it.
  Config& set_translation(std::optional<std::string_view> target_language_code, bool echo = false) {
    detail::OptCString v(target_language_code);
    detail::check(gemini_live_config_set_translation(raw_, v.get(), echo));
    return *this;
  }
  Config& add_label(std::string_view key, std::string_view value) {
    detail::check(gemini_live_config_add_label(raw_, detail::c_string(key).c_str(), detail::c_string(value).c_str()));
    return *this;
  }

  /// Deep-merges a JSON object into the setup message (for fields without a setter).
  Config& merge_setup_json(std::string_view json) {
    detail::check(gemini_live_config_merge_setup_json(raw_, detail::c_string(json).c_str()));
    return *this;
  }

 private:
  friend class Session;

  static std::uint32_t credential_trampoline(void* userdata, char* buf, std::size_t cap,
                                             std::size_t* out_len) noexcept {
    try {
      std::string credential = (*static_cast<CredentialCallback*>(userdata))();
      if (credential.size() > cap) return GEMINI_LIVE_RESULT_BUFFER_TOO_SMALL;
      std::memcpy(buf, credential.data(), credential.size());
      *out_len = credential.size();
      return GEMINI_LIVE_RESULT_OK;
    } catch (...) {
      return GEMINI_LIVE_RESULT_CREDENTIAL;
    }
  }

  gemini_live_config* raw_ = nullptr;
  std::shared_ptr<CredentialCallback> credentials_;
};

// ---------------------------------------------------------------------------------------------
// Session

/// A playout buffer for reply audio with barge-in (gemini_live_playout): PCM16 mono pushed by one
/// producer (the application, or a Session it is bound to with Session::set_playout), pulled in
/// device-sized frames by one consumer. pull() takes no lock, allocates nothing, never blocks
/// and never throws; it fills with silence when the buffer runs dry. Move-only; a bound session
/// keeps its own reference, so destroying either first is fine (but no push/pull may run on a
/// destroyed Playout).
class Playout {
 public:
  /// `sample_rate` 8000..48000 (24000 for the service's reply audio), `capacity` 10 ms..10 min.
  Playout(std::uint32_t sample_rate, std::chrono::milliseconds capacity) {
    detail::check(gemini_live_playout_new(sample_rate, static_cast<std::uint32_t>(capacity.count()), &raw_));
  }
  ~Playout() { gemini_live_playout_free(raw_); }
  Playout(Playout&& o) noexcept : raw_(std::exchange(o.raw_, nullptr)) {}
  Playout& operator=(Playout&& o) noexcept {
    if (this != &o) {
      gemini_live_playout_free(raw_);
      raw_ = std::exchange(o.raw_, nullptr);
    }
    return *this;
  }
  Playout(const Playout&) = delete;
  Playout& operator=(const Playout&) = delete;

  /// Producer: appends samples, returns how many fit. The first push after a turn ended opens a
  /// new turn.
  std::size_t push(const std::int16_t* samples, std::size_t count) {
    std::size_t accepted = 0;
    if (count == 0) return 0;
    detail::check(gemini_live_playout_push(raw_, samples, count, &accepted));
    return accepted;
  }
  /// Consumer: fills `out[0..count)`, silence where the buffer runs dry; returns the samples of
  /// audio written.
  std::size_t pull(std::int16_t* out, std::size_t count) noexcept { return gemini_live_playout_pull(raw_, out, count); }
  /// Producer: the current turn is complete.
  void end_turn() { detail::check(gemini_live_playout_end_turn(raw_)); }
  /// Producer: barge-in; drops what was not played and ends the turn.
  void flush() { detail::check(gemini_live_playout_flush(raw_)); }
  /// The latest turn's id (1, 2, ...; 0 before the first push).
  std::uint64_t current_turn() const noexcept { return gemini_live_playout_current_turn(raw_); }
  /// Audio waiting to be pulled.
  std::chrono::milliseconds buffered() const noexcept {
    return std::chrono::milliseconds(gemini_live_playout_buffered_ms(raw_));
  }
  /// How much of `turn` was played, and whether that is final (the turn is over and nothing of
  /// it is left to play). Throws Error (InvalidArgument) for an unknown or forgotten turn.
  std::pair<std::chrono::milliseconds, bool> turn_played(std::uint64_t turn) const {
    std::uint64_t ms = 0;
    bool final_ = false;
    detail::check(gemini_live_playout_turn_played_ms(raw_, turn, &ms, &final_));
    return {std::chrono::milliseconds(ms), final_};
  }
  gemini_live_playout* raw() const noexcept { return raw_; }

 private:
  gemini_live_playout* raw_ = nullptr;
};

/// The latency Session::send_audio_as adds for a format (gemini_live_audio_latency): the
/// resampling filter's share, and the most input held until a 10 ms chunk is complete (zero
/// when every call carries whole 10 ms multiples). Both zero for 16 kHz PCM16 mono.
struct AudioLatency {
  std::chrono::microseconds filter{0};
  std::chrono::microseconds max_buffered{0};
};

/// Throws Error (Result::InvalidArgument) for a bad format.
inline AudioLatency audio_latency(const AudioFormat& format) {
  const gemini_live_audio_format f = format.c();
  std::uint32_t filter = 0, held = 0;
  detail::check(gemini_live_audio_latency(&f, &filter, &held));
  return AudioLatency{std::chrono::microseconds(filter), std::chrono::microseconds(held)};
}

/// A connected Live session (owns a gemini_live_session). Move-only; the destructor closes and
/// frees it (waiting for a callback running on another thread, see the top of this file).
class Session {
 public:
  /// The event callback; its Event argument is valid only during the call.
  using Callback = std::function<void(const Event&)>;

  /// Connects in callback mode: `callback` receives every event, starting with PHASE_CHANGED and
  /// CONNECTED (possibly before the constructor returns). Blocks until the session is ready.
  /// Throws Error (e.g. Result::ServerClosed for a refused API key, with the server's reason).
  Session(const Config& config, Callback callback) {
    if (!callback) throw Error(Result::NullArgument, "empty callback");
    shared_ = std::make_shared<Shared>();
    shared_->credentials = config.credentials_;
    auto* box = new Box{std::move(callback), shared_};
    gemini_live_result r =
        gemini_live_session_new(config.get(), &Session::event_trampoline, box, &Session::finalize, &raw_);
    if (r != GEMINI_LIVE_RESULT_OK) {
      Error error = detail::last_error(r);
      delete box;  // on failure the caller keeps the userdata
      throw error;
    }
  }

  /// Connects in pull mode: fetch events with next_event().
  explicit Session(const Config& config) {
    shared_ = std::make_shared<Shared>();
    shared_->credentials = config.credentials_;
    detail::check(gemini_live_session_new(config.get(), nullptr, nullptr, nullptr, &raw_));
  }

  ~Session() { reset(); }
  Session(Session&& o) noexcept : raw_(std::exchange(o.raw_, nullptr)), shared_(std::move(o.shared_)) {}
  Session& operator=(Session&& o) noexcept {
    if (this != &o) {
      reset();
      raw_ = std::exchange(o.raw_, nullptr);
      shared_ = std::move(o.shared_);
    }
    return *this;
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// The C session (still owned by this object); NULL after a move.
  gemini_live_session* get() const noexcept { return raw_; }
  explicit operator bool() const noexcept { return raw_ != nullptr; }

  /// Closes (if needed) and frees the session now; the Session becomes empty. Never throws.
  void reset() noexcept {
    if (raw_) {
      gemini_live_session_free(std::exchange(raw_, nullptr));
    }
    shared_.reset();
  }

  // -- sends: never wait on the network; any thread, concurrently, also from the callback.

  /// PCM16 little-endian mono audio at `sample_rate` Hz (8000..48000; 16000 recommended).
  void send_audio(bytes_view pcm, std::uint32_t sample_rate = 16000) {
    call(gemini_live_session_send_audio(live(), detail::nonnull(pcm.data()), pcm.size(), sample_rate));
  }
  /// Like send_audio but reports failure (e.g. Result::QueueFull) as a return value instead of
  /// throwing, for real-time audio loops. Does not rethrow callback exceptions.
  Result try_send_audio(bytes_view pcm, std::uint32_t sample_rate = 16000) noexcept {
    if (!raw_) return Result::NullArgument;
    return static_cast<Result>(gemini_live_session_send_audio(raw_, detail::nonnull(pcm.data()), pcm.size(), sample_rate));
  }
  /// Audio in `format` (gemini_live_session_send_audio_ex): converted on this thread to 16 kHz
  /// PCM16 mono by a converter the session keeps across calls (chunks of any size join without
  /// clicks; input short of a 10 ms resampling chunk waits for the next call). `data.size()`
  /// must be a non-zero multiple of the frame size. Calls on one session are serialised; a call
  /// in another format than the previous one restarts the converter. Result::TooLarge is judged
  /// on the converted size.
  void send_audio_as(bytes_view data, const AudioFormat& format) {
    const gemini_live_audio_format f = format.c();
    call(gemini_live_session_send_audio_ex(live(), detail::nonnull(data.data()), data.size(), &f));
  }
  /// Like send_audio_as but reports failure as a return value, for real-time audio loops. Does
  /// not rethrow callback exceptions.
  Result try_send_audio_as(bytes_view data, const AudioFormat& format) noexcept {
    if (!raw_) return Result::NullArgument;
    const gemini_live_audio_format f = format.c();
    return static_cast<Result>(gemini_live_session_send_audio_ex(raw_, detail::nonnull(data.data()), data.size(), &f));
  }
  /// Binds `playout` (any rate: the session resamples the reply to it) to the session: model
  /// audio is pushed into it, INTERRUPTED flushes it and TURN_COMPLETE ends the turn, on the
  /// event thread before the callback runs.
  void set_playout(Playout& playout) { call(gemini_live_session_set_playout(live(), playout.raw())); }
  /// Unbinds the playout buffer.
  void clear_playout() { call(gemini_live_session_set_playout(live(), nullptr)); }
  /// One video frame, `mime_type` "image/jpeg" or "image/png".
  void send_video(bytes_view frame, std::string_view mime_type) {
    std::string mime = detail::c_string(mime_type);
    call(gemini_live_session_send_video(live(), detail::nonnull(frame.data()), frame.size(), mime.c_str()));
  }
  void send_realtime_text(std::string_view text) {
    std::string t = detail::c_string(text);
    call(gemini_live_session_send_realtime_text(live(), t.c_str()));
  }
  void send_activity_start() { call(gemini_live_session_send_activity_start(live())); }
  void send_activity_end() { call(gemini_live_session_send_activity_end(live())); }
  void send_audio_stream_end() { call(gemini_live_session_send_audio_stream_end(live())); }
  /// `turns_json`: a JSON array of Content objects.
  void send_client_content(std::string_view turns_json, bool turn_complete = true) {
    std::string j = detail::c_string(turns_json);
    call(gemini_live_session_send_client_content(live(), j.c_str(), turn_complete));
  }
  /// One user turn holding `text`.
  void send_client_text(std::string_view text, bool turn_complete = true) {
    std::string t = detail::c_string(text);
    call(gemini_live_session_send_client_text(live(), t.c_str(), turn_complete));
  }
  /// Answers a tool call; `id` from Event::tool_call_id() (std::nullopt omits it), `response_json`
  /// a JSON object such as {"output": ...}; `will_continue` std::nullopt omits the field.
  void send_tool_response(std::optional<std::string_view> id, std::string_view name, std::string_view response_json,
                          Scheduling scheduling = Scheduling::None,
                          std::optional<bool> will_continue = std::nullopt) {
    detail::OptCString i(id);
    std::string n = detail::c_string(name);
    std::string r = detail::c_string(response_json);
    std::int32_t wc = will_continue ? (*will_continue ? 1 : 0) : -1;
    call(gemini_live_session_send_tool_response(live(), i.get(), n.c_str(), r.c_str(),
                                                static_cast<std::uint32_t>(scheduling), wc));
  }
  /// Answers several tool calls in one toolResponse, each with its media parts. All or nothing.
  void send_tool_responses(const std::vector<FunctionResponse>& responses) {
    std::vector<std::string> strings;  // owned NUL-free copies; reserve so c_str() stays valid
    std::size_t n = 0;
    for (const auto& r : responses) n += 3 + 3 * r.parts.size();
    strings.reserve(n);
    auto keep = [&](const std::optional<std::string>& s) -> const char* {
      if (!s) return nullptr;
      strings.push_back(detail::c_string(*s));
      return strings.back().c_str();
    };
    std::vector<std::vector<gemini_live_function_response_part>> parts(responses.size());
    std::vector<gemini_live_function_response> out(responses.size());
    for (std::size_t i = 0; i < responses.size(); ++i) {
      const auto& r = responses[i];
      for (const auto& p : r.parts) {
        gemini_live_function_response_part c{};
        c.mime_type = keep(p.mime_type);
        if (p.data) {
          c.data = p.data->data();
          c.data_len = p.data->size();
        }
        c.file_uri = keep(p.file_uri);
        c.display_name = keep(p.display_name);
        parts[i].push_back(c);
      }
      out[i].id = keep(r.id);
      out[i].name = keep(r.name);
      out[i].response_json = keep(r.response_json);
      out[i].scheduling = static_cast<std::uint32_t>(r.scheduling);
      out[i].will_continue = r.will_continue ? (*r.will_continue ? 1 : 0) : -1;
      out[i].parts = parts[i].empty() ? nullptr : parts[i].data();
      out[i].parts_count = parts[i].size();
    }
    call(gemini_live_session_send_tool_responses(live(), out.empty() ? nullptr : out.data(), out.size()));
  }
  /// Replaces the system instruction and/or the tools (a JSON array) mid-session; std::nullopt
  /// leaves that part unchanged.
  void send_context_update(std::optional<std::string_view> system_instruction,
                           std::optional<std::string_view> tools_json = std::nullopt) {
    detail::OptCString s(system_instruction);
    detail::OptCString t(tools_json);
    call(gemini_live_session_send_context_update(live(), s.get(), t.get()));
  }
  /// A client message built by the application (one of clientContent, realtimeInput,
  /// toolResponse, contextUpdate).
  void send_raw_json(std::string_view json) {
    std::string j = detail::c_string(json);
    call(gemini_live_session_send_raw_json(live(), j.c_str()));
  }

  /// Requests a graceful close and returns at once; the CLOSED event follows. Idempotent. Then
  /// rethrows (once) an exception that escaped the event callback, if one is pending (the close
  /// was requested all the same), unless called from inside this session's event callback.
  void close() {
    gemini_live_result r = gemini_live_session_close(live());
    if (detail::current_callback() != shared_.get()) rethrow_callback_exception();
    call(r);
  }

  // -- pull mode

  /// Waits up to `timeout` for the next event (pull-mode sessions only; never from a callback).
  /// Returns std::nullopt when no event arrived in time. After the CLOSED event was returned,
  /// throws Error(Result::Closed). Throws Error(Result::InvalidArgument) in callback mode.
  std::optional<OwnedEvent> next_event(std::chrono::milliseconds timeout) {
    return pull(detail::clamp_timeout(timeout));
  }
  /// Waits without limit for the next event.
  OwnedEvent next_event() { return std::move(*pull(GEMINI_LIVE_TIMEOUT_INFINITE)); }

  // -- getters

  Phase phase() const {
    gemini_live_phase p = GEMINI_LIVE_PHASE_DISCONNECTED;
    call(gemini_live_session_get_phase(live(), &p));
    return static_cast<Phase>(p);
  }
  /// The server's session id (Vertex) or the library's local id.
  std::string id() const {
    char* s = nullptr;
    call(gemini_live_session_get_id(live(), &s));
    std::unique_ptr<char, void (*)(char*)> guard(s, gemini_live_string_free);
    return std::string(s);
  }
  /// Audio messages dropped from the reconnect replay buffer.
  std::uint64_t dropped_audio() const {
    std::uint64_t n = 0;
    call(gemini_live_session_get_dropped_audio(live(), &n));
    return n;
  }
  /// Video frames dropped from the reconnect replay buffer (over its bounds video goes first).
  std::uint64_t dropped_video() const {
    std::uint64_t n = 0;
    call(gemini_live_session_get_dropped_video(live(), &n));
    return n;
  }

  /// Whether an exception that escaped the event callback is waiting to be rethrown.
  bool has_callback_exception() const noexcept {
    if (!shared_) return false;
    try {
      std::lock_guard<std::mutex> lock(shared_->mu);
      return shared_->pending != nullptr;
    } catch (...) {
      return false;
    }
  }

  /// Rethrows (once) an exception that escaped the event callback, if any. With close(), the
  /// only place a callback's exception surfaces.
  void rethrow_callback_exception() const {
    if (!shared_) return;
    std::exception_ptr e;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      e = std::exchange(shared_->pending, nullptr);
    }
    if (e) std::rethrow_exception(e);
  }

 private:
  // State shared by the Session and its C userdata.
  struct Shared {
    std::mutex mu;
    std::exception_ptr pending;                       // first exception thrown by the callback
    std::shared_ptr<CredentialCallback> credentials;  // keeps the config's callback alive
  };
  // The C userdata of a callback-mode session: owned by the library, deleted by `finalize`.
  struct Box {
    Callback callback;
    std::shared_ptr<Shared> shared;
  };

  static void event_trampoline(void* userdata, const gemini_live_event* event) noexcept {
    auto* box = static_cast<Box*>(userdata);
    const void*& current = detail::current_callback();
    const void* outer = std::exchange(current, box->shared.get());
    try {
      box->callback(Event(event));
      current = outer;
    } catch (...) {
      current = outer;
      try {
        std::lock_guard<std::mutex> lock(box->shared->mu);
        if (!box->shared->pending) box->shared->pending = std::current_exception();
      } catch (...) {
        // std::mutex::lock failing: nothing sensible left to do but drop the exception.
      }
    }
  }
  static void finalize(void* userdata) noexcept { delete static_cast<Box*>(userdata); }

  gemini_live_session* live() const {
    if (!raw_) throw Error(Result::NullArgument, "empty (moved-from) gemini_live::Session");
    return raw_;
  }
  // Throws Error for a failed call (never a callback's exception).
  static void call(gemini_live_result r) { detail::check(r); }
  std::optional<OwnedEvent> pull(std::uint32_t timeout_ms) {
    gemini_live_event* e = nullptr;
    gemini_live_result r = gemini_live_session_next_event(live(), timeout_ms, &e);
    if (r == GEMINI_LIVE_RESULT_TIMEOUT) return std::nullopt;
    call(r);
    return OwnedEvent(e);
  }

  gemini_live_session* raw_ = nullptr;
  std::shared_ptr<Shared> shared_;
};

// ---------------------------------------------------------------------------------------------
// Ephemeral tokens

/// An ephemeral token to mint. Defaults are the service's: one use, 30 min, new sessions
/// within 60 s, nothing locked.
struct TokenRequest {
  std::optional<int> uses;                     ///< new sessions it may open; 0 unlimited
  std::chrono::seconds expire_after{0};        ///< 0: 30 min (under 20 h)
  std::chrono::seconds new_session_expire_after{0};  ///< 0: 60 s
  std::string setup_json;  ///< locked setup fields, the setup message's JSON (camelCase)
  std::string field_mask;  ///< locked paths, comma-separated; empty locks all of setup_json
  std::string base_url;    ///< e.g. MockServer::http_url(); empty: the service
  std::string api_version;  ///< empty: v1alpha
  bool allow_insecure = false;
  std::string ca_file;  ///< extra trusted CAs (PEM)
  std::chrono::milliseconds timeout{0};  ///< 0: 30 s
};

/// A minted token: hand name to the client (Config::set_ephemeral_token).
struct Token {
  std::string name;
  std::chrono::system_clock::time_point expire_time;
  std::chrono::system_clock::time_point new_session_expire_time;
};

namespace detail {
/// `s` as a JSON string literal.
inline std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}
}  // namespace detail

/// Mints an ephemeral token with `api_key` (blocking; not inside an event callback). When the
/// service refuses, throws Error with Result::Http, http_status() and the service's message in
/// reason().
inline Token mint_token(std::string_view api_key, const TokenRequest& req = {}) {
  std::string json = "{";
  auto field = [&json](const char* name, const std::string& value) {
    if (json.size() > 1) json += ",";
    json += detail::json_quote(name) + ":" + value;
  };
  if (req.uses) field("uses", std::to_string(*req.uses));
  if (req.expire_after.count() > 0) field("expire_seconds", std::to_string(req.expire_after.count()));
  if (req.new_session_expire_after.count() > 0)
    field("new_session_expire_seconds", std::to_string(req.new_session_expire_after.count()));
  if (!req.setup_json.empty()) field("setup", req.setup_json);
  if (!req.field_mask.empty()) field("field_mask", detail::json_quote(req.field_mask));
  if (!req.base_url.empty()) field("base_url", detail::json_quote(req.base_url));
  if (!req.api_version.empty()) field("api_version", detail::json_quote(req.api_version));
  if (req.allow_insecure) field("allow_insecure", "true");
  if (!req.ca_file.empty()) field("ca_file", detail::json_quote(req.ca_file));
  json += "}";
  gemini_live_auth_token* raw = nullptr;
  detail::check(gemini_live_auth_token_create(detail::c_string(api_key).c_str(), detail::c_string(json).c_str(),
                                              detail::clamp_timeout(req.timeout), &raw));
  std::unique_ptr<gemini_live_auth_token, void (*)(gemini_live_auth_token*)> guard(raw,
                                                                                   gemini_live_auth_token_free);
  using std::chrono::system_clock;
  return Token{gemini_live_auth_token_name(raw),
               system_clock::time_point(std::chrono::seconds(gemini_live_auth_token_expire_time(raw))),
               system_clock::time_point(std::chrono::seconds(gemini_live_auth_token_new_session_expire_time(raw)))};
}

// ---------------------------------------------------------------------------------------------
// Mock server

/// The library's mock Gemini Live server (owns a gemini_live_mock_server), for offline tests.
/// Move-only; the destructor stops it (open connections get close 1001). Not to be created or
/// destroyed inside an event callback.
class MockServer {
 public:
  /// `config_json`: a JSON object of mock settings (snake_case, all optional, e.g.
  /// {"api_keys":["k"]}); empty uses the defaults (a free loopback port, any non-empty key).
  explicit MockServer(std::string_view config_json = {}) {
    if (config_json.empty()) {
      detail::check(gemini_live_mock_server_start(nullptr, &raw_));
    } else {
      detail::check(gemini_live_mock_server_start(detail::c_string(config_json).c_str(), &raw_));
    }
  }
  ~MockServer() { gemini_live_mock_server_free(raw_); }
  MockServer(MockServer&& o) noexcept : raw_(std::exchange(o.raw_, nullptr)) {}
  MockServer& operator=(MockServer&& o) noexcept {
    if (this != &o) {
      gemini_live_mock_server_free(raw_);
      raw_ = std::exchange(o.raw_, nullptr);
    }
    return *this;
  }
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  gemini_live_mock_server* get() const noexcept { return raw_; }

  /// The base URL, ws://127.0.0.1:PORT, for Config::set_base_url.
  std::string url() const {
    const char* u = gemini_live_mock_server_url(raw_);
    return u ? std::string(u) : std::string();
  }
  /// The base URL of the REST side, http://127.0.0.1:PORT: TokenRequest::base_url, the OAuth
  /// token endpoint, the metadata server (GCE_METADATA_HOST is its host:port).
  std::string http_url() const {
    const char* u = gemini_live_mock_server_http_url(raw_);
    return u ? std::string(u) : std::string();
  }
  /// A test credentials file's JSON: "service_account" (a new key the mock's token endpoint
  /// verifies) or "authorized_user"; token_uri is the mock's.
  std::string credentials_json(std::string_view kind) const {
    char* s = nullptr;
    detail::check(gemini_live_mock_server_credentials_json(raw_, detail::c_string(kind).c_str(), &s));
    std::unique_ptr<char, void (*)(char*)> guard(s, gemini_live_string_free);
    return std::string(s);
  }
  /// A JSON snapshot of the server's counters.
  std::string stats_json() const {
    char* s = nullptr;
    detail::check(gemini_live_mock_server_stats_json(raw_, &s));
    std::unique_ptr<char, void (*)(char*)> guard(s, gemini_live_string_free);
    return std::string(s);
  }
  /// Waits until the number at `json_pointer` (e.g. "/messages/realtime_text") in the stats is at
  /// least `at_least`; throws Error(Result::Timeout) if it is not within `timeout`.
  void wait_for(std::string_view json_pointer, std::int64_t at_least,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    detail::check(gemini_live_mock_server_wait_for(raw_, detail::c_string(json_pointer).c_str(), at_least,
                                                   detail::clamp_timeout(timeout)));
  }

 private:
  gemini_live_mock_server* raw_ = nullptr;
};

}  // namespace gemini_live

#endif  // GEMINI_LIVE_HPP
