import * as assert from 'node:assert/strict';
import { computeAnalytics } from '../../src/core/analytics';
import type { Phrase, Turn } from '../../src/core/model';
import type { Segment, TranscriptModelApi } from '../../src/vscode/transcriptViewModel';
import { compactTranscript, segmentTurn } from '../../src/vscode/transcriptViewData';
import { stereoCall } from '../fixtures/results';

// The page's helpers are plain JS (UMD), type-checked against TranscriptModelApi by media/tsconfig.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const M = require('../../media/transcriptModel') as TranscriptModelApi;

function phrase(text: string, words: [string, number | undefined][], startMs = 0): Phrase {
  return {
    channel: 0,
    startMs,
    endMs: startMs + 1000,
    text,
    lexical: text.toLowerCase(),
    words: words.map(([w, confidence], i) => ({ text: w, startMs: startMs + i * 100, endMs: startMs + i * 100 + 90, confidence })),
  };
}

function turn(...phrases: Phrase[]): Pick<Turn, 'text' | 'phrases'> {
  return { text: phrases.map((p) => p.text).join(' '), phrases };
}

/** Low-confidence words of the segments, as `word@confidence`. */
function marked(segments: Segment[]): string[] {
  return segments.filter((s) => s.confidence !== undefined).map((s) => `${s.text}@${s.confidence}`);
}

describe('webview model: time and number labels', () => {
  it('shows positions as HH:MM:SS, rounded down', () => {
    assert.equal(M.formatClock(0), '00:00:00');
    assert.equal(M.formatClock(83_999), '00:01:23');
    assert.equal(M.formatClock(3_723_000), '01:02:03');
    assert.equal(M.formatClock(-5), '00:00:00');
  });

  it('shows durations as m:ss, or h:mm:ss from an hour on, rounded down like every time shown', () => {
    assert.equal(M.formatDuration(4_600), '0:04');
    assert.equal(M.formatDuration(48_960), '0:48');
    assert.equal(M.formatDuration(125_000), '2:05');
    assert.equal(M.formatDuration(3_723_000), '1:02:03');
  });

  it('fills numbered placeholders and keeps unknown ones', () => {
    assert.equal(M.format('{0} of {1}', 2, 5), '2 of 5');
    assert.equal(M.format('{1} before {0}, {2}', 'a', 'b'), 'b before a, {2}');
    assert.equal(M.formatPercent(0.304), '30%');
    assert.equal(M.formatPercent(Number.NaN), '0%');
  });
});

