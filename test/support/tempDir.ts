/**
 * Test helper: a fresh temp folder for a mocha suite, made in a `before` hook and removed with all it holds in an
 * `after` hook (or, with `{ eachTest: true }`, in `beforeEach`/`afterEach`: a new, empty one for every test).
 *
 * ```ts
 * describe('store', function () {
 *   const dir = useTempDir('speech-batch-store-', { eachTest: true });
 *   it('writes', () => fs.writeFileSync(path.join(dir(), 'x'), '1'));
 * });
 * ```
 * Mocha runs hooks of one kind in the order they were added: hooks added after this call can fill the folder in
 * their `before`, and see it already removed in their `after` (so stop anything that writes into it in a hook added
 * before this call, or remove such a folder yourself).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TempDirOptions {
  /** A new folder for every test (beforeEach/afterEach) instead of one for the whole suite (before/after). */
  eachTest?: boolean;
}

/** Registers the hooks; returns a getter for the folder's path, which throws outside the hooks' lifetime. */
export function useTempDir(prefix: string, options: TempDirOptions = {}): () => string {
  let dir: string | undefined;
  const make = (): void => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  };
  const remove = (): void => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  };
  if (options.eachTest) {
    beforeEach(make);
    afterEach(remove);
  } else {
    before(make);
    after(remove);
  }
  return () => {
    if (!dir) throw new Error(`the temp folder ${prefix}* exists only while the suite's tests run (useTempDir was called in another suite, or its hook has not run)`);
    return dir;
  };
}
