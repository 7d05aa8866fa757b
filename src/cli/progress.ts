/**
 * The progress of `speech-batch transcribe` on stderr: files done of the total, hours of audio done and the time
 * left, estimated from the audio still to do and the speed measured so far. On a terminal it is one line redrawn in
 * place (\r); in a log (stderr not a TTY) it is a plain line now and then, when the count changed. The estimate is
 * pure (unit-tested); {@link ProgressLine} only writes.
 */
import { isSameSource, resultIndex } from '../core/jobFlow';
import type { TranscriptionFile, TranscriptionReportFile } from '../core/wire';

/** What is known about the files of a running job. */
export interface BatchProgress {
  total: number;
  /** Transcribed or failed. */
  done: number;
  failed: number;
  /** Length of the audio transcribed so far, ms. */
  audioDoneMs: number;
  /** Estimated time left, ms; undefined until something was transcribed. */
  remainingMs?: number;
}

/** One input of the job, as the CLI knows it before submitting. */
export interface ProgressInput {
  url: string;
  /** Size of a local file, bytes (URLs: unknown). */
  bytes?: number;
}

/**
 * The progress of a job from what its files listing says (result files with their audio length, and the partial
 * report.json's failures), `elapsedMs` after it started running. The audio still to do is estimated from the sizes
 * of the files not done (at the audio per byte measured on the files done), or, where sizes are unknown, at the
 * average length of the files done; the time left is that audio at the speed measured so far.
 */
export function measureProgress(
  inputs: readonly ProgressInput[],
  results: readonly TranscriptionFile[],
  report: Pick<TranscriptionReportFile, 'details'> | undefined,
  elapsedMs: number,
): BatchProgress {
  const done = new Set<number>();
  let audioDoneMs = 0;
  let audioOfSized = 0;
  let bytesOfSized = 0;
  for (const file of results) {
    const index = resultIndex(file);
    if (index === undefined || index >= inputs.length || done.has(index)) continue;
    done.add(index);
    const ms = file.properties?.durationMilliseconds ?? 0;
    audioDoneMs += ms;
    const bytes = inputs[index]!.bytes;
    if (bytes && ms > 0) {
      audioOfSized += ms;
      bytesOfSized += bytes;
    }
  }
  const transcribed = done.size;
  let failed = 0;
  for (const detail of report?.details ?? []) {
    if (detail.status === 'Succeeded') continue;
    const index = inputs.findIndex((input, i) => !done.has(i) && isSameSource(detail.source, input.url));
    if (index < 0) continue;
    done.add(index);
    failed++;
  }
  const progress: BatchProgress = { total: inputs.length, done: done.size, failed, audioDoneMs };
  if (audioDoneMs > 0 && elapsedMs > 0 && transcribed > 0) {
    const msPerByte = bytesOfSized > 0 ? audioOfSized / bytesOfSized : undefined;
    const averageMs = audioDoneMs / transcribed;
    let audioLeftMs = 0;
    inputs.forEach((input, i) => {
      if (!done.has(i)) audioLeftMs += input.bytes && msPerByte ? input.bytes * msPerByte : averageMs;
    });
    progress.remainingMs = Math.round(audioLeftMs / (audioDoneMs / elapsedMs));
  }
  return progress;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** "2.41 h" of audio (a call-centre batch is counted in hours), "12.5 min" under an hour. */
export function audioAmount(ms: number): string {
  return ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(2)} h` : `${(ms / 60_000).toFixed(1)} min`;
}

/** "about 12 min", "about 1 h 5 min", "less than a minute". */
export function timeLeft(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return 'less than a minute';
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/** "412 of 1,000 files done (3 failed), 2.41 h of audio, about 12 min left". */
export function progressText(p: BatchProgress): string {
  const failed = p.failed > 0 ? ` (${count(p.failed)} failed)` : '';
  const left = p.remainingMs === undefined || p.done === p.total ? '' : `, ${timeLeft(p.remainingMs)} left`;
  return `${count(p.done)} of ${count(p.total)} files done${failed}, ${audioAmount(p.audioDoneMs)} of audio${left}`;
}

/** "6 of 6 files done (1 failed), 0.05 h of audio in 42.0 s (4.3× real time)". */
export function finalText(p: BatchProgress, elapsedMs: number): string {
  const failed = p.failed > 0 ? ` (${count(p.failed)} failed)` : '';
  const speed = p.audioDoneMs > 0 && elapsedMs > 0 ? ` (${(p.audioDoneMs / elapsedMs).toFixed(1)}× real time)` : '';
  return `${count(p.done)} of ${count(p.total)} files done${failed}, ${audioAmount(p.audioDoneMs)} of audio in ${(elapsedMs / 1000).toFixed(1)} s${speed}`;
}

/** How often a log (not a terminal) gets a progress line: when the count changed, at most this often … */
const LOG_EVERY_MS = 5_000;
/** … and at least this often while the job runs, changed or not. */
const LOG_AT_LEAST_EVERY_MS = 30_000;

/**
 * The stderr of the CLI: messages (each on its own line, prefixed `speech-batch: `) and one progress line. On a TTY
 * the progress line is redrawn in place and stays below the messages; elsewhere it is written as a plain message
 * when the number of files done changed (at most every 5 s) or 30 s passed. Quiet: messages only, no progress.
 */
export class ProgressLine {
  private drawn = '';
  private lastLogged = { at: -Infinity, done: -1 };

  constructor(
    private readonly out: { write(text: string): unknown; isTTY?: boolean },
    private readonly options: { quiet?: boolean; now?: () => number } = {},
  ) {}

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  /** A message on its own line (the progress line, if drawn, moves below it). */
  message(text: string): void {
    if (this.tty && this.drawn) this.out.write(`\r\x1b[K`);
    this.out.write(`speech-batch: ${text}\n`);
    if (this.tty && this.drawn) this.out.write(this.drawn);
  }

  /** A status message that quiet runs leave out. */
  status(text: string): void {
    if (!this.options.quiet) this.message(text);
  }

  /** Shows the progress of the running job. */
  update(p: BatchProgress): void {
    if (this.options.quiet) return;
    const text = progressText(p);
    if (this.tty) {
      this.drawn = `\r\x1b[Kspeech-batch: ${text}`;
      this.out.write(this.drawn);
      return;
    }
    const now = (this.options.now ?? Date.now)();
    const since = now - this.lastLogged.at;
    if ((p.done !== this.lastLogged.done && since >= LOG_EVERY_MS) || since >= LOG_AT_LEAST_EVERY_MS) {
      this.lastLogged = { at: now, done: p.done };
      this.out.write(`speech-batch: ${text}\n`);
    }
  }

  /** Replaces the progress line with the final one (ends the line on a TTY). */
  finish(text: string): void {
    if (this.options.quiet) return;
    if (this.tty && this.drawn) this.out.write(`\r\x1b[K`);
    this.drawn = '';
    this.out.write(`speech-batch: ${text}\n`);
  }

  /** Ends a drawn progress line without a final one (before other output or an error). */
  clear(): void {
    if (this.tty && this.drawn) this.out.write('\n');
    this.drawn = '';
  }
}
