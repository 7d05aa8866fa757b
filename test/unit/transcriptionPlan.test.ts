import * as assert from 'node:assert/strict';
import { planTranscription, type PlanInput } from '../../src/vscode/transcriptionPlan';

/** The limits as the header probe would find them: `long.wav` is over 2 hours. */
const fit = async (p: string) => (p.includes('long') ? { fits: false as const, reason: '02:30:00 long' } : { fits: true as const });
const files = ['/calls/a.wav', '/calls/long.wav', '/calls/b.wav'];
const base: PlanInput = { backend: 'azure', mode: 'auto', storageConfigured: false, phrases: [], customModel: '' };

describe('fast or batch, per file', () => {
  it('Azure with only a key: fast for the files within the limits; longer files are refused, not half-run', async () => {
    assert.deepEqual(await planTranscription(['/calls/a.wav', '/calls/b.wav'], base, fit), { fast: ['/calls/a.wav', '/calls/b.wav'], batch: [], refused: [] });
    assert.deepEqual(await planTranscription(files, base, fit), {
      fast: ['/calls/a.wav', '/calls/b.wav'],
      batch: [],
      refused: [{ path: '/calls/long.wav', reason: '02:30:00 long' }],
    });
  });

  it('Azure with storage: one batch job in auto mode; with mode fast, the files within the limits go fast and the rest batch', async () => {
    assert.deepEqual(await planTranscription(files, { ...base, storageConfigured: true }, fit), { fast: [], batch: files, refused: [] });
    assert.deepEqual(await planTranscription(files, { ...base, storageConfigured: true, mode: 'fast' }, fit), {
      fast: ['/calls/a.wav', '/calls/b.wav'],
      batch: ['/calls/long.wav'],
      refused: [],
    });
  });

  it('mode batch and a custom model always make a batch job', async () => {
    assert.deepEqual(await planTranscription(files, { ...base, mode: 'batch', storageConfigured: true }, fit), { fast: [], batch: files, refused: [] });
    assert.deepEqual(await planTranscription(files, { ...base, customModel: 'https://x/models/1' }, fit), { fast: [], batch: files, refused: [] });
  });

  it('local: batch, except one file when a phrase list is set (only fast transcription takes one)', async () => {
    const local = { ...base, backend: 'local' as const };
    assert.deepEqual(await planTranscription(['/calls/a.wav'], local, fit), { fast: [], batch: ['/calls/a.wav'], refused: [] });
    assert.deepEqual(await planTranscription(['/calls/a.wav'], { ...local, phrases: ['Contoso'] }, fit), { fast: ['/calls/a.wav'], batch: [], refused: [] });
    assert.deepEqual(await planTranscription(files, { ...local, phrases: ['Contoso'] }, fit), { fast: [], batch: files, refused: [] });
    assert.deepEqual(await planTranscription(['/calls/long.wav'], { ...local, phrases: ['Contoso'] }, fit), { fast: [], batch: ['/calls/long.wav'], refused: [] });
  });
});