describe('webview model: conversation layout', () => {
  it('puts party 1 left, party 2 right and alternates further parties', () => {
    const sides = M.layoutParties(['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, name: id.toUpperCase() })));
    assert.deepEqual(
      sides.map((p) => `${p.name}:${p.side}:${p.index}`),
      ['A:left:0', 'B:right:1', 'C:left:2', 'D:right:3', 'E:left:4'],
    );
  });

  it('builds the turns of the stereo call fixture in order, with times, names, sides and overlap', () => {
    const vm = M.buildViewModel(compactTranscript(stereoCall(), 0.5));
    assert.deepEqual(
      vm.turns.map((t) => `${t.time} ${t.partyName}/${t.side}${t.overlap ? ' (overlap)' : ''}: ${t.text}`),
      [
        '00:00:00 Agent/left: Hello, thank you for calling. How can I help?',
        '00:00:04 Customer/right: Hi, my card was declined.',
        '00:00:06 Agent/left (overlap): I see, let me check that for you.',
        '00:00:08 Customer/right (overlap): Okay. It says <error> & stuff.',
        '00:00:12 Agent/left (overlap): Sure.',
        '00:00:16 Customer/right: Could you please check why my card was declined yesterday?',
      ],
    );
    assert.deepEqual(vm.turns.map((t) => t.startMs).slice(0, 3), [500, 4500, 6000]);
  });

  it('shows renamed parties without touching the turns', () => {
    const conversation = stereoCall();
    conversation.parties[1] = { ...conversation.parties[1], name: 'Mrs Jones' };
    const vm = M.buildViewModel(compactTranscript(conversation, 0.5));
    assert.equal(vm.turns[1].partyName, 'Mrs Jones');
    assert.equal(vm.turns[0].partyName, 'Agent');
  });
});

describe('transcript view data: low-confidence words', () => {
  it('marks exactly the words below the threshold, keeping punctuation and spacing', () => {
    const segments = segmentTurn(turn(phrase('Hello, thank you.', [['Hello,', 0.9], ['thank', 0.3], ['you.', 0.49]])), 0.5);
    assert.deepEqual(segments, [{ text: 'Hello, ' }, { text: 'thank', confidence: 0.3 }, { text: ' ' }, { text: 'you.', confidence: 0.49 }]);
    assert.equal(segments.map((s) => s.text).join(''), 'Hello, thank you.');
  });

  it('finds lexical (lower-case, unpunctuated) words in the display text', () => {
    const segments = segmentTurn(turn(phrase('Okay. It says error.', [['okay', 0.9], ['it', 0.2], ['says', 0.9], ['error', 0.1]])), 0.5);
    assert.deepEqual(marked(segments), ['It@0.2', 'error@0.1']);
    assert.equal(segments.map((s) => s.text).join(''), 'Okay. It says error.');
  });

  it('marks the right one of repeated words and never a word inside another', () => {
    const segments = segmentTurn(turn(phrase('a cat and a can', [['a', 0.9], ['cat', 0.9], ['and', 0.9], ['a', 0.1], ['can', 0.9]])), 0.5);
    assert.deepEqual(segments, [{ text: 'a cat and ' }, { text: 'a', confidence: 0.1 }, { text: ' can' }]);
  });

  it('leaves words without a match in the display text unmarked (lexical "twenty" for "20")', () => {
    const segments = segmentTurn(turn(phrase('Pay 20 euros', [['pay', 0.9], ['twenty', 0.1], ['euros', 0.2]])), 0.5);
    assert.deepEqual(marked(segments), ['euros@0.2']);
  });

  it('joins the phrases of a turn with spaces and marks words in each', () => {
    const segments = segmentTurn(turn(phrase('Yes.', [['yes', 0.3]]), phrase('Right now.', [['right', 0.9], ['now', 0.4]], 2000)), 0.5);
    assert.equal(segments.map((s) => s.text).join(''), 'Yes. Right now.');
    assert.deepEqual(marked(segments), ['Yes@0.3', 'now@0.4']);
  });

  it('marks nothing with threshold 0 or without word confidences, and falls back to the turn text', () => {
    assert.deepEqual(marked(segmentTurn(turn(phrase('Hi there', [['hi', 0.01]])), 0)), []);
    assert.deepEqual(marked(segmentTurn(turn(phrase('Hi there', [['hi', undefined]])), 0.5)), []);
    assert.deepEqual(segmentTurn({ text: 'No phrases', phrases: [] }, 0.5), [{ text: 'No phrases' }]);
  });
});

describe('transcript view data: the compact form the page gets', () => {
  it('keeps each turn as columns: party, start, end, overlap, text and its low-confidence words', () => {
    const conversation = stereoCall();
    conversation.turns[0].phrases[0].words[1].confidence = 0.31; // "thank"
    const compact = compactTranscript(conversation, 0.5);
    assert.deepEqual(compact.parties, [{ id: 'ch0', name: 'Agent' }, { id: 'ch1', name: 'Customer' }]);
    assert.deepEqual(compact.party, [0, 1, 0, 1, 0, 1]);
    assert.deepEqual(compact.start, conversation.turns.map((t) => t.startMs));
    assert.deepEqual(compact.overlap, [2, 3, 4]);
    assert.equal(compact.text[0], 'Hello, thank you for calling. How can I help?');
    assert.deepEqual(compact.low, [[0, 7, 12, 0.31]]);
    assert.ok(!JSON.stringify(compact).includes('"words"'), 'no words or phrases are passed to the page');
  });

  it('gives the page the same segments as the words would (marks back into segments)', () => {
    const conversation = stereoCall();
    conversation.turns[3].phrases[0].words.forEach((w, i) => (w.confidence = i % 2 ? 0.2 : 0.9));
    const vm = M.buildViewModel(compactTranscript(conversation, 0.5));
    for (const [i, turn] of conversation.turns.entries()) {
      assert.deepEqual(M.segmentsOf(vm.turns[i]), segmentTurn(turn, 0.5), `turn ${i}`);
    }
  });
});

describe('webview model: search', () => {
  it('finds every case-insensitive occurrence and treats the query literally', () => {
    assert.deepEqual(M.findMatches('Card declined. My CARD was…', 'card'), [
      { start: 0, end: 4 },
      { start: 18, end: 22 },
    ]);
    assert.deepEqual(M.findMatches('costs $5.00 (approx.)', '$5.00 ('), [{ start: 6, end: 13 }]);
    assert.deepEqual(M.findMatches('anything', '   '), []);
  });

  it('numbers matches across all turns in reading order', () => {
    const vm = M.buildViewModel(compactTranscript(stereoCall(), 0.5));
    const hits = M.searchTurns(vm.turns, 'card');
    assert.deepEqual(
      hits.map((h) => `${vm.turns[h.turn].time}:${vm.turns[h.turn].text.slice(h.start, h.end)}`),
      ['00:00:04:card', '00:00:16:card'],
    );
  });

  it('splits segments at match edges, one number per match even across a low-confidence word', () => {
    const segments: Segment[] = [{ text: 'my ' }, { text: 'card', confidence: 0.2 }, { text: ' was declined' }];
    const pieces = M.highlightSegments(segments, M.findMatches('my card was declined', 'y card w'), 7);
    assert.deepEqual(pieces, [
      { text: 'm' },
      { text: 'y ', match: 7 },
      { text: 'card', confidence: 0.2, match: 7 },
      { text: ' w', match: 7 },
      { text: 'as declined' },
    ]);
    assert.deepEqual(M.highlightSegments(segments, [], 0), segments);
  });

  it('cycles next/previous through the matches', () => {
    assert.equal(M.wrapIndex(3, 3), 0);
    assert.equal(M.wrapIndex(-1, 3), 2);
    assert.equal(M.wrapIndex(1, 3), 1);
  });
});

describe('webview model: playback position', () => {
  const turns = [
    { startMs: 500, endMs: 4000 },
    { startMs: 4500, endMs: 5800 },
    { startMs: 6000, endMs: 20000 },
    { startMs: 8800, endMs: 9500 },
    { startMs: 12000, endMs: 13000 },
  ];

  it('highlights the turn being spoken, the latest one during crosstalk', () => {
    assert.equal(M.activeTurnIndex(turns, 1000), 0);
    assert.equal(M.activeTurnIndex(turns, 9000), 3);
    assert.equal(M.activeTurnIndex(turns, 12500), 4);
  });

  it('keeps the long turn while the other party has finished interjecting, and the last turn in silences', () => {
    assert.equal(M.activeTurnIndex(turns, 10000), 2);
    assert.equal(M.activeTurnIndex(turns, 4200), 0);
    assert.equal(M.activeTurnIndex(turns, 25000), 4);
  });

  it('highlights nothing before the first turn', () => {
    assert.equal(M.activeTurnIndex(turns, 100), -1);
    assert.equal(M.activeTurnIndex([], 100), -1);
  });
});

describe('webview model: analytics header', () => {
  it('formats the stereo call fixture and takes names from the (renamed) parties', () => {
    const conversation = stereoCall();
    const analytics = computeAnalytics(conversation);
    const parties = conversation.parties.map((p) => (p.id === 'ch0' ? { ...p, name: 'Sam' } : p));
    const view = M.buildAnalytics(analytics, parties);
    assert.equal(view.duration, '0:30');
    assert.equal(view.silence, '0:10');
    assert.equal(view.silenceShare, '33%');
    assert.equal(view.overlap, '0:00', '700 ms of crosstalk is less than a second');
    assert.equal(view.interruptions, analytics.interruptions);
    assert.deepEqual(
      view.parties.map((p) => `${p.name} ${p.talk} ${p.share} turns=${p.turns} colour=${p.index}`),
      ['Sam 0:06 30% turns=3 colour=0', 'Customer 0:14 70% turns=3 colour=1'], // 14.5 s: 0:14, as in the Markdown export
    );
    assert.deepEqual(view.longestMonologue, { duration: '0:09', partyName: 'Customer', startMs: 16000, time: '00:00:16' });
  });

  it('shows no longest monologue for a call without speech', () => {
    const view = M.buildAnalytics(
      { durationMs: 5000, silenceMs: 5000, overlapMs: 0, talkMs: 0, interruptions: 0, longestMonologue: null, parties: [] },
      [],
    );
    assert.equal(view.longestMonologue, null);
    assert.equal(view.silenceShare, '100%');
  });
});
