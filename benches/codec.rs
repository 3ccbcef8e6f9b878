//! Codec cost next to its floor: encoding one `realtimeInput` audio message (20 ms and 100 ms
//! of 16 kHz PCM16) against bare base64 of the same bytes, and decoding a 240 ms `serverContent`
//! audio message (24 kHz) into PCM against bare base64 decoding of its payload.
//!
//! Run: `cargo bench --bench codec`. The ratios are what `BENCHMARKS.md` reports.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use gemini_live::protocol::{encode_realtime, RealtimeInput, ServerMessage};
use gemini_live::session::{events_from_message, SessionEvent};

fn pcm(bytes: usize) -> Vec<u8> {
    (0..bytes).map(|i| (i * 7 % 251) as u8).collect()
}

fn encode(c: &mut Criterion) {
    for ms in [20usize, 100] {
        let chunk = pcm(16_000 * 2 * ms / 1000);
        let mut group = c.benchmark_group(format!("encode_audio_{ms}ms"));
        group.throughput(Throughput::Bytes(chunk.len() as u64));
        group.bench_function("library", |b| {
            b.iter(|| {
                encode_realtime(black_box(&RealtimeInput::Audio {
                    pcm: &chunk,
                    sample_rate: 16_000,
                }))
            })
        });
        group.bench_function("floor_base64", |b| b.iter(|| STANDARD.encode(black_box(&chunk))));
        group.finish();
    }
}

fn decode(c: &mut Criterion) {
    let chunk = pcm(24_000 * 2 * 240 / 1000);
    let b64 = STANDARD.encode(&chunk);
    let frame = format!(
        r#"{{"serverContent":{{"modelTurn":{{"parts":[{{"inlineData":{{"mimeType":"audio/pcm;rate=24000","data":"{b64}"}}}}]}}}}}}"#
    );
    let mut group = c.benchmark_group("decode_audio_240ms");
    group.throughput(Throughput::Bytes(chunk.len() as u64));
    group.bench_function("library_to_events", |b| {
        let mut events: Vec<SessionEvent> = Vec::with_capacity(4);
        b.iter(|| {
            let message = ServerMessage::decode(black_box(frame.as_bytes())).unwrap();
            events_from_message(message, &mut events);
            black_box(events.drain(..).count())
        })
    });
    group.bench_function("floor_base64", |b| {
        b.iter(|| STANDARD.decode(black_box(b64.as_bytes())).unwrap())
    });
    group.finish();
}

criterion_group!(benches, encode, decode);
criterion_main!(benches);
