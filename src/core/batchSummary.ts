/**
 * The batch summary: one row per call of a job (or per result file given to the CLI) with the analytics people compare
 * across calls — duration, talk share per party, silence, crosstalk, interruptions, words per minute, longest
 * monologue, status — as a table for the terminal and as CSV. Plain Node: the CLI and the extension share it.
 */
import type { CallAnalytics } from './model';
import { formatDuration } from './ticks';

/** One call of the summary. */
export interface SummaryRow {
  /** The call's name (its audio file, or the result file). */
  call: string;
  /**
   * `transcribed`; `failed` (then only `reason` is set); or `cancelled`: its job was cancelled before this call was
   * transcribed (no figures, no reason: nothing went wrong with it).
   */
  status: 'transcribed' | 'failed' | 'cancelled';
  reason?: string;
  durationMs?: number;
  /** Talk share (0..1) per party, in party order. */
  talkShare?: { party: string; share: number }[];
  silenceMs?: number;
  crosstalkMs?: number;
  interruptions?: number;
  /** Words per minute of talk, over all parties. */
  wordsPerMinute?: number;
  longestMonologueMs?: number;
  /** Who spoke the longest monologue. */
  longestMonologueParty?: string;
}

/** The summary row of a transcribed call. */
export function summaryRow(call: string, analytics: CallAnalytics): SummaryRow {
  const words = analytics.parties.reduce((sum, p) => sum + p.words, 0);
  const monologue = analytics.longestMonologue;
  return {
    call,
    status: 'transcribed',
    durationMs: analytics.durationMs,
    talkShare: analytics.parties.map((p) => ({ party: p.name, share: p.talkRatio })),
    silenceMs: analytics.silenceMs,
    crosstalkMs: analytics.overlapMs,
    interruptions: analytics.interruptions,
    wordsPerMinute: analytics.talkMs > 0 ? Math.round((words * 60_000) / analytics.talkMs) : 0,
    longestMonologueMs: monologue?.durationMs ?? 0,
    ...(monologue ? { longestMonologueParty: analytics.parties.find((p) => p.partyId === monologue.partyId)?.name ?? monologue.partyId } : {}),
  };
}

/** The columns of the CSV, in order. Times in seconds (one decimal), shares in percent. */
export const SUMMARY_CSV_COLUMNS = [
  'call',
  'status',
  'duration_s',
  'talk_share',
  'silence_s',
  'crosstalk_s',
  'interruptions',
  'words_per_minute',
  'longest_monologue_s',
  'longest_monologue_party',
  'reason',
] as const;

/** Seconds to the tenth, floored like every time shown (./ticks.ts): 48.96 s is 48.9, never 49.0 next to a 0:48. */
const seconds = (ms: number | undefined) => (ms === undefined ? '' : (Math.floor(Math.max(0, ms) / 100) / 10).toFixed(1));
const percent = (share: number) => `${Math.round(share * 100)}%`;

/** "Agent 62% / Customer 38%". */
export function talkShareText(row: SummaryRow): string {
  return (row.talkShare ?? []).map((p) => `${p.party} ${percent(p.share)}`).join(' / ');
}

/** RFC 4180 CSV (CRLF line ends, fields with commas, quotes or line breaks quoted) with a header line. */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  const field = (value: string | number | undefined) => {
    const text = value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [SUMMARY_CSV_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      [
        row.call,
        row.status,
        seconds(row.durationMs),
        talkShareText(row),
        seconds(row.silenceMs),
        seconds(row.crosstalkMs),
        row.interruptions,
        row.wordsPerMinute,
        seconds(row.longestMonologueMs),
        row.longestMonologueParty,
        row.reason,
      ]
        .map(field)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** Parses RFC 4180 CSV into rows of fields (for tests and tools reading the export back). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** "4:07" for a duration in ms (./ticks.ts: floored to the second). */
function clock(ms: number | undefined): string {
  return ms === undefined ? '' : formatDuration(ms);
}

/** The summary as an aligned text table for the terminal. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const header = ['Call', 'Status', 'Duration', 'Talk share', 'Silence', 'Crosstalk', 'Interrupt.', 'WPM', 'Longest monologue'];
  const cells = rows.map((r) =>
    r.status !== 'transcribed'
      ? [r.call, r.status === 'failed' ? `failed: ${r.reason ?? ''}` : 'cancelled', '', '', '', '', '', '', '']
      : [
          r.call,
          'transcribed',
          clock(r.durationMs),
          talkShareText(r),
          clock(r.silenceMs),
          clock(r.crosstalkMs),
          String(r.interruptions ?? ''),
          String(r.wordsPerMinute ?? ''),
          r.longestMonologueMs ? `${clock(r.longestMonologueMs)}${r.longestMonologueParty ? ` (${r.longestMonologueParty})` : ''}` : '',
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}
