/**
 * One set of numbers: the analytics of real transcripts (pocketsphinx on the sample call, stereo; its mono mix, with
 * and without diarization; and the hand-made fixtures) computed two ways — the sweep of core/analytics.ts and a
 * brute-force millisecond timeline here — and every figure the transcript view, its player, the exports and the CLI
 * summary show, read back from what each of them renders and compared.
 */
import { strict as assert } from 'node:assert';
import { computeAnalytics, MONOLOGUE_MAX_GAP_MS } from '../../src/core/analytics';
import { summaryCsv, summaryRow, summaryTable, parseCsv } from '../../src/core/batchSummary';
import { formatConversation } from '../../src/core/formats';
import { mergeFile } from '../../src/core/merge';
import type { CallAnalytics, Conversation } from '../../src/core/model';
import { formatClock, formatDuration } from '../../src/core/ticks';
import { clockDuration } from '../../src/vscode/humanize';
import type { TranscriptModelApi } from '../../src/vscode/transcriptViewModel';
import { compactTranscript } from '../../src/vscode/transcriptViewData';
import { loadTranscript } from '../fixtures/results';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const M = require('../../media/transcriptModel.js') as TranscriptModelApi;

const FIXTURES = ['sample-call-stereo.json', 'sample-call-mono.json', 'sample-call-mono-diarized.json', 'stereo-call.json', 'diarized-mono.json'];

interface Reference {
  durationMs: number;
  talkMs: Map<string, number>;
  anyTalkMs: number;
  overlapMs: number;
  silenceMs: number;
  /** Longest monologue per party (speech ms) and overall. */
  monologueMs: Map<string, number>;
  longest: { partyId: string; durationMs: number } | null;
}

/**
 * The analytics the slow, obvious way: who talks in each millisecond of the call. A monologue: consecutive
 * milliseconds where one party talks alone, joined across silences (nobody talks) of at most MONOLOGUE_MAX_GAP_MS;
 * anybody else talking ends it; its length counts the milliseconds the party talks.
 */
function reference(conversation: Conversation): Reference {
  const phrases = conversation.turns.flatMap((t) => t.phrases.map((p) => ({ partyId: t.partyId, startMs: p.startMs, endMs: p.endMs })));
  const end = Math.max(conversation.durationMs, ...phrases.map((p) => p.endMs));
  const durationMs = conversation.durationMs || end;
  const talking: Set<string>[] = Array.from({ length: end }, () => new Set<string>());
  for (const p of phrases) for (let t = p.startMs; t < p.endMs; t++) talking[t]!.add(p.partyId);
  const talkMs = new Map(conversation.parties.map((p) => [p.id, 0]));
  const monologueMs = new Map(conversation.parties.map((p) => [p.id, 0]));
  let anyTalkMs = 0;
  let overlapMs = 0;
  let longest: Reference['longest'] = null;
  let run: { partyId: string; speechMs: number; silentMs: number } | undefined;
  const close = () => {
    if (!run) return;
    monologueMs.set(run.partyId, Math.max(monologueMs.get(run.partyId)!, run.speechMs));
    if (!longest || run.speechMs > longest.durationMs) longest = { partyId: run.partyId, durationMs: run.speechMs };
    run = undefined;
  };
  for (let t = 0; t < end; t++) {
    const now = talking[t]!;
    for (const id of now) talkMs.set(id, talkMs.get(id)! + 1);
    if (now.size > 0) anyTalkMs++;
    if (now.size > 1) {
      overlapMs++;
      close();
    } else if (now.size === 1) {
      const [id] = now;
      if (run && (run.partyId !== id || run.silentMs > MONOLOGUE_MAX_GAP_MS)) close();
      if (!run) run = { partyId: id!, speechMs: 0, silentMs: 0 };
      run.speechMs++;
      run.silentMs = 0;
    } else if (run) {
      run.silentMs++;
    }
  }
  close();
  return { durationMs, talkMs, anyTalkMs, overlapMs, silenceMs: Math.max(0, durationMs - anyTalkMs), monologueMs, longest };
}

