package main

import "time"

// After the schedule: wait for the answers still playing, then count what was lost and by
// whom (a simpler form of load/src/drain.rs). Per session the mock owes floor(chunks sent / 50)
// answers of 48,000 audio bytes and one pong per ping. The drain ends when every session has
// what it is owed ("complete"), when the mock has nothing queued and everything it sent was
// received ("settled"), when nothing moved for stallS with nothing queued at the mock
// ("stalled": what it sent and the client never received is lost by the client), or at
// drainBoundS ("bound"). Without mock counters (an external mock) it ends complete or after
// 5 s. Lost = owed − received − what the mock skipped (answers it dropped because it fell
// behind: its shortfall, reported apart, as the Rust tool does).
const (
	drainBoundS = 30.0
	stallS      = 5.0
)

type drained struct {
	end                                     string
	atS                                     float64
	expected, received, skipped, lost       uint64
	neverAnswered, queued, sentNotDelivered uint64
	lostPongs, closedEarly                  uint64
	mockErr                                 any
}

func (d *drained) verdict() string {
	switch {
	case d.lost == 0 && d.skipped == 0:
		return "nothing lost"
	case d.lost == 0:
		return "nothing lost by the client; the mock skipped answers (it fell behind)"
	default:
		return "audio lost or not delivered"
	}
}

func drainAll(ctrs []*counters, chunks, pings []uint64, mock *mockProc) drained {
	var d drained
	var pingsOwed uint64
	for i := range ctrs {
		d.expected += chunks[i] / chunksPerS * answerBytes
		pingsOwed += pings[i]
	}
	start := time.Now()
	sum := func() (audio, turns, pongs uint64) {
		for _, c := range ctrs {
			audio += c.audioBytes.Load()
			turns += c.turns.Load()
			pongs += c.pongs.Load()
		}
		return
	}
	complete := func() bool {
		for i, c := range ctrs {
			if c.turns.Load() < chunks[i]/chunksPerS || c.pongs.Load() < pings[i] {
				return false
			}
		}
		return true
	}
	var m mockCounters
	haveMock := false
	lastAudio, lastMockSent := uint64(0), uint64(0)
	lastMove := time.Now()
	bound := drainBoundS
	if mock == nil {
		bound = 5
	}
	for {
		audio, _, pongs := sum()
		if mock != nil {
			if c, err := mock.counters(); err == nil {
				m, haveMock = c, true
			} else {
				d.mockErr = err.Error()
			}
		}
		el := time.Since(start).Seconds()
		if audio != lastAudio || m.OutputAudioBytes != lastMockSent {
			lastAudio, lastMockSent, lastMove = audio, m.OutputAudioBytes, time.Now()
		}
		queued := (m.AnswersQueued*answerBytes > m.OutputAudioBytes) || m.AnswersQueued > m.TurnsCompleted
		answered := (m.AnswersQueued + m.AnswersSkipped) * answerBytes
		switch {
		case complete():
			d.end = "complete"
		case haveMock && !queued && m.OutputAudioBytes <= audio && pongs >= pingsOwed && answered >= d.expected:
			d.end = "settled"
		case haveMock && !queued && time.Since(lastMove).Seconds() >= stallS:
			d.end = "stalled"
		case el >= bound:
			d.end = "bound"
		}
		if d.end != "" {
			d.atS = el
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	audio, _, pongs := sum()
	d.received = audio
	if pongs < pingsOwed {
		d.lostPongs = pingsOwed - pongs
	}
	for _, c := range ctrs {
		d.closedEarly += c.closed.Load()
	}
	if haveMock {
		d.skipped = m.AnswersSkipped * answerBytes
		answered := (m.AnswersQueued + m.AnswersSkipped) * answerBytes
		if d.expected > answered {
			d.neverAnswered = d.expected - answered
		}
		if m.AnswersQueued*answerBytes > m.OutputAudioBytes {
			d.queued = m.AnswersQueued*answerBytes - m.OutputAudioBytes
		}
		if m.OutputAudioBytes > audio {
			d.sentNotDelivered = m.OutputAudioBytes - audio
		}
	}
	if short := d.expected - min(d.expected, d.received); short > d.skipped {
		d.lost = short - d.skipped
	}
	return d
}
