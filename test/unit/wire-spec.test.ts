import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIsoDuration } from '../../src/core/ticks';
import {
  isTerminal,
  type PaginatedFiles,
  type PaginatedTranscriptions,
  type Transcription,
  type TranscriptionFile,
  type TranscriptionProperties,
} from '../../src/core/wire';

const SPEC_DIR = join(__dirname, '..', '..', 'spec');

interface SpecDefinition {
  properties?: Record<string, unknown>;
  required?: string[];
}
const spec = JSON.parse(readFileSync(join(SPEC_DIR, 'speechtotext.json'), 'utf8')) as { definitions: Record<string, SpecDefinition> };

function exampleBody(name: string): unknown {
  const example = JSON.parse(readFileSync(join(SPEC_DIR, 'examples', name), 'utf8')) as { responses: Record<string, { body: unknown }> };
  return example.responses['200'].body;
}

// Every key of a wire type, checked by the compiler: adding or removing a field in wire.ts breaks these.
const TRANSCRIPTION_KEYS: Record<keyof Transcription, true> = {
  self: true, displayName: true, description: true, customProperties: true, locale: true, createdDateTime: true,
  lastActionDateTime: true, contentUrls: true, contentContainerUrl: true, model: true, dataset: true, links: true,
  properties: true, status: true,
};
const PROPERTIES_KEYS: Record<keyof TranscriptionProperties, true> = {
  wordLevelTimestampsEnabled: true, displayFormWordLevelTimestampsEnabled: true, channels: true, punctuationMode: true,
  profanityFilterMode: true, destinationContainerUrl: true, timeToLiveHours: true, languageIdentification: true,
  diarization: true, error: true, durationMilliseconds: true,
};
const FILE_KEYS: Record<keyof TranscriptionFile, true> = {
  self: true, name: true, kind: true, links: true, properties: true, createdDateTime: true,
};

function keysOf(value: unknown): string[] {
  return Object.keys(value as object).sort();
}

describe('wire.ts against the vendored 2024-11-15 spec', () => {
  it('has exactly the fields of the spec definitions', () => {
    const cases: [string, object][] = [
      ['Transcription', TRANSCRIPTION_KEYS],
      ['TranscriptionProperties', PROPERTIES_KEYS],
      ['File', FILE_KEYS],
    ];
    for (const [definition, keys] of cases) {
      assert.deepEqual(keysOf(keys), keysOf(spec.definitions[definition].properties), definition);
    }
    assert.deepEqual(spec.definitions.Transcription.required, ['displayName', 'locale', 'properties']);
    assert.deepEqual(spec.definitions.TranscriptionProperties.required, ['timeToLiveHours']);
  });

  it('reads the get_transcription example as a Transcription', () => {
    const transcription = exampleBody('get_transcription.json') as Transcription;
    for (const key of Object.keys(transcription)) assert.ok(key in TRANSCRIPTION_KEYS, key);
    for (const key of Object.keys(transcription.properties)) assert.ok(key in PROPERTIES_KEYS, key);
    assert.equal(transcription.status, 'Succeeded');
    assert.ok(isTerminal(transcription.status));
    assert.equal(transcription.locale, 'en-US');
    assert.equal(transcription.properties.timeToLiveHours, 48);
    assert.equal(transcription.properties.durationMilliseconds, 42_000);
    assert.deepEqual(transcription.properties.channels, [0, 1]);
    assert.match(transcription.links?.files ?? '', /\/transcriptions\/ba7ea6f5-3065-40b7-b49a-a90f48584683\/files\?/);
  });

  it('reads the file list example as PaginatedFiles of result files', () => {
    const files = exampleBody('get_transcription_files.json') as PaginatedFiles;
    assert.deepEqual(
      files.values.map((f) => [f.name, f.kind, f.properties?.size]),
      [
        ['mywavefile1.wav.json', 'Transcription', 200],
        ['mywavefile2.wav.json', 'Transcription', 200],
      ],
    );
    for (const file of files.values) for (const key of Object.keys(file)) assert.ok(key in FILE_KEYS, key);
    assert.match(files['@nextLink'] ?? '', /skip=2&top=2/);
  });

  it('knows the v3.x leftovers of the list example (documented quirk), whose duration matches the 2024 one', () => {
    const list = exampleBody('get_transcriptions.json') as PaginatedTranscriptions;
    const unknown = new Set(list.values.flatMap((t) => Object.keys(t.properties).filter((key) => !(key in PROPERTIES_KEYS))));
    assert.deepEqual([...unknown].sort(), ['diarizationEnabled', 'duration', 'timeToLive']);
    const v3 = list.values[0].properties as unknown as { duration: string; timeToLive: string };
    assert.equal(parseIsoDuration(v3.duration), 42_000);
    assert.equal(parseIsoDuration(v3.timeToLive) / 3_600_000, 48);
    assert.deepEqual(
      list.values.map((t) => t.status),
      ['Succeeded', 'Failed'],
    );
  });
});
