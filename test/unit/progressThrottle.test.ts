import * as assert from 'node:assert/strict';
import { throttledByteProgress, type ProgressStep } from '../../src/vscode/progressThrottle';

describe('upload progress (throttledByteProgress)', () => {
  it('reports growing whole percentages at most once per interval, and always the final 100 %', () => {
    const steps: ProgressStep[] = [];
    let clock = 0;
    const onBytes = throttledByteProgress((s) => steps.push(s), (p, f) => `${f} ${p}%`, 250, () => clock);
    const total = 1000;
    for (let sent = 10; sent <= total; sent += 10) {
      clock += 50; // 100 chunks, 50 ms apart: 5 s in all
      onBytes(sent, total, 'call.wav');
    }
    assert.equal(steps.length, 21); // 1 %, then every 250 ms (5 chunks): 6 %, 11 %, … 96 %, and 100 %
    assert.equal(steps.reduce((sum, s) => sum + (s.increment ?? 0), 0), 100);
    assert.equal(steps.at(-1)?.message, 'call.wav 100%');
  });

  it('never reports a percentage twice or backwards', () => {
    const steps: ProgressStep[] = [];
    let clock = 0;
    const onBytes = throttledByteProgress((s) => steps.push(s), (p) => `${p}`, 0, () => (clock += 1000));
    onBytes(500, 1000, 'a');
    onBytes(500, 1000, 'a');
    onBytes(400, 1000, 'a');
    onBytes(0, 0, 'empty');
    assert.deepEqual(steps, [{ message: '50', increment: 50 }, { message: '100', increment: 50 }]);
  });
});