/** What the Markdown export shows: the duration and, per party, talk time, share and words. */
function markdownFigures(markdown: string): { duration: string; parties: Map<string, { talk: string; share: string; words: string }>; times: string[] } {
  const duration = /^Duration (\S+) · /m.exec(markdown)?.[1];
  assert.ok(duration, 'the Markdown export shows the duration');
  const parties = new Map<string, { talk: string; share: string; words: string }>();
  for (const [, name, , talk, share, words] of markdown.matchAll(/^\| (.+?) \| (channel \d+|speaker \d+) \| (\S+) \| (\S+) \| (\d+) \|$/gm)) {
    parties.set(name!, { talk: talk!, share: share!, words: words! });
  }
  const times = [...markdown.matchAll(/^\*\*\[(\d\d:\d\d:\d\d)\] /gm)].map((m) => m[1]!);
  return { duration, parties, times };
}

/** What the CLI's `analytics --summary` table shows for one call (header → cell). */
function summaryFigures(analytics: CallAnalytics): Map<string, string> {
  const [header, , row] = summaryTable([summaryRow('call.wav', analytics)]).split('\n');
  // Columns are aligned: cut the row where the header's columns start.
  const starts = [...header!.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index! }));
  return new Map(starts.map((c, i) => [c.name, row!.slice(c.at, starts[i + 1]?.at ?? row!.length).trim()]));
}

