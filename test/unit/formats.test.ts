import { strict as assert } from 'node:assert';
import { computeAnalytics } from '../../src/core/analytics';
import { formatConversation, redactSource, sourceDisplayName } from '../../src/core/formats';
import { mergeFile } from '../../src/core/merge';
import { TRANSCRIPT_FORMATS, type Conversation, type Phrase } from '../../src/core/model';
import { loadTranscript, stereoCall } from '../fixtures/results';

// ------------------------------------------------------------------------------------------------------------
// A small subtitle validator: parses SRT/WebVTT back and checks what a player relies on.
// ------------------------------------------------------------------------------------------------------------

interface ParsedCue {
  startMs: number;
  endMs: number;
  /** WebVTT voice (unescaped). */
  voice?: string;
  /** Text lines (WebVTT: unescaped, without the voice tag). */
  lines: string[];
}

function parseTime(text: string, separator: ',' | '.'): number {
  const match = new RegExp(`^(\\d{2,}):([0-5]\\d):([0-5]\\d)\\${separator}(\\d{3})$`).exec(text);
  assert.ok(match, `bad cue time ${JSON.stringify(text)}`);
  const [h, m, s, ms] = match.slice(1).map(Number);
  return ((h * 60 + m) * 60 + s) * 1000 + ms;
}

function parseTiming(line: string, separator: ',' | '.'): { startMs: number; endMs: number } {
  const parts = line.split(' --> ');
  assert.equal(parts.length, 2, `bad timing line ${JSON.stringify(line)}`);
  return { startMs: parseTime(parts[0], separator), endMs: parseTime(parts[1], separator) };
}

function parseSrt(text: string): ParsedCue[] {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const blocks = text.trimEnd().split('\n\n');
  return blocks.map((block, i) => {
    const [number, timing, ...lines] = block.split('\n');
    assert.equal(number, String(i + 1), 'cues are numbered 1, 2, 3 …');
    assert.ok(lines.length > 0 && lines.every((l) => l.trim() !== ''), `cue ${i + 1} has text`);
    return { ...parseTiming(timing, ','), lines };
  });
}

