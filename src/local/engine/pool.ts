/**
 * A limit on how many engine runs (one per channel) execute at once, shared fairly between jobs. Every file of every
 * job of one recogniser shares the same pool, so the machine's cores are used but never oversubscribed. Waiting
 * tasks are grouped (the service groups by job): a freed slot goes to the group with the fewest running tasks,
 * ties to the group that was served longest ago, and within a group tasks start in arrival order. A short job
 * submitted behind a long one therefore gets the next free slot instead of waiting for the whole long job.
 */
interface Group {
  running: number;
  waiting: (() => void)[];
}

export class WorkPool {
  private running = 0;
  /** Groups with running or waiting tasks, least recently served first. */
  private readonly groups = new Map<string, Group>();
  private anonymous = 0;

  constructor(readonly size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`pool size must be a positive integer (got ${size})`);
  }

  /**
   * Runs `task` once a slot is free and it is the turn of its `group` (default: a group of its own). A task whose
   * `signal` aborts while it waits is never started.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal, group?: string): Promise<T> {
    const key = group ?? `\0${this.anonymous++}`;
    await this.acquire(key, signal);
    try {
      return await task();
    } finally {
      this.release(key);
    }
  }

  private group(key: string): Group {
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { running: 0, waiting: [] }));
    return group;
  }

  private acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const group = this.group(key);
    if (this.running < this.size) {
      this.start(key, group);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        group.waiting.splice(group.waiting.indexOf(grant), 1);
        this.forget(key, group);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      group.waiting.push(grant);
    });
  }

  private start(key: string, group: Group): void {
    this.running++;
    group.running++;
    // Served last: to the back of the order.
    this.groups.delete(key);
    this.groups.set(key, group);
  }

  private release(key: string): void {
    this.running--;
    const group = this.groups.get(key)!;
    group.running--;
    this.forget(key, group);
    let next: [string, Group] | undefined;
    for (const entry of this.groups) {
      if (entry[1].waiting.length > 0 && (!next || entry[1].running < next[1].running)) next = entry;
    }
    if (!next) return;
    const [nextKey, nextGroup] = next;
    this.start(nextKey, nextGroup);
    nextGroup.waiting.shift()!();
  }

  private forget(key: string, group: Group): void {
    if (group.running === 0 && group.waiting.length === 0) this.groups.delete(key);
  }
}