/** Seconds of a shown duration (`m:ss` or `h:mm:ss`). */
function shownSeconds(text: string): number {
  return text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

describe('one set of numbers', () => {
  it('the view, its player, the exports, the jobs tree and the CLI format times with one rule: floored to the second', () => {
    for (let ms = 0; ms < 7_300_000; ms += 997) {
      assert.equal(M.formatDuration(ms), formatDuration(ms), `duration ${ms}`);
      assert.equal(M.formatClock(ms), formatClock(ms), `position ${ms}`);
      assert.equal(clockDuration(ms), formatDuration(ms), `tree duration ${ms}`);
    }
    for (const ms of [0, 999, 1000, 48_499, 48_500, 48_999, 59_999, 3_599_999, 3_600_000]) {
      assert.equal(M.formatDuration(ms), formatDuration(ms));
      assert.equal(formatDuration(ms).split(':').at(-1), formatClock(ms).slice(-2), `the seconds of ${ms} agree`);
    }
    assert.equal(formatDuration(48_960), '0:48');
    assert.equal(M.playerTime(12_400, 48_960), '0:12 / 0:48');
    assert.equal(M.playerTime(60_000, 48_960), '0:48 / 0:48', 'the position never passes the end');
  });

  for (const name of FIXTURES) {
    describe(name, () => {
      const conversation = mergeFile(loadTranscript(name));
      const analytics = computeAnalytics(conversation);
      const ref = reference(conversation);

      it('talk time, silence, overlap and monologues computed two ways agree to the millisecond', () => {
        assert.equal(analytics.durationMs, ref.durationMs);
        for (const p of analytics.parties) assert.equal(p.talkMs, ref.talkMs.get(p.partyId), `talk of ${p.name}`);
        assert.equal(analytics.talkMs, [...ref.talkMs.values()].reduce((a, b) => a + b, 0));
        assert.equal(analytics.overlapMs, ref.overlapMs);
        assert.equal(analytics.silenceMs, ref.silenceMs);
        for (const p of analytics.parties) assert.equal(p.longestMonologueMs, ref.monologueMs.get(p.partyId), `monologue of ${p.name}`);
        assert.equal(analytics.longestMonologue?.durationMs ?? 0, ref.longest?.durationMs ?? 0);
        assert.equal(analytics.longestMonologue?.partyId, ref.longest?.partyId);
      });

      it('the figures are consistent: a monologue never exceeds its party’s talk time; talk, silence and overlap add up', () => {
        for (const p of analytics.parties) assert.ok(p.longestMonologueMs <= p.talkMs, `${p.name}: monologue ${p.longestMonologueMs} > talk ${p.talkMs}`);
        const m = analytics.longestMonologue;
        if (m) assert.ok(m.durationMs <= m.endMs - m.startMs, 'speech time within the run');
        assert.equal(analytics.silenceMs + ref.anyTalkMs, analytics.durationMs);
        if (analytics.parties.length === 2) assert.equal(analytics.talkMs, ref.anyTalkMs + analytics.overlapMs);
      });

      it('every figure shown is the same in the view, the player, the Markdown and text exports and the CLI summary', () => {
        const view = M.buildAnalytics(analytics, conversation.parties);
        const turns = M.buildViewModel(compactTranscript(conversation, 0)).turns;
        const md = markdownFigures(formatConversation(conversation, 'md', { analytics }));
        const txtTimes = formatConversation(conversation, 'txt')
          .split('\n')
          .filter(Boolean)
          .map((line) => /^\[(\d\d:\d\d:\d\d)\]/.exec(line)?.[1]);
        const cli = summaryFigures(analytics);
        const csv = parseCsv(summaryCsv([summaryRow('call.wav', analytics)]));
        const csvRow = Object.fromEntries(csv[0]!.map((h, i) => [h, csv[1]![i]!]));
        const seconds = (ms: number) => formatDuration(ms);

        // Duration: analytics header, player, Markdown, CLI table, CSV (to the tenth, floored).
        const duration = seconds(ref.durationMs);
        assert.equal(view.duration, duration);
        assert.equal(M.playerTime(0, conversation.durationMs).split(' / ')[1], duration);
        assert.equal(md.duration, duration);
        assert.equal(cli.get('Duration'), duration);
        assert.equal(Math.floor(Number(csvRow['duration_s'])), Math.floor(ref.durationMs / 1000));
        // Silence, crosstalk: the view and the CLI.
        assert.equal(view.silence, seconds(ref.silenceMs));
        assert.equal(cli.get('Silence'), seconds(ref.silenceMs));
        assert.equal(view.overlap, seconds(ref.overlapMs));
        assert.equal(cli.get('Crosstalk'), seconds(ref.overlapMs));
        assert.equal(Math.floor(Number(csvRow['silence_s'])), Math.floor(ref.silenceMs / 1000));
        // Per party: talk time and share in the view and the Markdown table; words in Markdown.
        assert.equal(md.parties.size, view.parties.length);
        for (const row of view.parties) {
          const party = analytics.parties.find((p) => p.partyId === row.partyId)!;
          assert.equal(row.talk, seconds(ref.talkMs.get(row.partyId)!), `view talk of ${row.name}`);
          assert.equal(md.parties.get(row.name)?.talk, row.talk, `Markdown talk of ${row.name}`);
          assert.equal(md.parties.get(row.name)?.share, row.share, `Markdown share of ${row.name}`);
          assert.equal(md.parties.get(row.name)?.words, String(party.words));
        }
        assert.ok(cli.get('Talk share')!.split(' / ').every((s, i) => s.endsWith(` ${view.parties[i]!.share}`)), 'CLI talk shares');
        // Longest monologue: the view and the CLI, never more than the party's talk time as shown.
        if (view.longestMonologue) {
          assert.equal(view.longestMonologue.duration, seconds(ref.longest!.durationMs));
          assert.equal(cli.get('Longest monologue'), `${view.longestMonologue.duration} (${view.longestMonologue.partyName})`);
          const talk = view.parties.find((p) => p.partyId === ref.longest!.partyId)!.talk;
          assert.ok(shownSeconds(view.longestMonologue.duration) <= shownSeconds(talk), `monologue ${view.longestMonologue.duration} ≤ talk ${talk}`);
        }
        // Turn times: the view, the text export and the Markdown export.
        assert.deepEqual(turns.map((t) => t.time), txtTimes);
        assert.deepEqual(turns.map((t) => t.time), md.times);
        assert.deepEqual(turns.map((t) => t.time), conversation.turns.map((t) => formatClock(t.startMs)));
      });
    });
  }

  it('the issue’s examples are gone: talk 12.58 s is 0:12 everywhere; the mono monologue is within the talk time', () => {
    const diarized = mergeFile(loadTranscript('sample-call-mono-diarized.json'));
    const a = computeAnalytics(diarized);
    const speaker2 = a.parties.find((p) => p.talkMs === 12_580);
    assert.ok(speaker2, 'the fixture has a party with 12.58 s of talk');
    assert.equal(M.buildAnalytics(a, diarized.parties).parties.find((p) => p.partyId === speaker2.partyId)?.talk, '0:12', 'was 0:13 in the view');
    assert.match(formatConversation(diarized, 'md'), new RegExp(`\\| ${speaker2.name} \\| speaker \\d \\| 0:12 \\|`), 'was 00:00:12 in Markdown');

    const mono = mergeFile(loadTranscript('sample-call-mono.json'));
    const m = computeAnalytics(mono);
    assert.equal(m.parties.length, 1);
    const view = M.buildAnalytics(m, mono.parties);
    assert.equal(view.parties[0]!.talk, '0:33');
    // Was 0:41 (the wall time of the call's speech, pauses included) next to a talk time of 0:34.
    assert.equal(view.longestMonologue?.duration, '0:33');
    assert.ok(m.longestMonologue!.durationMs <= m.parties[0]!.talkMs);
  });
});
