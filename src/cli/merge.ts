/**
 * `speech-batch merge` and `speech-batch analytics`: read result files, merge each into a conversation, print it.
 * Every file is read and handled on its own: a broken one is reported on stderr (one line) and the others are
 * still printed; the exit code is then 1.
 */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { computeAnalytics } from '../core/analytics';
import { summaryCsv, summaryRow, summaryTable, type SummaryRow } from '../core/batchSummary';
import { conversationJson, formatConversation } from '../core/formats';
import { DEFAULT_JOIN_WITHIN_MS, mergeFile } from '../core/merge';
import type { Conversation, MergeOptions, TranscriptFormat } from '../core/model';
import { parseResultText } from '../core/result';
import { parseCommandArgs, parseFormat, parseNames, UsageError } from './args';

export const MERGE_USAGE = `Usage: speech-batch merge <result.json>... [--format txt|srt|vtt|md|json] [--names "Agent,Customer"] [--join-ms N]
  Prints the conversation of each result file: the channels (or speakers) interleaved by time.
  --format    txt (default), srt, vtt, md or json (several files: a JSON array)
  --names     party names by channel (or speaker), comma-separated
  --join-ms   join a party's phrases at most this many ms apart into one turn (default ${DEFAULT_JOIN_WITHIN_MS}; 0: never)`;

export const ANALYTICS_USAGE = `Usage: speech-batch analytics <result.json>... [--names "Agent,Customer"] [--join-ms N] [--summary [--format table|csv]]
  Prints the call analytics of each result file as JSON (several files: an array of { file, analytics }):
  talk time, talk ratio, silence, overlap, interruptions, longest monologue, words and words per minute per party.
  --summary   one row per file instead: duration, talk share per party, silence, crosstalk, interruptions, words per
              minute, longest monologue, status; as a table (default) or, with --format csv, as CSV`;

/** `speech-batch merge`. Returns the exit code. */
export async function runMerge(args: string[]): Promise<number> {
  const { files, merge, format } = parseCommandLine(args, true);
  const results = await loadConversations(files, merge);
  const done = results.filter((r): r is Loaded => 'conversation' in r);
  if (format === 'json') {
    const items = done.map((r) => conversationJson(r.conversation));
    if (done.length > 0) print(JSON.stringify(files.length === 1 ? items[0] : items, null, 2) + '\n');
  } else {
    print(
      done
        .map((r) => (files.length > 1 ? `==> ${r.file} <==\n` : '') + formatConversation(r.conversation, format))
        .join(files.length > 1 ? '\n' : ''),
    );
  }
  return done.length === results.length ? 0 : 1;
}

/** `speech-batch analytics`. Returns the exit code. */
export async function runAnalytics(args: string[]): Promise<number> {
  const summaryIndex = args.indexOf('--summary');
  if (summaryIndex >= 0) return runSummary([...args.slice(0, summaryIndex), ...args.slice(summaryIndex + 1)]);
  const { files, merge } = parseCommandLine(args, false);
  const results = await loadConversations(files, merge);
  const done = results.filter((r): r is Loaded => 'conversation' in r);
  const items = done.map((r) => ({ file: r.file, analytics: computeAnalytics(r.conversation) }));
  if (done.length > 0) print(JSON.stringify(files.length === 1 ? items[0].analytics : items, null, 2) + '\n');
  return done.length === results.length ? 0 : 1;
}

/** `speech-batch analytics --summary`: one row per file, as a table or CSV; unreadable files are rows with their reason. */
async function runSummary(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: 'string' as const, short: 'f' },
    names: { type: 'string' as const },
    'join-ms': { type: 'string' as const },
  });
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'csv') throw new UsageError(`--format of --summary is table or csv, not "${format}"`);
  const { files, merge } = parseCommandLine([...positionals, ...(values.names ? ['--names', values.names] : []), ...(values['join-ms'] ? ['--join-ms', values['join-ms']] : [])], false);
  const results = await loadConversations(files, merge);
  const rows: SummaryRow[] = results.map((r) =>
    'conversation' in r ? summaryRow(basename(r.file), computeAnalytics(r.conversation)) : { call: basename(r.file), status: 'failed', reason: 'unreadable result file' },
  );
  print(format === 'csv' ? summaryCsv(rows) : summaryTable(rows));
  return rows.every((r) => r.status === 'transcribed') ? 0 : 1;
}

interface CommandLine {
  files: string[];
  merge: MergeOptions;
  format: TranscriptFormat;
}

function parseCommandLine(args: string[], withFormat: boolean): CommandLine {
  const { values, positionals } = parseCommandArgs(args, {
    ...(withFormat ? { format: { type: 'string' as const, short: 'f' } } : {}),
    names: { type: 'string' as const },
    'join-ms': { type: 'string' as const },
  });
  if (positionals.length === 0) throw new UsageError('no result file given');
  const format = parseFormat((values as { format?: string }).format);
  const joinMs = values['join-ms'];
  if (joinMs !== undefined && !/^\d+$/.test(joinMs)) {
    throw new UsageError(`--join-ms must be a whole number of milliseconds, got "${joinMs}"`);
  }
  return {
    files: positionals,
    format,
    merge: {
      names: parseNames(values.names),
      joinWithinMs: joinMs === undefined ? undefined : Number(joinMs),
    },
  };
}

interface Loaded {
  file: string;
  conversation: Conversation;
}

/** Reads, parses and merges each file; failures are reported on stderr and returned as such. */
async function loadConversations(files: string[], options: MergeOptions): Promise<(Loaded | { file: string; failed: true })[]> {
  return Promise.all(
    files.map(async (file) => {
      try {
        const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw new Error(`${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
        });
        return { file, conversation: mergeFile(parseResultText(text, file), options) };
      } catch (err) {
        process.stderr.write(`speech-batch: ${(err as Error).message}\n`);
        return { file, failed: true as const };
      }
    }),
  );
}

function print(text: string): void {
  process.stdout.write(text);
}
