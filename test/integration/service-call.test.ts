/**
 * A stereo call (flite voices, agent on the left channel, customer on the right) submitted through the HTTP API of
 * the real local service: the words of each channel, their attribution to the right party and the turn order.
 *
 * WER bound: pocketsphinx's generic en-US model on flite's synthetic voices measured, on this script, 0.13 (agent,
 * voice slt) and 0.08 (customer, voice rms) from the WAV, 0.11 and 0.13 from the 48 kbit/s MP3 (an earlier engine
 * build: up to 0.29). The bound of 0.35 keeps a margin over all of these, while a lost, swapped or garbled channel
 * gives 0.9 or more against its own party.
 * Turn times: start and end of every turn within 300 ms of the spoken audio (measured: at most 196 ms, the end of
 * a turn followed by a pause), well under what a reader of a timestamped transcript or subtitles would notice.
 */
import * as assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { mergeFile } from '../../src/core/merge';
import { parseResult } from '../../src/core/result';
import { wordErrorRate } from '../support/wer';
import type { TranscriptionResultFile } from '../../src/core/wire';
import { makeCall } from '../support/audio';
import { useService, waitForStatus } from '../support/service';

const MAX_WER = 0.35;
const MAX_TIME_OFFSET_MS = 300;

describe('local service transcribes a stereo call', function () {
  const ctx = useService();

  for (const kind of ['wav', 'mp3'] as const) {
    it(`gets each party's words, channel and turn order right (${kind})`, async function () {
      const call = makeCall();
      const created = await ctx.client.submit({
        displayName: `stereo ${kind}`,
        locale: 'en-US',
        contentUrls: [pathToFileURL(call[kind]).href],
        properties: { timeToLiveHours: 6, wordLevelTimestampsEnabled: true },
      });
      const done = await waitForStatus(ctx.client, created.self!, ['Succeeded', 'Failed'], 170_000);
      assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties.error));
      const [file] = await ctx.client.listFiles(created.self!);
      const result = await ctx.client.fetchContent<TranscriptionResultFile>(file!.links!.contentUrl!);
      const transcript = parseResult(result);
      assert.deepEqual(transcript.channels, [0, 1]);

      for (const channel of [0, 1]) {
        const reference = call.reference.filter((t) => t.channel === channel).map((t) => t.text).join(' ');
        const other = call.reference.filter((t) => t.channel !== channel).map((t) => t.text).join(' ');
        const heard = transcript.phrases.filter((p) => p.channel === channel).map((p) => p.lexical).join(' ');
        const own = wordErrorRate(reference, heard);
        const swapped = wordErrorRate(other, heard);
        console.log(`      channel ${channel} (${kind}): WER ${own.wer.toFixed(3)} against its party, ${swapped.wer.toFixed(3)} against the other`);
        assert.ok(own.wer <= MAX_WER, `channel ${channel}: WER ${own.wer.toFixed(3)} > ${MAX_WER}: "${heard}"`);
        assert.ok(swapped.wer > 0.8, `channel ${channel} holds the other party's words (WER ${swapped.wer.toFixed(3)})`);
      }

      const conversation = mergeFile(transcript, { names: ['Agent', 'Customer'] });
      assert.deepEqual(
        conversation.turns.map((t) => t.partyId),
        call.reference.map((t) => `ch${t.channel}`),
        'one turn per scripted turn, in the scripted order',
      );
      const offsets = conversation.turns.map((t, i) => [t.startMs - call.reference[i]!.startMs, t.endMs - call.reference[i]!.endMs]);
      console.log(`      turn start/end minus spoken (ms): ${offsets.map((o) => o.join('/')).join(' ')}`);
      offsets.forEach(([start, end], i) => {
        assert.ok(Math.abs(start!) <= MAX_TIME_OFFSET_MS && Math.abs(end!) <= MAX_TIME_OFFSET_MS, `turn ${i} is off by ${start}/${end} ms`);
      });
      assert.ok(conversation.turns.some((t) => t.overlap), 'the scripted crosstalk ("Okay.") is marked');
    });
  }
});
