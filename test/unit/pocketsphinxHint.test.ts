import * as assert from 'node:assert/strict';
import { PocketsphinxEngine } from '../../src/local/engine/pocketsphinx';
import { isPocketsphinxMissing } from '../../src/local/launcher';

describe('pocketsphinx missing (isPocketsphinxMissing)', () => {
  async function checkFailure(engine: PocketsphinxEngine): Promise<string> {
    try {
      await engine.check();
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('check() passed');
  }

  it('recognises what the engine says when the binary or the model is missing', async () => {
    assert.equal(isPocketsphinxMissing(await checkFailure(new PocketsphinxEngine({ binary: '/nonexistent/pocketsphinx_continuous' }))), true);
    assert.equal(isPocketsphinxMissing(await checkFailure(new PocketsphinxEngine({ modelDir: '/nonexistent/model' }))), true);
  });

  it('does not mistake other failures for it', () => {
    assert.equal(isPocketsphinxMissing('The audio file is empty.'), false);
    assert.equal(isPocketsphinxMissing('pocketsphinx exited with code 1 while decoding channel 2'), false);
  });
});