function unescapeVtt(text: string): string {
  assert.doesNotMatch(text, /<|>|&(?!amp;|lt;|gt;)/, `unescaped markup in ${JSON.stringify(text)}`);
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function parseVtt(text: string): ParsedCue[] {
  const [header, ...blocks] = text.trimEnd().split('\n\n');
  assert.equal(header, 'WEBVTT');
  return blocks.map((block) => {
    const [timing, first, ...rest] = block.split('\n');
    const voice = /^<v ([^>]*)>(.*)$/.exec(first);
    assert.ok(voice, `cue starts with a voice tag: ${JSON.stringify(first)}`);
    return { ...parseTiming(timing, '.'), voice: unescapeVtt(voice[1]), lines: [voice[2], ...rest].map(unescapeVtt) };
  });
}

/** Checks order, start <= end, and that every cue time is a start or end of a phrase or word of the model. */
function validateCues(cues: ParsedCue[], conversation: Conversation): void {
  const phrases: Phrase[] = conversation.turns.flatMap((t) => t.phrases);
  const starts = new Set(phrases.flatMap((p) => [p.startMs, ...p.words.map((w) => w.startMs)]));
  const ends = new Set(phrases.flatMap((p) => [p.endMs, ...p.words.map((w) => w.endMs)]));
  cues.forEach((cue, i) => {
    assert.ok(cue.startMs <= cue.endMs, `cue ${i + 1}: start after end`);
    if (i > 0) assert.ok(cues[i - 1].startMs <= cue.startMs, `cue ${i + 1} starts before cue ${i}`);
    assert.ok(starts.has(cue.startMs), `cue ${i + 1}: ${cue.startMs} is no phrase or word start`);
    assert.ok(ends.has(cue.endMs), `cue ${i + 1}: ${cue.endMs} is no phrase or word end`);
  });
}

// ------------------------------------------------------------------------------------------------------------

describe('formatConversation', () => {
  const conversation = stereoCall();

  it('txt: one line per turn, [hh:mm:ss] Name: text', () => {
    assert.equal(
      formatConversation(conversation, 'txt'),
      [
        '[00:00:00] Agent: Hello, thank you for calling. How can I help?',
        '[00:00:04] Customer: Hi, my card was declined.',
        '[00:00:06] Agent: I see, let me check that for you.',
        '[00:00:08] Customer: Okay. It says <error> & stuff.',
        '[00:00:12] Agent: Sure.',
        '[00:00:16] Customer: Could you please check why my card was declined yesterday?',
        '',
      ].join('\n'),
    );
  });

  it('srt: numbered cues with exact times, a long turn cut at word times into cues of at most 7 s and 2 lines', () => {
    const srt = formatConversation(conversation, 'srt');
    const cues = parseSrt(srt);
    validateCues(cues, conversation);
    assert.deepEqual(
      cues.map((c) => [c.startMs, c.endMs, c.lines.join(' | ')]),
      [
        [500, 4000, 'Agent: Hello, thank you for calling. How | can I help?'],
        [4500, 5800, 'Customer: Hi, my card was declined.'],
        [6000, 9000, 'Agent: I see, let me check that for you.'],
        [8800, 14_000, 'Customer: Okay. It says <error> & stuff.'],
        [12_500, 13_000, 'Agent: Sure.'],
        // Words are 800 ms long every 900 ms from 16000; the 8th would end the cue 7100 ms after its start.
        [16_000, 22_200, 'Customer: Could you please check why my | card'],
        [22_300, 24_900, 'Customer: was declined yesterday?'],
      ],
    );
    assert.ok(srt.startsWith('1\n00:00:00,500 --> 00:00:04,000\nAgent: Hello, thank you for calling. How\ncan I help?\n\n2\n'));
    for (const cue of cues) {
      assert.ok(cue.endMs - cue.startMs <= 7000 && cue.lines.length <= 2 && cue.lines.every((l) => l.length <= 42));
    }
  });

  it('vtt: WEBVTT header, voice tags, escaped < and &, same cue times', () => {
    const vtt = formatConversation(conversation, 'vtt');
    const cues = parseVtt(vtt);
    validateCues(cues, conversation);
    assert.deepEqual(
      cues.map((c) => [c.startMs, c.endMs, c.voice, c.lines.join(' | ')]),
      [
        [500, 4000, 'Agent', 'Hello, thank you for calling. How can I | help?'],
        [4500, 5800, 'Customer', 'Hi, my card was declined.'],
        [6000, 9000, 'Agent', 'I see, let me check that for you.'],
        [8800, 14_000, 'Customer', 'Okay. It says <error> & stuff.'],
        [12_500, 13_000, 'Agent', 'Sure.'],
        [16_000, 22_200, 'Customer', 'Could you please check why my card'],
        [22_300, 24_900, 'Customer', 'was declined yesterday?'],
      ],
    );
    assert.ok(vtt.includes('\n00:00:08.800 --> 00:00:14.000\n<v Customer>Okay. It says &lt;error&gt; &amp; stuff.\n'));
    const oddName = formatConversation({ ...conversation, parties: [{ id: 'ch0', name: 'R&D <lab>', channel: 0 }] }, 'vtt');
    assert.equal(parseVtt(oddName)[0].voice, 'R&D <lab>');
  });

  it('keeps a long phrase without word timings as one cue, wrapped', () => {
    const words = 'this is a very long phrase that goes on and on without any word timings at all';
    const long = mergeFile({
      source: 'x.wav',
      channels: [0],
      phrases: [{ channel: 0, startMs: 1000, endMs: 11_000, text: words, lexical: words, words: [] }],
      combined: [],
    });
    const cues = parseSrt(formatConversation(long, 'srt'));
    validateCues(cues, long);
    assert.deepEqual(
      cues.map((c) => [c.startMs, c.endMs, c.lines.join(' ')]),
      [[1000, 11_000, `Channel 1: ${words}`]],
    );
    assert.ok(cues[0].lines.every((l) => l.length <= 42));
  });

  it('md: title, party table, then bold time and name per turn, Markdown specials escaped', () => {
    const md = formatConversation(conversation, 'md');
    assert.equal(
      md,
      [
        '# Transcript: call 1.wav',
        '',
        'Duration 0:30 · 2 parties · 6 turns',
        '',
        '| Party | Track | Talk time | Share | Words |',
        '| --- | --- | --- | --- | --- |',
        '| Agent | channel 1 | 0:06 | 30% | 18 |',
        '| Customer | channel 2 | 0:14 | 70% | 21 |',
        '',
        '**[00:00:00] Agent:** Hello, thank you for calling. How can I help?',
        '',
        '**[00:00:04] Customer:** Hi, my card was declined.',
        '',
        '**[00:00:06] Agent:** I see, let me check that for you.',
        '',
        '**[00:00:08] Customer:** Okay. It says \\<error\\> \\& stuff.',
        '',
        '**[00:00:12] Agent:** Sure.',
        '',
        '**[00:00:16] Customer:** Could you please check why my card was declined yesterday?',
        '',
      ].join('\n'),
    );
    const named = formatConversation(conversation, 'md', { title: 'Call *42* | [draft]' });
    assert.ok(named.startsWith('# Call \\*42\\* \\| \\[draft\\]\n'));
  });

  it('json: parties, turns in ms and the analytics', () => {
    const json = JSON.parse(formatConversation(conversation, 'json'));
    assert.equal(json.source, 'https://example.blob.core.windows.net/calls/call%201.wav?…');
    assert.equal(json.durationMs, 30_000);
    assert.deepEqual(json.parties, conversation.parties);
    assert.deepEqual(json.turns[3], { partyId: 'ch1', party: 'Customer', startMs: 8800, endMs: 14_000, overlap: true, text: 'Okay. It says <error> & stuff.' });
    assert.equal(json.turns.length, 6);
    assert.deepEqual(json.analytics, computeAnalytics(conversation));
  });

  it('never prints the SAS signature of the source', () => {
    for (const format of TRANSCRIPT_FORMATS) {
      assert.doesNotMatch(formatConversation(conversation, format), /SECRET|sig=/, format);
    }
  });

  it('formats an empty result without cues', () => {
    const empty = mergeFile(loadTranscript('empty.json'));
    assert.equal(formatConversation(empty, 'txt'), '');
    assert.equal(formatConversation(empty, 'srt'), '');
    assert.equal(formatConversation(empty, 'vtt'), 'WEBVTT\n');
    assert.match(formatConversation(empty, 'md'), /^# Transcript: silence\.wav\n[\s\S]*_No speech was recognised\._\n$/);
  });

  it('says what damage was found in the audio before the transcript: text, Markdown, WebVTT (a NOTE) and JSON; SRT has no place for it', () => {
    const warnings = ['Only 0:23 of 0:42 could be decoded: the file ends early', 'Channel 2 --> is silent'];
    const damaged = { ...conversation, warnings };
    assert.match(formatConversation(damaged, 'txt'), /^Warning: Only 0:23 of 0:42 could be decoded: the file ends early\nWarning: Channel 2 --> is silent\n\[00:00:00\] Agent: /);
    assert.match(formatConversation(damaged, 'md'), /\n\n> \*\*Warning:\*\* Only 0:23 of 0:42 could be decoded: the file ends early\n\n> \*\*Warning:\*\* Channel 2 --\\> is silent\n\n\| Party/, 'escaped like all text');
    const vtt = formatConversation(damaged, 'vtt');
    assert.match(vtt, /^WEBVTT\n\nNOTE Warning: Only 0:23 of 0:42 could be decoded: the file ends early\n\nNOTE Warning: Channel 2 -> is silent\n\n/);
    // A player skips NOTE blocks: the cues are those of the undamaged export.
    assert.deepEqual(parseVtt(vtt.replace(/NOTE [^\n]*\n\n/g, '')), parseVtt(formatConversation(conversation, 'vtt')));
    assert.equal(formatConversation(damaged, 'srt'), formatConversation(conversation, 'srt'));
    assert.deepEqual(JSON.parse(formatConversation(damaged, 'json')).warnings, warnings);
    assert.equal(JSON.parse(formatConversation(conversation, 'json')).warnings, undefined);
  });

  it('rejects an unknown format', () => {
    assert.throws(() => formatConversation(conversation, 'docx' as never), /unknown transcript format: docx/);
  });
});

describe('redactSource', () => {
  it('drops query strings, fragments and credentials of URLs, and keeps paths', () => {
    assert.equal(redactSource('https://a.blob.core.windows.net/c/x.wav?sv=1&sig=abc%3D'), 'https://a.blob.core.windows.net/c/x.wav?…');
    assert.equal(redactSource('https://user:pw@host/x.wav#t=1'), 'https://host/x.wav');
    assert.equal(redactSource('/home/me/calls/x.wav'), '/home/me/calls/x.wav');
    assert.equal(redactSource('https://h/a.wav?s=1, https://h/b.wav?s=2'), 'https://h/a.wav?…, https://h/b.wav?…');
    assert.equal(sourceDisplayName('https://h/dir/call%201.wav?sig=x'), 'call 1.wav');
    assert.equal(sourceDisplayName('https://h/a.wav?s=1, /calls/b.wav'), 'a.wav, b.wav');
    assert.equal(sourceDisplayName('C:\\calls\\x.wav'), 'x.wav');
});
});
