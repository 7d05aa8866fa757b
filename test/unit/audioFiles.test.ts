import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { expandAudioPaths, isAudioPath } from '../../src/core/audioFiles';
import { useTempDir } from '../support/tempDir';

describe('audio selection (expandAudioPaths)', () => {
  const root = useTempDir('speech-batch-audio-');

  before(async () => {
    for (const file of ['b.wav', 'a.MP3', 'notes.txt', 'sub/c.wav', 'sub/deeper/d.mp3', 'sub/g.flac', 'sub/h.M4A', '.hidden/e.wav', 'node_modules/f.wav']) {
      await fs.mkdir(path.dirname(path.join(root(), file)), { recursive: true });
      await fs.writeFile(path.join(root(), file), 'x');
    }
  });

  it('expands a folder recursively to its audio files (.wav, .mp3, .flac, .m4a, …), sorted, skipping hidden folders and node_modules', async () => {
    const files = await expandAudioPaths([root()]);
    assert.deepEqual(
      files.map((f) => path.relative(root(), f)),
      ['a.MP3', 'b.wav', path.join('sub', 'c.wav'), path.join('sub', 'deeper', 'd.mp3'), path.join('sub', 'g.flac'), path.join('sub', 'h.M4A')],
    );
  });

  it('keeps selected files in selection order, drops non-audio files and duplicates', async () => {
    const files = await expandAudioPaths([
      path.join(root(), 'sub', 'c.wav'),
      path.join(root(), 'notes.txt'),
      path.join(root(), 'sub'),
      path.join(root(), 'b.wav'),
    ]);
    assert.deepEqual(
      files.map((f) => path.relative(root(), f)),
      [path.join('sub', 'c.wav'), path.join('sub', 'deeper', 'd.mp3'), path.join('sub', 'g.flac'), path.join('sub', 'h.M4A'), 'b.wav'],
    );
  });

  it('fails clearly for a path that does not exist', async () => {
    await assert.rejects(expandAudioPaths([path.join(root(), 'missing.wav')]), /ENOENT/);
  });

  it('recognises audio by extension, case-insensitively', () => {
    assert.equal(isAudioPath('/x/CALL.WAV'), true);
    assert.equal(isAudioPath('/x/call.wav.txt'), false);
  });
});
