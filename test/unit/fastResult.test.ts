import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { probeAudioHeader } from '../../src/core/audioHeader';
import { definitionFor } from '../../src/core/client';
import { fastDefinition, fastTranscriptionFit } from '../../src/core/fastFlow';
import { resultFileFromTranscribe, transcribeResultFromFile } from '../../src/core/fastResult';
import { mergeFile } from '../../src/core/merge';
import { parseResult } from '../../src/core/result';
import type { TranscribeResult } from '../../src/core/wire';
import { useTempDir } from '../support/tempDir';

const SPEC = path.resolve(__dirname, '..', '..', 'spec');
const example = (name: string): TranscribeResult => JSON.parse(fs.readFileSync(path.join(SPEC, 'examples-2025-10-15', name), 'utf8')).responses['200'].body;

/** Writes a WAV of silence of this length (a sparse file: no disk space for the samples). */
function writeWav(file: string, channels: number, sampleRate: number, dataBytes: number): void {
  fs.writeFileSync(file, wav(channels, sampleRate, dataBytes));
  fs.truncateSync(file, 44 + dataBytes);
}

function wav(channels: number, sampleRate: number, dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

describe('fast transcription results and requests', () => {
  it("the spec's example answer reads as a transcript like a batch result: text, times, words, locale, confidence", () => {
    const transcript = parseResult(resultFileFromTranscribe(example('transcribe_file.json'), 'weather.wav'));
    assert.equal(transcript.source, 'weather.wav');
    assert.equal(transcript.durationMs, 2000);
    assert.deepEqual(
      transcript.phrases.map((p) => [p.channel, p.startMs, p.endMs, p.text, p.locale, p.confidence]),
      [[0, 40, 360, 'Weather', 'en-US', 0.78983736]],
    );
    assert.deepEqual(transcript.phrases[0]!.words.map((w) => [w.text, w.startMs, w.endMs, w.confidence]), [['weather', 40, 360, undefined]]);
  });

  it('a stereo answer keeps its parties apart (channels) and diarized speakers, in time order', () => {
    const answer: TranscribeResult = {
      durationMilliseconds: 9000,
      combinedPhrases: [{ channel: 0, text: 'Hello. Bye.' }, { channel: 1, text: 'Hi.' }],
      phrases: [
        { channel: 0, offsetMilliseconds: 5000, durationMilliseconds: 500, text: 'Bye.', confidence: 0.8 },
        { channel: 1, offsetMilliseconds: 1500, durationMilliseconds: 700, text: 'Hi.', confidence: 0.7, speaker: 2 },
        { channel: 0, offsetMilliseconds: 100, durationMilliseconds: 900, text: 'Hello.', confidence: 0.9 },
      ],
    };
    const conversation = mergeFile(parseResult(resultFileFromTranscribe(answer, 'call.wav')), { names: ['Agent', 'Customer'] });
    assert.deepEqual(conversation.turns.map((t) => [conversation.parties.find((p) => p.id === t.partyId)?.name, t.text]), [
      ['Agent', 'Hello.'],
      ['Customer', 'Hi.'],
      ['Agent', 'Bye.'],
    ]);
    // Back again: what the local service answers from its result file.
    const back = transcribeResultFromFile(resultFileFromTranscribe(answer, 'call.wav'), { channelsGiven: true });
    assert.deepEqual(back.phrases.map((p) => [p.channel, p.offsetMilliseconds, p.text, p.speaker]), [
      [0, 100, 'Hello.', undefined],
      [1, 1500, 'Hi.', 2],
      [0, 5000, 'Bye.', undefined],
    ]);
    assert.deepEqual(back.combinedPhrases, answer.combinedPhrases);
    const joint = transcribeResultFromFile(resultFileFromTranscribe(answer, 'call.wav'), { channelsGiven: false, locale: 'en-US' });
    assert.deepEqual(joint.combinedPhrases, [{ text: 'Hello. Hi. Bye.' }]);
    assert.ok(joint.phrases.every((p) => p.channel === undefined && p.locale === 'en-US'));
  });

  it("damage the local service adds to its answer (`warnings`) reaches the transcript; Azure's answer, without it, reads as sound", () => {
    const damaged = { ...example('transcribe_file.json'), warnings: [{ code: 'AudioTruncated', message: 'Only 0:23 of 0:42 could be decoded: the file ends early' }] };
    assert.deepEqual(parseResult(resultFileFromTranscribe(damaged, 'cut.wav')).warnings, ['Only 0:23 of 0:42 could be decoded: the file ends early']);
    assert.equal(parseResult(resultFileFromTranscribe(example('transcribe_file.json'), 'weather.wav')).warnings, undefined);
    assert.ok(!('warnings' in resultFileFromTranscribe(example('transcribe_file.json'), 'weather.wav')), 'no empty list in the kept result file');
    // A tolerant reader: entries without a message are skipped, a missing code is filled in, a non-list is ignored.
    const odd = { ...example('transcribe_file.json'), warnings: [null, 'text', { code: 'AudioSilent' }, { message: 'Damaged audio from 0:16 on' }] } as unknown as TranscribeResult;
    assert.deepEqual(resultFileFromTranscribe(odd, 'odd.wav').warnings, [{ code: 'AudioDamaged', message: 'Damaged audio from 0:16 on' }]);
    assert.ok(!('warnings' in resultFileFromTranscribe({ ...example('transcribe_file.json'), warnings: 'bad' } as unknown as TranscribeResult, 'x.wav')));
    // The service's side: a result file's warnings go into its answer, none when there are none.
    const file = resultFileFromTranscribe(damaged, 'cut.wav');
    assert.deepEqual(transcribeResultFromFile(file, { channelsGiven: false }).warnings, damaged.warnings);
    assert.ok(!('warnings' in transcribeResultFromFile({ ...file, warnings: [] }, { channelsGiven: false })));
  });

  it('sends each api-version only the fields it has, and says which it left out', () => {
    const definition = { locales: ['en-US'], models: { 'en-US': 'https://x/models/base/1' }, phraseList: { phrases: ['Contoso'], biasingWeight: 1.5 }, enhancedMode: { enabled: false } };
    assert.deepEqual(definitionFor('2025-10-15', definition), {
      definition: { locales: ['en-US'], phraseList: { phrases: ['Contoso'], biasingWeight: 1.5 }, enhancedMode: { enabled: false } },
      dropped: ['models'],
    });
    assert.deepEqual(definitionFor('2024-11-15', definition), {
      definition: { locales: ['en-US'], models: { 'en-US': 'https://x/models/base/1' }, phraseList: { phrases: ['Contoso'] } },
      dropped: ['enhancedMode', 'phraseList.biasingWeight'],
    });
    assert.deepEqual(definition.phraseList.biasingWeight, 1.5, 'the caller’s definition is not changed');
  });

  describe('from the file header', () => {
    const dir = useTempDir('fast-header-');

    it('asks for two channels separately, diarizes mono where asked, and passes the phrase list once per phrase', async () => {
      const stereo = path.join(dir(), 'stereo.wav');
      const mono = path.join(dir(), 'mono.wav');
      writeWav(stereo, 2, 8000, 8000 * 2 * 2 * 60);
      writeWav(mono, 1, 8000, 8000 * 2 * 60);
      assert.deepEqual(await probeAudioHeader(stereo), { channels: 2, durationMs: 60_000 });
      const choices = { locale: 'en-GB', diarization: { enabled: true, maxSpeakers: 99 }, phrases: [' Contoso ', 'Contoso', '', 'Jane Doe'] };
      assert.deepEqual(await fastDefinition(stereo, choices), { locales: ['en-GB'], channels: [0, 1], phraseList: { phrases: ['Contoso', 'Jane Doe'] } });
      assert.deepEqual(await fastDefinition(mono, { ...choices, phrases: [] }), { locales: ['en-GB'], diarization: { enabled: true, maxSpeakers: 35 } });
    });

    it('sends files of 2 hours or more to batch, by their header', async () => {
      const long = path.join(dir(), 'long.wav');
      writeWav(long, 1, 8000, 8000 * 2 * 7200);
      const short = path.join(dir(), 'short.wav');
      writeWav(short, 1, 8000, 8000 * 2 * 7199);
      assert.deepEqual(await fastTranscriptionFit(short), { fits: true });
      const fit = await fastTranscriptionFit(long);
      assert.equal(fit.fits, false);
      assert.match((fit as { reason: string }).reason, /02:00:00 long \(fast transcription takes less than 2 hours\)/);
    });
  });
});
