import * as assert from 'node:assert/strict';
import { Disposable, disposeAll, toDisposable } from '../../src/vscode/lifecycle';

class Owner extends Disposable {
  register(fn: () => void): void {
    this._register(toDisposable(fn));
  }
}

describe('Disposable (src/vscode/lifecycle.ts)', () => {
  it('disposes what was registered once, newest first', () => {
    const order: string[] = [];
    const owner = new Owner();
    owner.register(() => order.push('first'));
    owner.register(() => order.push('second'));
    assert.equal(owner.isDisposed, false);
    owner.dispose();
    owner.dispose();
    assert.equal(owner.isDisposed, true);
    assert.deepEqual(order, ['second', 'first']);
  });

  it('disposes at once what is registered after it was disposed', () => {
    const owner = new Owner();
    owner.dispose();
    let disposed = false;
    owner.register(() => (disposed = true));
    assert.equal(disposed, true);
  });

  it('disposes every item even when one throws, then rethrows the first error', () => {
    const ran: number[] = [];
    const items = [
      toDisposable(() => ran.push(1)),
      toDisposable(() => {
        throw new Error('boom');
      }),
      toDisposable(() => ran.push(3)),
    ];
    assert.throws(() => disposeAll(items), /boom/);
    assert.deepEqual(ran, [1, 3]);
  });
});
