#include <gemini_live.hpp>
#include <iostream>
int main() {
  gemini_live::MockServer mock;  // offline; for the real service drop it and set your API key
  gemini_live::Config config;
  config.set_api_key("my-key").set_base_url(mock.url()).set_response_modality(gemini_live::Modality::Text);
  gemini_live::Session session(config);  // pull mode: events come from next_event()
  session.send_client_text("Hello, Gemini");
  for (auto e = session.next_event(); !e.is(gemini_live::EventKind::TurnComplete); e = session.next_event())
    if (e.is(gemini_live::EventKind::Text)) std::cout << e.text();
  std::cout << std::endl;
}
