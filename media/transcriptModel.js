// @ts-check
/**
 * Pure view-model helpers of the transcript webview: no DOM, no VS Code.
 * UMD: loaded as a `<script>` in the webview (global `TranscriptModel`) and with `require` by the unit tests.
 * Type-checked (media/tsconfig.json) against `TranscriptModelApi` of src/vscode/transcriptViewModel.ts; input shapes
 * are `Conversation`/`CallAnalytics` of src/core/model.ts.
 */
/** @typedef {import('../src/vscode/transcriptViewModel').TranscriptModelApi} TranscriptModelApi */
/** @typedef {import('../src/vscode/transcriptViewModel').Segment} Segment */
/** @typedef {import('../src/vscode/transcriptViewModel').TextMatch} TextMatch */
/** @typedef {import('../src/vscode/transcriptViewModel').PartyLayout} PartyLayout */
/** @typedef {import('../src/vscode/transcriptViewModel').TurnView} TurnView */
/** @typedef {import('../src/vscode/transcriptViewModel').CompactTranscript} CompactTranscript */
/** @typedef {import('../src/core/model').Party} Party */
/** @typedef {import('../src/core/model').CallAnalytics} CallAnalytics */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) {
    module.exports = factory();
  } else {
    /** @type {{ TranscriptModel?: TranscriptModelApi }} */ (root).TranscriptModel = factory();
  }
})(typeof window !== 'undefined' ? window : globalThis, /** @returns {TranscriptModelApi} */ function () {
  'use strict';

  /** @param {number} n */
  function pad2(n) {
    return n < 10 ? '0' + n : String(n);
  }

  // THE rounding rule (src/core/ticks.ts, which this file cannot import; a unit test keeps the two equal): every time
  // and duration shown is floored to the whole second, as in the exports, the jobs tree and the CLI.

  /** A position in the audio as `HH:MM:SS` (`00:01:23`), rounded down to the second. */
  /** @param {number} ms */
  function formatClock(ms) {
    const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
    return pad2(Math.floor(total / 3600)) + ':' + pad2(Math.floor(total / 60) % 60) + ':' + pad2(total % 60);
  }

  /** A length of time as `m:ss` (`2:05`), or `h:mm:ss` from one hour on, rounded down to the second. */
  /** @param {number} ms */
  function formatDuration(ms) {
    const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
    const h = Math.floor(total / 3600);
    const m = Math.floor(total / 60) % 60;
    const s = pad2(total % 60);
    return h > 0 ? h + ':' + pad2(m) + ':' + s : m + ':' + s;
  }

  /**
   * The player's time, `0:12 / 0:48`: the position and the length of the decoded audio (the result's duration, not
   * the browser's estimate from the file's header), both rounded down like every other time on the page.
   */
  /**
   * @param {number} positionMs
   * @param {number} durationMs
   */
  function playerTime(positionMs, durationMs) {
    return formatDuration(Math.min(positionMs, durationMs)) + ' / ' + formatDuration(durationMs);
  }

  /** A 0..1 ratio as a whole percentage (`42%`). */
  /** @param {number} ratio */
  function formatPercent(ratio) {
    return Math.round((Number.isFinite(ratio) ? ratio : 0) * 100) + '%';
  }

  /** Fills `{0}`, `{1}`, … of a (localised) template. Unknown placeholders stay as they are. */
  /**
   * @param {string} template
   * @param {...unknown} args
   */
  function format(template, ...args) {
    return template.replace(/\{(\d+)\}/g, (match, i) => (Number(i) < args.length ? String(args[Number(i)]) : match));
  }

  /**
   * Where each party is shown: party 1 left, party 2 right, further parties alternate.
   * `index` (0-based) also picks the party's colour.
   */
  /**
   * @param {Pick<Party, 'id' | 'name'>[]} parties
   * @returns {PartyLayout[]}
   */
  function layoutParties(parties) {
    return parties.map((p, index) => ({ id: p.id, name: p.name, index, side: index % 2 === 0 ? 'left' : 'right' }));
  }

  /**
   * A turn's text as segments `{text, confidence?}`: its low-confidence words (the `low` marks the host computed)
   * carry their confidence. Joined, the segments' texts are the turn's text.
   */
  /**
   * @param {Pick<TurnView, 'text' | 'low'>} turn
   * @returns {Segment[]}
   */
  function segmentsOf(turn) {
    const text = turn.text;
    const low = turn.low || [];
    /** @type {Segment[]} */
    const segments = [];
    let cursor = 0;
    for (let k = 0; k + 2 < low.length; k += 3) {
      const start = low[k];
      const end = low[k + 1];
      if (start < cursor || end > text.length || end <= start) {
        continue;
      }
      if (start > cursor) {
        segments.push({ text: text.slice(cursor, start) });
      }
      segments.push({ text: text.slice(start, end), confidence: low[k + 2] });
      cursor = end;
    }
    if (cursor < text.length || segments.length === 0) {
      segments.push({ text: text.slice(cursor) });
    }
    return segments;
  }

  /** @param {string} s */
  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  /** Case-insensitive, non-overlapping matches of `query` in `text` as `{start, end}`; none for a blank query. */
  /**
   * @param {string} text
   * @param {string} query
   * @returns {TextMatch[]}
   */
  function findMatches(text, query) {
    const needle = (query || '').trim();
    if (!needle) {
      return [];
    }
    const re = new RegExp(escapeRegExp(needle), 'giu');
    const matches = [];
    for (let m = re.exec(text); m; m = re.exec(text)) {
      matches.push({ start: m.index, end: m.index + m[0].length });
    }
    return matches;
  }

  /**
   * Splits segments further at match boundaries. Every piece inside a match gets `match`: the match's number
   * (`firstMatch` + its index in `matches`), so one match split by a low-confidence word keeps one number.
   */
  /**
   * @param {Segment[]} segments
   * @param {TextMatch[]} matches
   * @param {number} firstMatch
   * @returns {Segment[]}
   */
  function highlightSegments(segments, matches, firstMatch) {
    if (matches.length === 0) {
      return segments.map((s) => Object.assign({}, s));
    }
    const out = [];
    let offset = 0;
    let m = 0;
    for (const segment of segments) {
      const segEnd = offset + segment.text.length;
      let pos = offset;
      while (pos < segEnd) {
        while (m < matches.length && matches[m].end <= pos) {
          m++;
        }
        const match = matches[m];
        let end;
        let inMatch = false;
        if (!match || match.start >= segEnd) {
          end = segEnd;
        } else if (match.start > pos) {
          end = match.start;
        } else {
          end = Math.min(match.end, segEnd);
          inMatch = true;
        }
        const piece = Object.assign({}, segment, { text: segment.text.slice(pos - offset, end - offset) });
        if (inMatch) {
          piece.match = (firstMatch || 0) + m;
        }
        out.push(piece);
        pos = end;
      }
      offset = segEnd;
    }
    return out;
  }

  /** The view model of a whole transcript: parties with their sides and turns ready to render. */
  /** @param {CompactTranscript} transcript */
  function buildViewModel(transcript) {
    const parties = layoutParties(transcript.parties);
    const overlapping = new Set(transcript.overlap);
    /** @type {Map<number, number[]>} */
    const low = new Map(transcript.low.map((marks) => [marks[0], marks.slice(1)]));
    /** @type {TurnView[]} */
    const turns = transcript.text.map((text, index) => {
      const party = parties[transcript.party[index]] || { id: '?', name: '?', index: 0, side: 'left' };
      return {
        index,
        partyId: party.id,
        partyName: party.name,
        partyIndex: party.index,
        side: party.side,
        startMs: transcript.start[index],
        endMs: transcript.end[index],
        time: formatClock(transcript.start[index]),
        overlap: overlapping.has(index),
        text,
        low: low.get(index) || [],
      };
    });
    return { parties, turns };
  }

  /**
   * The numbers of the analytics header, formatted: call totals and one row per party (in party order, with the
   * party's colour index). Names come from `parties` (the conversation), so a rename shows without recomputing.
   */
  /**
   * @param {CallAnalytics} analytics
   * @param {Pick<Party, 'id' | 'name'>[]} parties
   */
  function buildAnalytics(analytics, parties) {
    const layout = layoutParties(parties);
    const byId = new Map(layout.map((p) => [p.id, p]));
    const share = (/** @type {number} */ ms) => (analytics.durationMs > 0 ? ms / analytics.durationMs : 0);
    const rows = analytics.parties.map((a) => {
      const party = byId.get(a.partyId);
      return {
        partyId: a.partyId,
        name: party ? party.name : a.name,
        index: party ? party.index : 0,
        talk: formatDuration(a.talkMs),
        ratio: a.talkRatio,
        share: formatPercent(a.talkRatio),
        turns: a.turns,
        wordsPerMinute: Math.round(a.wordsPerMinute),
        interruptions: a.interruptions,
      };
    });
    const longest = analytics.longestMonologue;
    const longestParty = longest && byId.get(longest.partyId);
    return {
      duration: formatDuration(analytics.durationMs),
      talk: formatDuration(analytics.talkMs),
      silence: formatDuration(analytics.silenceMs),
      silenceShare: formatPercent(share(analytics.silenceMs)),
      overlap: formatDuration(analytics.overlapMs),
      overlapShare: formatPercent(share(analytics.overlapMs)),
      interruptions: analytics.interruptions,
      longestMonologue: longest
        ? {
            duration: formatDuration(longest.durationMs),
            partyName: longestParty ? longestParty.name : longest.partyId,
            startMs: longest.startMs,
            time: formatClock(longest.startMs),
          }
        : null,
      parties: rows,
    };
  }

  /** Every match of `query` over all turns, in reading order: `{turn, start, end}`. */
  /**
   * @param {Pick<TurnView, 'text'>[]} turns
   * @param {string} query
   */
  function searchTurns(turns, query) {
    /** @type {({ turn: number } & TextMatch)[]} */
    const all = [];
    const needle = (query || '').trim();
    if (!needle) {
      return all;
    }
    const re = new RegExp(escapeRegExp(needle), 'giu');
    for (let i = 0; i < turns.length; i++) {
      const text = turns[i].text;
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        all.push({ turn: i, start: m.index, end: m.index + m[0].length });
      }
    }
    return all;
  }

  /**
   * The turn to highlight at playback position `ms` (turns sorted by start): the latest-starting turn that is
   * still running, else the last turn that started (silence keeps the previous turn); -1 before the first turn.
   */
  /**
   * @param {Pick<TurnView, 'startMs' | 'endMs'>[]} turns
   * @param {number} ms
   */
  function activeTurnIndex(turns, ms) {
    let lo = 0;
    let hi = turns.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (turns[mid].startMs <= ms) {
        last = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    for (let i = last; i >= 0; i--) {
      if (turns[i].endMs > ms) {
        return i;
      }
    }
    return last;
  }

  /** `index` wrapped into 0..length-1, for cycling through search matches with next/previous. */
  /**
   * @param {number} index
   * @param {number} length
   */
  function wrapIndex(index, length) {
    return ((index % length) + length) % length;
  }

  return {
    formatClock,
    formatDuration,
    playerTime,
    formatPercent,
    format,
    layoutParties,
    segmentsOf,
    findMatches,
    highlightSegments,
    buildViewModel,
    buildAnalytics,
    searchTurns,
    activeTurnIndex,
    wrapIndex,
  };
});
