/**
 * The one shape of disposal in the VS Code layer (as GitHub Pull Requests' `src/common/lifecycle.ts`): a class that
 * owns listeners, emitters or timers extends {@link Disposable}, hands each of them to `_register` and is disposed
 * once; disposing again does nothing. Only types come from `vscode`, so this is unit-tested without VS Code.
 */
import type * as vscode from 'vscode';

/** Anything with a `dispose()` (a `vscode.Disposable`, an `EventEmitter`, a webview panel…). */
export interface IDisposable {
  dispose(): unknown;
}

/** A disposable that runs `fn` once when disposed (e.g. clearing a timer). */
export function toDisposable(fn: () => void): vscode.Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Disposes every item, even when one of them throws (the first error is rethrown after all ran). */
export function disposeAll(items: readonly IDisposable[]): void {
  let first: unknown;
  for (const item of items) {
    try {
      item.dispose();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

export abstract class Disposable implements vscode.Disposable {
  private _isDisposed = false;
  private readonly _registered: IDisposable[] = [];

  /** Whether {@link dispose} ran. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Disposes what was registered, newest first, once. Subclasses that override it call `super.dispose()` and
   * return early when {@link isDisposed} is already true.
   */
  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    disposeAll(this._registered.splice(0).reverse());
  }

  /** Disposes `item` with this object (at once if this object is already disposed); returns it. */
  protected _register<T extends IDisposable>(item: T): T {
    if (this._isDisposed) item.dispose();
    else this._registered.push(item);
    return item;
  }
}
