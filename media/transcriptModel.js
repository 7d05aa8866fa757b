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
/** @typedef {import('../src/vscode/transcriptViewModel').ViewModelInput} ViewModelInput */
/** @typedef {import('../src/core/model').Party} Party */
/** @typedef {import('../src/core/model').Phrase} Phrase */
/** @typedef {import('../src/core/model').Turn} Turn */
/** @typedef {import('../src/core/model').CallAnalytics} CallAnalytics */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) {
    module.exports = factory();
  } else {
    /** @type {{ TranscriptModel?: TranscriptModelApi }} */ (root).TranscriptModel = factory();
  }
})(typeof window !== 'undefined' ? window : globalThis, /** @returns {TranscriptModelApi} */ function () {
  'use strict';

  const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

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

  /** Index of `word` in `lower` at or after `from`, starting and ending on word boundaries; -1 if absent. */
  /**
   * @param {string} lower
   * @param {string} word
   * @param {number} from
   */
  function findWord(lower, word, from) {
    if (!word) {
      return -1;
    }
    for (let i = lower.indexOf(word, from); i >= 0; i = lower.indexOf(word, i + 1)) {
      const startOk = i === 0 || !LETTER_OR_DIGIT.test(lower[i - 1]) || !LETTER_OR_DIGIT.test(word[0]);
      const end = i + word.length;
      const endOk = end >= lower.length || !LETTER_OR_DIGIT.test(lower[end]) || !LETTER_OR_DIGIT.test(word[word.length - 1]);
      if (startOk && endOk) {
        return i;
      }
    }
    return -1;
  }

  /**
   * @param {Segment[]} segments
   * @param {string} text
   * @param {number} [confidence]
   */
  function pushSegment(segments, text, confidence) {
    if (!text) {
      return;
    }
    const last = segments[segments.length - 1];
    if (confidence === undefined && last && last.confidence === undefined) {
      last.text += text;
    } else {
      segments.push(confidence === undefined ? { text } : { text, confidence });
    }
  }

  /**
   * Splits a phrase's display text into plain runs and low-confidence words (confidence < `threshold`).
   * Words are located in order in the display text (case-insensitive, on word boundaries); a word whose form is
   * not in the display text (e.g. lexical "twenty" for display "20") is left unmarked rather than guessed.
   */
  /**
   * @param {Pick<Phrase, 'text' | 'words'>} phrase
   * @param {number} threshold
   * @param {Segment[]} segments
   */
  function segmentPhrase(phrase, threshold, segments) {
    const text = phrase.text || '';
    const lower = text.toLowerCase();
    let cursor = 0;
    for (const word of phrase.words || []) {
      const at = findWord(lower, (word.text || '').toLowerCase(), cursor);
      if (at < 0) {
        continue;
      }
      const end = at + word.text.length;
      if (typeof word.confidence === 'number' && word.confidence < threshold) {
        pushSegment(segments, text.slice(cursor, at));
        pushSegment(segments, text.slice(at, end), word.confidence);
        cursor = end;
      } else {
        pushSegment(segments, text.slice(cursor, end));
        cursor = end;
      }
    }
    pushSegment(segments, text.slice(cursor));
  }

  /**
   * The text of a turn as segments `{text, confidence?}`; `confidence` is set on low-confidence words only.
   * Joined, the segments' texts are the text shown (the turn's phrases joined by spaces).
   */
  /**
   * @param {Pick<Turn, 'text' | 'phrases'>} turn
   * @param {number} threshold
   * @returns {Segment[]}
   */
  function segmentTurn(turn, threshold) {
    /** @type {Segment[]} */
    const segments = [];
    const phrases = turn.phrases || [];
    if (phrases.length === 0) {
      pushSegment(segments, turn.text || '');
      return segments;
    }
    phrases.forEach((phrase, i) => {
      if (i > 0) {
        pushSegment(segments, ' ');
      }
      segmentPhrase(phrase, threshold, segments);
    });
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
  /** @param {ViewModelInput} data */
  function buildViewModel(data) {
    const parties = layoutParties(data.conversation.parties);
    const byId = new Map(parties.map((p) => [p.id, p]));
    const threshold = typeof data.lowConfidence === 'number' ? data.lowConfidence : 0;
    const turns = data.conversation.turns.map((turn, index) => {
      const party = byId.get(turn.partyId) || { id: turn.partyId, name: turn.partyId, index: 0, side: 'left' };
      const segments = segmentTurn(turn, threshold);
      return {
        index,
        partyId: party.id,
        partyName: party.name,
        partyIndex: party.index,
        side: party.side,
        startMs: turn.startMs,
        endMs: turn.endMs,
        time: formatClock(turn.startMs),
        overlap: !!turn.overlap,
        text: segments.map((s) => s.text).join(''),
        segments,
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
    turns.forEach((turn, i) => {
      for (const m of findMatches(turn.text, query)) {
        all.push({ turn: i, start: m.start, end: m.end });
      }
    });
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
    segmentTurn,
    findMatches,
    highlightSegments,
    buildViewModel,
    buildAnalytics,
    searchTurns,
    activeTurnIndex,
    wrapIndex,
  };
});
