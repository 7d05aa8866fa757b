import { strict as assert } from 'node:assert';
import { mergeConversation, mergeFile, renameParties } from '../../src/core/merge';
import type { Conversation, Phrase, Transcript } from '../../src/core/model';
import { loadTranscript, stereoCall } from '../fixtures/results';

function phrase(channel: number, startMs: number, endMs: number, text: string, speaker?: number): Phrase {
  return { channel, speaker, startMs, endMs, text, lexical: text.toLowerCase(), words: [] };
}

function transcript(phrases: Phrase[], durationMs?: number): Transcript {
  return {
    source: 'call.wav',
    durationMs,
    channels: [...new Set(phrases.map((p) => p.channel))].sort(),
    phrases: [...phrases].sort((a, b) => a.startMs - b.startMs || a.channel - b.channel),
    combined: [],
  };
}

/** Turns as [party, start, end, text, overlap]. */
function turns(conversation: Conversation): [string, number, number, string, boolean][] {
  return conversation.turns.map((t) => [t.partyId, t.startMs, t.endMs, t.text, t.overlap]);
}

describe('mergeConversation', () => {
  it('interleaves a stereo call by time, joins close phrases of one party and marks crosstalk', () => {
    const conversation = stereoCall();
    assert.deepEqual(
      conversation.parties.map((p) => [p.id, p.name, p.channel]),
      [
        ['ch0', 'Agent', 0],
        ['ch1', 'Customer', 1],
      ],
    );
    assert.equal(conversation.durationMs, 30_000);
    assert.deepEqual(turns(conversation), [
      ['ch0', 500, 4000, 'Hello, thank you for calling. How can I help?', false],
      ['ch1', 4500, 5800, 'Hi, my card was declined.', false],
      ['ch0', 6000, 9000, 'I see, let me check that for you.', true],
      ['ch1', 8800, 14_000, 'Okay. It says <error> & stuff.', true],
      ['ch0', 12_500, 13_000, 'Sure.', true],
      ['ch1', 16_000, 25_000, 'Could you please check why my card was declined yesterday?', false],
    ]);
    assert.equal(conversation.turns[3].phrases.length, 2);
  });

  it('keeps every phrase apart with joinWithinMs 0, and joins more with a larger one', () => {
    assert.equal(stereoCall({ joinWithinMs: 0 }).turns.length, 8);
    // 2000 ms joins the customer's 14000 → 16000 pause too; the agent's "Sure." is a turn in between, though.
    assert.deepEqual(
      turns(stereoCall({ joinWithinMs: 2000 })).map(([party, start, end]) => [party, start, end]),
      [
        ['ch0', 500, 4000],
        ['ch1', 4500, 5800],
        ['ch0', 6000, 9000],
        ['ch1', 8800, 14_000],
        ['ch0', 12_500, 13_000],
        ['ch1', 16_000, 25_000],
      ],
    );
    assert.throws(() => stereoCall({ joinWithinMs: -1 }), RangeError);
  });

  it('joins only phrases with no other party starting in between', () => {
    const t = transcript([phrase(0, 0, 1000, 'One.'), phrase(1, 1200, 1300, 'Mm.'), phrase(0, 1500, 2000, 'Two.')]);
    assert.deepEqual(turns(mergeFile(t)), [
      ['ch0', 0, 1000, 'One.', false],
      ['ch1', 1200, 1300, 'Mm.', false],
      ['ch0', 1500, 2000, 'Two.', false],
    ]);
    const alone = transcript([phrase(0, 0, 1000, 'One.'), phrase(0, 2500, 3000, 'Two.'), phrase(0, 4501, 5000, 'Three.')]);
    assert.deepEqual(turns(mergeFile(alone)), [
      ['ch0', 0, 3000, 'One. Two.', false],
      ['ch0', 4501, 5000, 'Three.', false],
    ]);
  });

  it('orders ties by channel, then by file order (stable)', () => {
    const t = transcript([phrase(1, 1000, 2000, 'B'), phrase(0, 1000, 1500, 'A'), phrase(0, 1000, 1200, 'A2')]);
    assert.deepEqual(
      mergeFile(t, { joinWithinMs: 0 }).turns.map((turn) => turn.text),
      ['A', 'A2', 'B'],
    );
  });

  it('marks overlap only across parties, and not for back-to-back speech', () => {
    const t = transcript([phrase(0, 0, 1000, 'a'), phrase(1, 1000, 2000, 'b'), phrase(0, 2000, 3000, 'c'), phrase(1, 2999, 3500, 'd')]);
    assert.deepEqual(
      mergeFile(t, { joinWithinMs: 0 }).turns.map((turn) => turn.overlap),
      [false, false, true, true],
    );
    const self = transcript([phrase(0, 0, 1000, 'a'), phrase(0, 500, 1500, 'b')]);
    assert.deepEqual(
      mergeFile(self, { joinWithinMs: 0 }).turns.map((turn) => turn.overlap),
      [false, false],
    );
    // A long turn overlapped by a later short one from a third party, with a second party in between.
    const three = transcript([phrase(0, 0, 10_000, 'long'), phrase(1, 1000, 2000, 'x'), phrase(2, 9000, 9500, 'y')]);
    assert.deepEqual(
      mergeFile(three, { joinWithinMs: 0 }).turns.map((turn) => turn.overlap),
      [true, true, true],
    );
  });

  it('splits diarized mono by speaker, ties in speaker order', () => {
    const conversation = mergeFile(loadTranscript('diarized-mono.json'));
    assert.deepEqual(
      conversation.parties.map((p) => [p.id, p.name, p.speaker]),
      [
        ['spk1', 'Speaker 1', 1],
        ['spk2', 'Speaker 2', 2],
        ['spk3', 'Speaker 3', 3],
      ],
    );
    assert.deepEqual(turns(conversation), [
      ['spk1', 0, 1000, 'Good morning.', false],
      ['spk3', 1200, 2500, 'Morning.', false],
      ['spk1', 3000, 3500, 'Shall we start?', true],
      ['spk2', 3000, 4000, 'Hi both.', true],
      ['spk2', 6000, 7000, 'Yes.', false],
    ]);
    const byChannel = mergeFile(loadTranscript('diarized-mono.json'), { partyBy: 'channel' });
    assert.deepEqual(
      byChannel.parties.map((p) => p.name),
      ['Channel 1'],
    );
  });

  it('names parties by index, keeping defaults for blank names, and renames without changing the original', () => {
    const conversation = mergeFile(loadTranscript('diarized-mono.json'), { names: ['Host', ' ', 'Guest'] });
    assert.deepEqual(
      conversation.parties.map((p) => p.name),
      ['Host', 'Speaker 2', 'Guest'],
    );
    const renamed = renameParties(conversation, { spk2: 'Producer' });
    assert.deepEqual(
      renamed.parties.map((p) => p.name),
      ['Speaker 1', 'Producer', 'Speaker 3'],
    );
    assert.equal(conversation.parties[1].name, 'Speaker 2');
    assert.equal(renamed.turns, conversation.turns);
    assert.deepEqual(
      renameParties(stereoCall(), ['Support\n  desk']).parties.map((p) => p.name),
      ['Support desk', 'Channel 2'],
    );
  });

  it('keeps a silent channel of a stereo call as a party (from the combined text)', () => {
    const t = { ...transcript([phrase(0, 0, 1000, 'Hello?')]), combined: [0, 1].map((channel) => ({ channel, text: '', lexical: '' })) };
    assert.deepEqual(
      mergeFile(t).parties.map((p) => p.id),
      ['ch0', 'ch1'],
    );
  });

  it('merges an empty result into a conversation without turns that lasts as long as the audio', () => {
    const conversation = mergeConversation(loadTranscript('empty.json'));
    assert.deepEqual(conversation.turns, []);
    assert.deepEqual(conversation.parties, []);
    assert.equal(conversation.durationMs, 5000);
    assert.equal(mergeFile(transcript([phrase(0, 100, 900, 'x')])).durationMs, 900, 'no known duration: the last end');
  });

  it('merges several files as the time-aligned parties of one call, file i as channel i', () => {
    const agent = transcript([phrase(0, 0, 1000, 'Hello.'), phrase(0, 3000, 4000, 'Bye.')], 5000);
    const customer = { ...transcript([phrase(0, 1500, 2500, 'Hi.')], 6000), source: 'customer.wav' };
    const conversation = mergeConversation([agent, customer], { names: ['Agent', 'Customer'] });
    assert.equal(conversation.source, 'call.wav, customer.wav');
    assert.equal(conversation.durationMs, 6000);
    assert.deepEqual(turns(conversation), [
      ['ch0', 0, 1000, 'Hello.', false],
      ['ch1', 1500, 2500, 'Hi.', false],
      ['ch0', 3000, 4000, 'Bye.', false],
    ]);
    assert.deepEqual(mergeConversation([agent]), mergeFile(agent));
    const silent = { ...transcript([], 6000), channels: [] };
    assert.deepEqual(
      mergeConversation([agent, silent]).parties.map((p) => [p.id, p.name]),
      [
        ['ch0', 'Channel 1'],
        ['ch1', 'Channel 2'],
      ],
    );
    assert.throws(() => mergeConversation([]), RangeError);
    assert.throws(() => mergeConversation([agent, loadTranscript('stereo-call.json')]), /file 2 of 2 has 2 channels/);
  });

  it('merges a 2-hour call of 4000 phrases in order', () => {
    const phrases: Phrase[] = [];
    for (let i = 0; i < 4000; i++) phrases.push(phrase(i % 2, i * 1800, i * 1800 + 2000, `p${i}`));
    const conversation = mergeFile(transcript(phrases), { joinWithinMs: 0 });
    assert.equal(conversation.turns.length, 4000);
    assert.ok(conversation.turns.every((t, i) => t.text === `p${i}` && t.overlap));
  });
});
