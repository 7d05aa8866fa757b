/**
 * The whole Azure-style chain with real parts: stereo calls uploaded to Azurite, read through their SAS by the real
 * local batch transcription service, results read back with the SpeechClient.
 */
import * as assert from 'node:assert/strict';
import { blobTarget, containerSasForListing, uploadForTranscription } from '../../src/core/blob';
import { isTerminal, type Transcription, type TranscriptionCreate, type TranscriptionResultFile } from '../../src/core/wire';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { useService } from '../support/service';
import { delay, withTimeout } from '../support/timeouts';
import { makeCall, type Turn } from '../support/audio';

/** Two short calls: the agent (left, channel 0) speaks first, then the customer (right, channel 1). */
const BILLING: readonly Turn[] = [
  { channel: 0, text: 'Thank you for calling. How can I help you today?' },
  { channel: 1, text: 'Hello, my internet connection keeps dropping.' },
];
const DELIVERY: readonly Turn[] = [
  { channel: 0, text: 'Good morning, this is the delivery desk.' },
  { channel: 1, text: 'My parcel did not arrive yesterday.' },
];

describe('Azure upload → local service → results', function () {
  let azurite: RunningAzurite;
  const ctx = useService();
  let billing: string;
  let delivery: string;

  before(async function () {
    billing = makeCall(undefined, BILLING).wav;
    delivery = makeCall(undefined, DELIVERY).wav;
    azurite = await startAzurite();
  });

  after(async function () {
    await azurite?.stop();
  });

  function job(source: Pick<TranscriptionCreate, 'contentUrls' | 'contentContainerUrl'>): TranscriptionCreate {
    return {
      displayName: 'azure chain',
      locale: 'en-US',
      ...source,
      properties: { timeToLiveHours: 6, channels: [0, 1], wordLevelTimestampsEnabled: true },
    };
  }

  async function finished(created: Transcription): Promise<Transcription> {
    return withTimeout(
      async (signal) => {
        for (;;) {
          const { transcription } = await ctx.client.get(created.self!);
          if (isTerminal(transcription.status)) return transcription;
          await delay(250, signal);
        }
      },
      120_000,
      () => `job ${created.self} did not finish. Service log:\n${ctx.service.stderr()}`,
    );
  }

  async function results(transcription: Transcription): Promise<TranscriptionResultFile[]> {
    const files = await ctx.client.listFiles(transcription.self!);
    const transcriptions = files.filter((file) => file.kind === 'Transcription').sort((a, b) => a.name!.localeCompare(b.name!));
    return Promise.all(transcriptions.map((file) => ctx.client.fetchContent<TranscriptionResultFile>(file.links!.contentUrl!)));
  }

  /** How many words of `line` the recogniser heard on `channel` (pocketsphinx on synthetic voices is rough). */
  function heard(result: TranscriptionResultFile, channel: number, line: string): number {
    const words = new Set(
      (result.recognizedPhrases ?? [])
        .filter((phrase) => phrase.channel === channel)
        .flatMap((phrase) => (phrase.nBest?.[0]?.lexical ?? '').split(' ')),
    );
    return [...new Set(line.toLowerCase().match(/[a-z']+/g))].filter((word) => words.has(word)).length;
  }

  /** Every line of the script was heard on its own channel: at least two of its words, more than on the other one. */
  function whoSaidWhat(result: TranscriptionResultFile, script: readonly Turn[]): boolean {
    return script.every((turn) => {
      const own = heard(result, turn.channel, turn.text);
      return own >= 2 && own > heard(result, 1 - turn.channel, turn.text);
    });
  }

  function spoken(result: TranscriptionResultFile): string {
    return JSON.stringify((result.recognizedPhrases ?? []).map((p) => `${p.channel}: ${p.nBest?.[0]?.lexical}`));
  }

  it('transcribes both channels of a call the service reads through its read-only SAS', async function () {
    const target = blobTarget(azurite.connectionString, 'chain-calls');
    const [uploaded] = await uploadForTranscription(target, [{ path: billing }], { ttlHours: 6 });

    const done = await finished(await ctx.client.submit(job({ contentUrls: [uploaded.readUrl] })));

    assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties?.error));
    const [result] = await results(done);
    assert.ok(whoSaidWhat(result, BILLING), spoken(result));
    const firstStart = (channel: number) =>
      Math.min(...result.recognizedPhrases!.filter((p) => p.channel === channel).map((p) => p.offsetInTicks!));
    assert.ok(firstStart(0) < firstStart(1), 'the agent (left) speaks before the customer (right)');
  });

  it('transcribes every call in a container given by contentContainerUrl', async function () {
    const target = blobTarget(azurite.connectionString, 'chain-container');
    await uploadForTranscription(target, [{ path: billing }, { path: delivery }], { ttlHours: 6 });

    const done = await finished(await ctx.client.submit(job({ contentContainerUrl: containerSasForListing(target, 6) })));

    assert.equal(done.status, 'Succeeded', JSON.stringify(done.properties?.error));
    const files = await results(done);
    assert.equal(files.length, 2);
    const summary = files.map(spoken).join('\n');
    assert.equal(files.filter((result) => whoSaidWhat(result, BILLING)).length, 1, summary);
    assert.equal(files.filter((result) => whoSaidWhat(result, DELIVERY)).length, 1, summary);
  });

  it('fails the job, not the service, when the read SAS no longer works', async function () {
    const target = blobTarget(azurite.connectionString, 'chain-expired');
    const [uploaded] = await uploadForTranscription(target, [{ path: billing }], { ttlHours: 6 });
    const url = new URL(uploaded.readUrl);
    const forged = Buffer.alloc(32, 1).toString('base64');
    url.searchParams.set('sig', forged);

    const done = await finished(await ctx.client.submit(job({ contentUrls: [url.toString()] })));

    assert.equal(done.status, 'Failed');
    const shown = JSON.stringify(done);
    assert.ok(!shown.includes(forged) && !shown.includes(encodeURIComponent(forged)), 'the SAS signature leaked into the job');
  });
});
