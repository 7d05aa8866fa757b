/**
 * The files and folders `file://` inputs may come from. The service reads nothing else: with no allowed path at all,
 * every `file://` input fails. Paths are compared after resolving symlinks (realpath), so a link inside an allowed
 * folder cannot reach outside it.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export class AllowedPaths {
  private readonly roots = new Set<string>();

  constructor(paths: readonly string[] = []) {
    this.add(paths);
  }

  /** Adds absolute paths (files or folders). Throws a RangeError naming the first relative one, adding none. */
  add(paths: readonly string[]): void {
    const relative = paths.find((p) => !path.isAbsolute(p));
    if (relative !== undefined) throw new RangeError(`"${relative}" is not an absolute path`);
    for (const p of paths) this.roots.add(path.resolve(p));
  }

  get size(): number {
    return this.roots.size;
  }

  /**
   * Whether `file` (absolute) lies in an allowed folder or is an allowed file, both sides resolved to their real
   * paths. A file that does not exist is judged by where its path leads, so the answer tells nothing about what exists
   * outside the allowed folders.
   */
  async allows(file: string): Promise<boolean> {
    const target = await realpathOr(file);
    for (const root of this.roots) {
      const real = await realpathOr(root);
      if (target === real || target.startsWith(real.endsWith(path.sep) ? real : real + path.sep)) return true;
    }
    return false;
  }
}

/** The real path of `p`; for a path that does not exist, the real path of its nearest existing ancestor plus the rest. */
async function realpathOr(p: string): Promise<string> {
  const resolved = path.resolve(p);
  try {
    return await fs.realpath(resolved);
  } catch {
    const parent = path.dirname(resolved);
    return parent === resolved ? resolved : path.join(await realpathOr(parent), path.basename(resolved));
  }
}
