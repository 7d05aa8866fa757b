import * as assert from 'node:assert/strict';
import { buildTranscriptionCreate, jobDisplayName, type JobOptions } from '../../src/vscode/jobRequest';

const defaults: JobOptions = {
  locale: 'en-US',
  wordLevelTimestamps: true,
  punctuationMode: 'DictatedAndAutomatic',
  profanityFilterMode: 'Masked',
  diarization: { enabled: false, maxSpeakers: 2 },
  timeToLiveHours: 48,
  customModel: '',
};

describe('job request (buildTranscriptionCreate)', () => {
  it('builds the submit body for a stereo call from the settings defaults', () => {
    assert.deepEqual(buildTranscriptionCreate('call.wav', ['file:///calls/call.wav'], defaults), {
      displayName: 'call.wav',
      locale: 'en-US',
      contentUrls: ['file:///calls/call.wav'],
      properties: {
        timeToLiveHours: 48,
        wordLevelTimestampsEnabled: true,
        displayFormWordLevelTimestampsEnabled: true,
        punctuationMode: 'DictatedAndAutomatic',
        profanityFilterMode: 'Masked',
        channels: [0, 1],
      },
    });
  });

  it('adds diarization (speakers clamped to 2..35) and a custom model when chosen', () => {
    const body = buildTranscriptionCreate('m.wav', ['file:///m.wav'], {
      ...defaults,
      diarization: { enabled: true, maxSpeakers: 50 },
      customModel: ' https://x/speechtotext/models/base/1 ',
    });
    assert.deepEqual(body.properties.diarization, { enabled: true, maxSpeakers: 35 });
    assert.deepEqual(body.model, { self: 'https://x/speechtotext/models/base/1' });
  });

  it('rejects a time to live outside 6..744 hours and an empty job', () => {
    assert.throws(() => buildTranscriptionCreate('a', ['file:///a.wav'], { ...defaults, timeToLiveHours: 5 }), /between 6 and 744/);
    assert.throws(() => buildTranscriptionCreate('a', [], defaults), /at least one audio file/);
  });

  it('names a job after its first file and the count of the others', () => {
    assert.equal(jobDisplayName(['/calls/a.wav']), 'a.wav');
    assert.equal(jobDisplayName(['/calls/a.wav', '/calls/b.wav', '/calls/c.mp3']), 'a.wav + 2 more');
    assert.equal(jobDisplayName(['/calls/a.wav', '/calls/b.wav'], (n) => `+ ${n} autres`), 'a.wav + 1 autres', 'the count is worded by the caller');
  });
});
