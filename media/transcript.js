// @ts-check
/**
 * The transcript webview: the merged conversation as a chat, call analytics, search, rename, audio player.
 * Protocol (src/vscode/transcriptViewModel.ts, which this file is type-checked against): posts `ready`, gets `load`
 * (the transcript in compact form, once), then `audio` (how to play the recording, when it is ready), `parties`
 * (after a rename) or `unavailable`; posts `rendered`, `rename`, `copy`, `export`, `audioRequest` (windows of a
 * streamed recording, answered by `audioData`) and `audioFallback` (this page cannot stream: the host answers with
 * an `audio` message of kind `uri`). Keeps `{key, positionMs, query, scrollTurn, scrollOffset}` with
 * setState so the host's serializer can restore the panel where the user left it. Text goes in with textContent only.
 *
 * Long calls: the text shows at once and the audio follows (the player says it is loading); only the turns near the
 * viewport are in the DOM (the list is virtual: heights are estimated, then measured as turns are shown), so a
 * 3-hour call with thousands of turns scrolls and searches as fast as a short one.
 *
 * DOM hooks (stable; the end-to-end tests use them):
 *   #message                          status text (loading, "no longer available")
 *   #warnings                         banner of damage found in the audio (role alert; one p per warning), when any
 *   #analytics                        call analytics (summary, talk-time bar, one row per party)
 *   #analytics .rename[data-party]    rename button of a party (asks the host for the new name)
 *   #search, #search-count, #search-prev, #search-next   search box, "2 of 5", previous/next match
 *   #copy, #export                    toolbar buttons
 *   .player                           the player: `audio` once the recording can play; .player-status while it loads
 *                                     or when it cannot play (data-state="loading" | "ready" | "error"); it says so
 *                                     when the recording is played from its file because it cannot be streamed here
 *   #player-time                      its position / length as 0:12 / 0:48 (length: the decoded audio's)
 *   #turns                            the conversation (aria-rowcount-like: data-count = number of turns)
 *   #turns > .turn                    one turn near the viewport: data-index, data-party (party id), data-start (ms);
 *                                     classes side-left or side-right, party-N (colour), overlap, active (now playing)
 *   .turn .time                       start as 00:01:23 (a button that plays from there when there is audio)
 *   .turn .party                      party name
 *   .turn .text                       text; mark.match (search hits, .current for the selected one) and
 *                                     span.low-confidence (title gives the confidence)
 *   #analytics .legend                how many words are marked low-confidence and what the mark means
 */
/** @typedef {import('../src/vscode/transcriptViewModel').AudioDataMessage} AudioDataMessage */
/** @typedef {import('../src/vscode/transcriptViewModel').AudioSource} AudioSource */
/** @typedef {import('../src/vscode/transcriptViewModel').HostMessage} HostMessage */
/** @typedef {import('../src/vscode/transcriptViewModel').LoadMessage} LoadMessage */
/** @typedef {import('../src/vscode/transcriptViewModel').TextMatch} TextMatch */
/** @typedef {import('../src/vscode/transcriptViewModel').TranscriptModelApi} TranscriptModelApi */
/** @typedef {import('../src/vscode/transcriptViewModel').TranscriptStrings} TranscriptStrings */
/** @typedef {import('../src/vscode/transcriptViewModel').TranscriptViewModel} TranscriptViewModel */
/** @typedef {import('../src/vscode/transcriptViewModel').TranscriptWebviewApi} TranscriptWebviewApi */
/** @typedef {import('../src/vscode/transcriptViewModel').TranscriptWebviewState} TranscriptWebviewState */
/**
 * The page's static parts, built on the first `load`.
 * @typedef {object} Ui
 * @property {HTMLElement} toolbar
 * @property {HTMLElement} title
 * @property {HTMLInputElement} search
 * @property {HTMLElement} count
 * @property {HTMLButtonElement} prev
 * @property {HTMLButtonElement} next
 * @property {HTMLElement} analytics
 * @property {HTMLElement} player
 * @property {HTMLElement} turns
 * @property {HTMLAudioElement | null} audio
 */
/** @typedef {{ first: number, list: TextMatch[] }} TurnMatches */
(function () {
  'use strict';

  /** What the webview host and `transcriptModel.js` put on the page's global object. */
  const page = /** @type {{ TranscriptModel: TranscriptModelApi, acquireVsCodeApi(): TranscriptWebviewApi }} */ (
    /** @type {unknown} */ (window)
  );
  const M = page.TranscriptModel;
  const vscode = page.acquireVsCodeApi();
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));

  /** Space between two turns (px); part of each turn's measured height. */
  const GAP = 8;
  /** How far beyond the viewport turns are kept in the DOM (px, each side, at least). */
  const OVERSCAN = 800;

  /** @type {TranscriptWebviewState} */
  let state = vscode.getState() || {};
  /** The `load` message shown. */
  /** @type {LoadMessage | null} */
  let data = null;
  /** @type {TranscriptViewModel | null} */
  let model = null;
  /** @type {Ui | null} */
  let ui = null;
  /** @type {({ turn: number } & TextMatch)[]} */
  let matches = [];
  /** Turn index → `{first, list}`: the number of its first match and its matches. */
  /** @type {Map<number, TurnMatches>} */
  let matchesByTurn = new Map();
  let currentMatch = -1;
  let activeTurn = -1;

  /** @param {TranscriptWebviewState} changes */
  function saveState(changes) {
    state = Object.assign({}, state, changes);
    vscode.setState(state);
  }

  /**
   * `document.createElement` with a class, text and attributes; children appended in order.
   * @param {string} tag
   * @param {{ className?: string, text?: string, attrs?: Record<string, string | number | boolean> }} [props]
   * @param {(Node | string)[]} [children]
   * @returns {HTMLElement}
   */
  function h(tag, props, children) {
    const e = document.createElement(tag);
    const p = props || {};
    if (p.className) {
      e.className = p.className;
    }
    if (p.text !== undefined) {
      e.textContent = p.text;
    }
    for (const [name, value] of Object.entries(p.attrs || {})) {
      e.setAttribute(name, String(value));
    }
    for (const child of children || []) {
      e.append(child);
    }
    return e;
  }

  /**
   * @param {string} id
   * @param {string} label
   * @param {string} title
   * @param {() => void} onClick
   */
  function button(id, label, title, onClick) {
    const b = /** @type {HTMLButtonElement} */ (h('button', { text: label, attrs: { id, type: 'button', title } }));
    b.addEventListener('click', onClick);
    return b;
  }

  /** @param {string} text */
  function showMessage(text) {
    player.reset(); // before `ui` goes: it stops the element playing
    ui = null;
    const message = h('p', { text, attrs: { id: 'message', role: 'status' } });
    app.replaceChildren(message);
    app.removeAttribute('aria-busy');
    document.title = text;
  }

  // ---- layout ------------------------------------------------------------------------------------------------

  /**
   * @param {TranscriptStrings} s
   * @returns {Ui}
   */
  function buildLayout(s) {
    const search = /** @type {HTMLInputElement} */ (
      h('input', {
        attrs: { id: 'search', type: 'search', placeholder: s.searchPlaceholder, 'aria-label': s.search, spellcheck: 'false' },
      })
    );
    search.value = state.query || '';
    search.addEventListener('input', () => {
      saveState({ query: search.value });
      updateSearch(0, true);
    });
    search.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        stepMatch(event.shiftKey ? -1 : 1);
      } else if (event.key === 'Escape' && search.value) {
        event.preventDefault();
        search.value = '';
        saveState({ query: '' });
        updateSearch(0, false);
      }
    });
    const count = h('span', { attrs: { id: 'search-count', 'aria-live': 'polite' } });
    const prev = button('search-prev', '↑', s.previousMatch, () => stepMatch(-1));
    const next = button('search-next', '↓', s.nextMatch, () => stepMatch(1));
    prev.setAttribute('aria-label', s.previousMatch);
    next.setAttribute('aria-label', s.nextMatch);

    const title = h('h1', { className: 'title' });
    const toolbar = h('header', { className: 'toolbar' }, [
      title,
      h('div', { className: 'search', attrs: { role: 'search' } }, [search, count, prev, next]),
      h('div', { className: 'actions' }, [
        button('copy', s.copy, s.copyTitle, () => vscode.postMessage({ type: 'copy' })),
        button('export', s.export, s.exportTitle, () => vscode.postMessage({ type: 'export' })),
      ]),
    ]);
    const warnings = h('div', { attrs: { id: 'warnings', role: 'alert', 'aria-label': s.audioWarning, hidden: '' } });
    const analytics = h('section', { attrs: { id: 'analytics', 'aria-label': s.analytics } });
    const playerBox = h('div', { className: 'player' });
    const turns = h('ol', { attrs: { id: 'turns', 'aria-label': s.conversation } });
    turns.addEventListener('click', onTurnsClick);

    app.replaceChildren(toolbar, warnings, analytics, playerBox, turns);
    app.removeAttribute('aria-busy');
    /** @type {Ui} */
    const built = { toolbar, title, search, count, prev, next, analytics, player: playerBox, turns, audio: null };
    ui = built;
    return built;
  }

  // ---- damage ------------------------------------------------------------------------------------------------

  /** The banner of damage found in the audio ("Only 0:23 of 0:48 could be decoded: the file ends early"). */
  /** @param {LoadMessage} data */
  function renderWarnings(data) {
    const banner = document.getElementById('warnings');
    if (!banner) {
      return;
    }
    const list = data.transcript.warnings || [];
    banner.replaceChildren(...list.map((w) => h('p', {}, [h('strong', { text: data.strings.audioWarning + ': ' }), w])));
    banner.hidden = list.length === 0;
  }

  // ---- analytics ---------------------------------------------------------------------------------------------

  /**
   * @param {LoadMessage} data
   * @param {Ui} ui
   */
  function renderAnalytics(data, ui) {
    const s = data.strings;
    const a = M.buildAnalytics(data.analytics, data.transcript.parties);
    const item = (/** @type {string} */ label, /** @type {string} */ value) => h('div', {}, [h('dt', { text: label }), h('dd', { text: value })]);
    const longest = a.longestMonologue
      ? M.format(s.longestMonologueValue, a.longestMonologue.duration, a.longestMonologue.partyName, a.longestMonologue.time)
      : s.none;
    const summary = h('dl', { className: 'summary' }, [
      item(s.duration, a.duration),
      item(s.talkTime, a.talk),
      item(s.silence, a.silence + ' (' + a.silenceShare + ')'),
      item(s.overlap, a.overlap + ' (' + a.overlapShare + ')'),
      item(s.interruptions, String(a.interruptions)),
      item(s.longestMonologue, longest),
    ]);

    const bar = h('div', {
      className: 'ratio-bar',
      attrs: { role: 'img', 'aria-label': a.parties.map((p) => M.format(s.talkShare, p.name, p.share)).join(', ') },
    });
    for (const p of a.parties) {
      const part = h('span', { className: 'ratio party-' + (p.index % 6), attrs: { title: M.format(s.talkShare, p.name, p.share) } });
      part.style.flexGrow = String(p.ratio); // CSSOM, allowed by the CSP (no inline style attributes)
      bar.append(part);
    }

    const header = h('tr', {}, [s.party, s.talkTime, s.share, s.turns, s.wordsPerMinute, s.interruptions].map((t) => h('th', { text: t, attrs: { scope: 'col' } })));
    const rows = a.parties.map((p) =>
      h('tr', { attrs: { 'data-party': p.partyId } }, [
        h('th', { attrs: { scope: 'row' } }, [
          h('span', { className: 'swatch party-' + (p.index % 6), attrs: { 'aria-hidden': 'true' } }),
          h('span', { className: 'name', text: p.name }),
          renameButton(s, p.partyId, p.name),
        ]),
        h('td', { text: p.talk }),
        h('td', { text: p.share }),
        h('td', { text: String(p.turns) }),
        h('td', { text: String(p.wordsPerMinute) }),
        h('td', { text: String(p.interruptions) }),
      ]),
    );
    const table = h('table', { className: 'parties' }, [h('thead', {}, [header]), h('tbody', {}, rows)]);
    ui.analytics.replaceChildren(summary, bar, table);
    if (model) {
      renderLegend(data, model, ui);
    }
  }

  /**
   * The low-confidence legend under the analytics: a sample of the mark and what it means (only when words are marked).
   * @param {LoadMessage} data
   * @param {TranscriptViewModel} view
   * @param {Ui} ui
   */
  function renderLegend(data, view, ui) {
    const marked = view.turns.reduce((n, turn) => n + Math.floor(turn.low.length / 3), 0);
    if (marked > 0) {
      const text = M.format(data.strings.lowConfidenceLegend, marked, M.formatPercent(data.lowConfidence));
      ui.analytics.append(h('p', { className: 'legend' }, [h('span', { className: 'sample', text: 'abc', attrs: { 'aria-hidden': 'true' } }), ' ' + text]));
    }
  }

  /**
   * @param {TranscriptStrings} s
   * @param {string} partyId
   * @param {string} name
   */
  function renameButton(s, partyId, name) {
    const label = M.format(s.renameParty, name);
    const b = h('button', { className: 'rename', text: '✎', attrs: { type: 'button', 'data-party': partyId, 'aria-label': label, title: label } });
    b.addEventListener('click', () => vscode.postMessage({ type: 'rename', partyId }));
    return b;
  }

  // ---- the virtual list of turns -------------------------------------------------------------------------------

  /**
   * Keeps only the turns near the viewport in `#turns`; the space of the others is the list's top and bottom
   * padding. Each turn's height is estimated from its text length until it has been shown and measured; when a
   * measurement above the viewport changes the layout, the page scrolls by the difference so what the user reads
   * stays still.
   */
  const list = (function () {
    /** Height (px, gap included) of each turn: estimated, or measured where `measured[i]`. */
    let heights = new Float64Array(0);
    let measured = new Uint8Array(0);
    /** `offsets[i]`: top of turn i in the list; `offsets[n]`: the list's height. Valid unless `dirty`. */
    let offsets = new Float64Array(1);
    let dirty = true;
    /** Rendered turns by index. */
    /** @type {Map<number, HTMLElement>} */
    let rows = new Map();
    /** Estimation parameters, refined from measured turns. */
    let lineHeight = 20;
    let baseHeight = 58;
    let charsPerLine = 80;
    let calibrated = false;
    let width = 0;
    let scheduled = 0;

    function count() {
      return model ? model.turns.length : 0;
    }

    /** @param {number} i */
    function estimate(i) {
      if (!model) {
        return baseHeight;
      }
      const lines = Math.max(1, Math.ceil(model.turns[i].text.length / charsPerLine));
      return baseHeight + (lines - 1) * lineHeight;
    }

    function computeOffsets() {
      if (!dirty) {
        return;
      }
      const n = heights.length;
      if (offsets.length !== n + 1) {
        offsets = new Float64Array(n + 1);
      }
      let y = 0;
      for (let i = 0; i < n; i++) {
        offsets[i] = y;
        y += heights[i];
      }
      offsets[n] = y;
      dirty = false;
    }

    /** The first turn whose bottom is below `y` (list coordinates). */
    /** @param {number} y */
    function indexAt(y) {
      computeOffsets();
      let lo = 0;
      let hi = heights.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (offsets[mid + 1] <= y) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    /** Document y of the list's top. */
    function listTop() {
      return ui ? ui.turns.getBoundingClientRect().top + window.scrollY : 0;
    }

    /** Height of what stays stuck at the top of the viewport (toolbar, player). */
    function stuckHeight() {
      if (!ui) {
        return 0;
      }
      return Math.max(0, ui.toolbar.getBoundingClientRect().bottom, ui.player.getBoundingClientRect().bottom);
    }

    /** The viewport in list coordinates, below what is stuck at its top. */
    function viewport() {
      const top = listTop();
      return { top: window.scrollY + stuckHeight() - top, bottom: window.scrollY + window.innerHeight - top };
    }

    /** (Re)sets the list for the current model: estimates for every turn, nothing rendered. */
    function reset() {
      const n = count();
      heights = new Float64Array(n);
      measured = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        heights[i] = estimate(i);
      }
      dirty = true;
      rows = new Map();
      width = ui ? ui.turns.clientWidth : 0;
      if (ui) {
        ui.turns.replaceChildren();
        ui.turns.setAttribute('data-count', String(n));
      }
    }

    /** The row of turn `i`, built with its current party name, matches and highlight. */
    /** @param {number} i */
    function buildRow(i) {
      const turn = /** @type {TranscriptViewModel} */ (model).turns[i];
      const s = /** @type {LoadMessage} */ (data).strings;
      const time = player.available()
        ? h('button', { className: 'time', text: turn.time, attrs: { type: 'button', 'aria-label': M.format(s.playFrom, turn.time) } })
        : h('span', { className: 'time', text: turn.time });
      const meta = h('div', { className: 'meta' }, [time, h('span', { className: 'party', text: turn.partyName })]);
      if (turn.overlap) {
        meta.append(h('span', { className: 'badge', text: s.overlapBadge, attrs: { title: s.overlapTitle } }));
      }
      const classes = ['turn', 'side-' + turn.side, 'party-' + (turn.partyIndex % 6)];
      if (turn.overlap) {
        classes.push('overlap');
      }
      const attrs = /** @type {Record<string, string | number>} */ ({
        'data-index': i,
        'data-party': turn.partyId,
        'data-start': turn.startMs,
        'aria-posinset': i + 1,
        'aria-setsize': count(),
      });
      if (i === activeTurn) {
        classes.push('active');
        attrs['aria-current'] = 'true';
      }
      const row = h('li', { className: classes.join(' '), attrs }, [meta, h('p', { className: 'text' })]);
      fillText(row, i);
      return row;
    }

    /** Fills the `.text` of a row with its segments: search hits as `mark`, low-confidence words as spans. */
    /**
     * @param {HTMLElement} row
     * @param {number} i
     */
    function fillText(row, i) {
      const s = /** @type {LoadMessage} */ (data).strings;
      const turn = /** @type {TranscriptViewModel} */ (model).turns[i];
      const own = matchesByTurn.get(i) || { first: 0, list: [] };
      const pieces = M.highlightSegments(M.segmentsOf(turn), own.list, own.first);
      const nodes = pieces.map((piece) => {
        /** @type {Node} */
        let node = document.createTextNode(piece.text);
        if (piece.confidence !== undefined) {
          const title = M.format(s.lowConfidence, M.formatPercent(piece.confidence));
          node = h('span', { className: 'low-confidence', attrs: { title } }, [node]);
        }
        if (piece.match !== undefined) {
          node = h('mark', { className: piece.match === currentMatch ? 'match current' : 'match', attrs: { 'data-match': piece.match } }, [node]);
        }
        return node;
      });
      const text = row.querySelector('.text');
      if (text) {
        text.replaceChildren(...nodes);
      }
    }

    /** Measures the rendered rows; returns how much the turns above `anchor` grew (px). */
    /** @param {number} anchor */
    function measure(anchor) {
      let shiftAbove = 0;
      /** @type {number[]} */
      const oneLine = [];
      rows.forEach((row, i) => {
        const height = row.getBoundingClientRect().height + GAP;
        if (height > 0 && Math.abs(height - heights[i]) > 0.5) {
          if (i < anchor) {
            shiftAbove += height - heights[i];
          }
          heights[i] = height;
          dirty = true;
        }
        if (!measured[i]) {
          measured[i] = 1;
          const text = /** @type {TranscriptViewModel} */ (model).turns[i].text;
          if (text.length < 40) {
            oneLine.push(height);
          }
        }
      });
      calibrate(oneLine);
      return shiftAbove;
    }

    /** Refines the estimates of unmeasured turns from what was measured (once, on the first rows shown). */
    /** @param {number[]} oneLine */
    function calibrate(oneLine) {
      if (!ui || oneLine.length === 0 || calibrated) {
        return;
      }
      const sample = ui.turns.querySelector('.turn .text');
      if (!sample) {
        return;
      }
      const style = window.getComputedStyle(sample);
      const fontSize = parseFloat(style.fontSize) || 13;
      lineHeight = parseFloat(style.lineHeight) || fontSize * 1.45;
      baseHeight = oneLine.reduce((a, b) => a + b, 0) / oneLine.length;
      // Turns are at most 75% of the list wide; about half an em per character of running text.
      charsPerLine = Math.max(20, Math.floor((ui.turns.clientWidth * 0.75 - 26) / (fontSize * 0.5)));
      for (let i = 0; i < heights.length; i++) {
        if (!measured[i]) {
          heights[i] = estimate(i);
        }
      }
      calibrated = true;
      dirty = true;
    }

    /** Puts the rows of the turns in and near the viewport into the DOM, keeping what the user reads in place. */
    function render() {
      scheduled = 0;
      if (!ui || !model) {
        return;
      }
      const n = count();
      if (n === 0) {
        return;
      }
      if (ui.turns.clientWidth !== width) {
        // New width: every turn wraps differently. Keep the turn at the top where it is.
        const view = viewport();
        const anchor = indexAt(Math.max(0, view.top));
        computeOffsets();
        const into = view.top - offsets[anchor];
        width = ui.turns.clientWidth;
        measured = new Uint8Array(n);
        calibrated = false;
        for (let i = 0; i < n; i++) {
          heights[i] = estimate(i);
        }
        dirty = true;
        layout();
        scrollToTurn(anchor, into, 'start');
        return;
      }
      layout();
    }

    /** One pass: rows for the viewport, measured; then again while measuring moved the viewport's rows. */
    function layout() {
      for (let pass = 0; pass < 3; pass++) {
        const view = viewport();
        const margin = Math.max(OVERSCAN, window.innerHeight);
        const first = indexAt(Math.max(0, view.top - margin));
        const last = indexAt(Math.max(0, view.bottom + margin));
        const anchor = indexAt(Math.max(0, view.top));
        place(first, last);
        const shift = measure(anchor);
        pad(first, last);
        if (shift !== 0 && anchor > 0) {
          window.scrollBy(0, shift);
        }
        if (shift === 0) {
          break;
        }
      }
      saveScroll();
    }

    /**
     * @param {number} first
     * @param {number} last
     */
    function place(first, last) {
      if (!ui) {
        return;
      }
      /** @type {Map<number, HTMLElement>} */
      const next = new Map();
      for (let i = first; i <= last; i++) {
        next.set(i, rows.get(i) || buildRow(i));
      }
      const same = next.size === rows.size && [...next.keys()].every((i) => rows.has(i));
      rows = next;
      if (!same) {
        pad(first, last);
        ui.turns.replaceChildren(...next.values());
      }
    }

    /**
     * @param {number} first
     * @param {number} last
     */
    function pad(first, last) {
      if (!ui) {
        return;
      }
      computeOffsets();
      ui.turns.style.paddingTop = offsets[first] + 'px';
      ui.turns.style.paddingBottom = Math.max(0, offsets[heights.length] - offsets[last + 1]) + 'px';
    }

    /**
     * Scrolls so that turn `i` shows: `start` puts its top `into` px above the viewport's top (under the toolbar),
     * `center` centres it, `nearest` scrolls only if it is not wholly visible.
     * @param {number} i
     * @param {number} into
     * @param {'start' | 'center' | 'nearest'} where
     */
    function scrollToTurn(i, into, where) {
      if (!ui || i < 0 || i >= count()) {
        return;
      }
      for (let pass = 0; pass < 4; pass++) {
        computeOffsets();
        const view = viewport();
        const top = offsets[i];
        const height = heights[i] - GAP;
        const visible = view.bottom - view.top;
        let target = view.top;
        if (where === 'start') {
          target = top + into;
        } else if (where === 'center') {
          target = top - Math.max(0, (visible - height) / 2);
        } else if (top < view.top) {
          target = top - GAP;
        } else if (top + height > view.bottom) {
          target = Math.min(top - GAP, top + height - visible + GAP);
        }
        const delta = target - view.top;
        if (Math.abs(delta) < 1) {
          if (pass > 0) {
            break;
          }
        } else {
          window.scrollBy(0, delta);
        }
        layout();
      }
    }

    /** Remembers the turn at the top of the view (restored with the page). */
    function saveScroll() {
      if (!ui || count() === 0) {
        return;
      }
      const view = viewport();
      const top = Math.max(0, view.top);
      const i = indexAt(top);
      const offset = Math.round(top - offsets[i]);
      if (state.scrollTurn !== i || state.scrollOffset !== offset) {
        saveState({ scrollTurn: i, scrollOffset: offset });
      }
    }

    /** Re-renders the rows shown (e.g. after a rename or a new player); heights stay. */
    function refresh() {
      if (!ui) {
        return;
      }
      rows.forEach((_row, i) => rows.set(i, buildRow(i)));
      ui.turns.replaceChildren(...rows.values());
    }

    /** Refills the text of turn `i` if it is shown (search hits changed). */
    /** @param {number} i */
    function refreshText(i) {
      const row = rows.get(i);
      if (row) {
        fillText(row, i);
      }
    }

    /** @param {number} i */
    function row(i) {
      return rows.get(i);
    }

    function schedule() {
      if (!scheduled) {
        scheduled = window.requestAnimationFrame(render);
      }
    }

    return { reset, render, schedule, scrollToTurn, refresh, refreshText, row };
  })();

  window.addEventListener('scroll', () => list.schedule(), { passive: true });
  window.addEventListener('resize', () => list.schedule());

  /** @param {number} index */
  function setActiveTurn(index) {
    if (index === activeTurn) {
      return;
    }
    const old = list.row(activeTurn);
    if (old) {
      old.classList.remove('active');
      old.removeAttribute('aria-current');
    }
    activeTurn = index;
    const now = list.row(index);
    if (now) {
      now.classList.add('active');
      now.setAttribute('aria-current', 'true');
    }
    list.scrollToTurn(index, 0, 'nearest');
  }

  /** @param {MouseEvent} event */
  function onTurnsClick(event) {
    const time = event.target instanceof Element ? event.target.closest('button.time') : null;
    const turn = time && /** @type {HTMLElement | null} */ (time.closest('.turn'));
    if (turn) {
      seek(Number(turn.dataset.start), true);
    }
  }

  /**
   * Moves to `ms`: highlights and shows the turn there, and moves the player (playing when `play`).
   * @param {number} ms
   * @param {boolean} play
   */
  function seek(ms, play) {
    if (!model) {
      return;
    }
    setActiveTurn(M.activeTurnIndex(model.turns, ms));
    player.seek(ms, play);
  }

  // ---- player ------------------------------------------------------------------------------------------------

  /**
   * The audio player. The host announces how to play the recording (`audio`) once it has looked at the file, so
   * the transcript never waits for it; until then the player says it is loading. A streamed recording is a
   * MediaSource fed with the windows the player needs: around the playback position, asked for when the user seeks
   * or when what is buffered ahead runs low, older windows dropped — a 3-hour recording starts anywhere at once and
   * the page never holds more than a few minutes of it.
   *
   * Where the page cannot stream — no MediaSource, the stream's type not supported, or a SourceBuffer or media error
   * while streaming — it falls back to the recording's webview resource URI: it asks the host (`audioFallback`,
   * answered with an `audio` message of kind `uri`), says so in the player, and resumes at the position it was at
   * (playing if it was). A time clicked meanwhile is where it resumes. A stream that stalls without an error (the
   * host never answers a window: the user waits, playing or seeking, while no window arrives and the position does
   * not move for {@link STALL_MS}) falls back the same way, saying that the stream stopped; a slow stream whose
   * windows keep arriving, or that keeps playing what it has, never does.
   */
  const player = (function () {
    /**
     * Buffering: seconds kept ready ahead while playing / paused; window lengths asked for (small after a seek, so
     * it starts fast; larger while playing); seconds kept behind / ahead of the position (the rest is dropped).
     */
    const AHEAD = { playing: 30, paused: 6 };
    const WINDOW_MS = { first: 4000, next: 20000 };
    const KEEP = { behind: 60, ahead: 240 };
    /** How long playback may wait on the stream — no window arriving, the position not moving — before it is stalled. */
    const STALL_MS = 15000;

    /** @type {AudioSource | null} */
    let source = null;
    /** @type {HTMLElement | null} */
    let status = null;
    /** Streaming state. */
    /** @type {MediaSource | null} */
    let mediaSource = null;
    /** @type {SourceBuffer | null} */
    let buffer = null;
    /** @type {Uint8Array[]} */
    let queue = [];
    let requestCount = 0;
    /** @type {{ request: number, startMs: number, durationMs: number } | null} */
    let pending = null;
    let endAppended = false;
    /** Why streaming failed on this page ('' while it works): the recording is played from its resource URI. */
    let streamFailure = '';
    /** Whether the stream stalled (rather than failed): the player's note says so. */
    let stalled = false;
    /** The stall watch of the stream (an interval), the last sign of progress, and the position then (s). */
    let stallWatch = 0;
    let lastProgress = 0;
    let lastPosition = -1;
    /** While the page waits for the resource URI: where to resume, and whether to play. */
    /** @type {{ positionMs: number, play: boolean } | null} */
    let resume = null;

    function audio() {
      return ui ? ui.audio : null;
    }

    /** True once the recording can be played (the times become buttons), or while it switches to its file. */
    function available() {
      return (!!source && source.kind !== 'none') || !!resume;
    }

    /** The player's place before the host said how to play: a loading note, or nothing without a recording. */
    /**
     * @param {Ui} ui
     * @param {boolean} hasAudio
     * @param {TranscriptStrings} s
     */
    function announce(ui, hasAudio, s) {
      if (!hasAudio) {
        reset();
        ui.player.replaceChildren();
        ui.audio = null;
        return;
      }
      if (source || resume) {
        return; // keep playing across loads of the same recording (or keep saying it switches to the file)
      }
      status = h('span', { className: 'player-status', text: s.audioLoading, attrs: { role: 'status' } });
      ui.player.setAttribute('data-state', 'loading');
      ui.player.replaceChildren(status);
    }

    /**
     * The host said how to play the recording.
     * @param {AudioSource} next
     */
    function open(next) {
      if (!ui || !data) {
        return;
      }
      stop();
      source = next;
      const s = data.strings;
      if (next.kind === 'none') {
        resume = null;
        status = h('span', { className: 'player-status', text: next.message, attrs: { role: 'status' } });
        ui.player.setAttribute('data-state', 'error');
        ui.player.replaceChildren(status);
        return;
      }
      if (next.kind === 'stream') {
        const problem = streamFailure || streamProblem(next.mime);
        if (problem) {
          fallBack(problem);
          return;
        }
      }
      const element = /** @type {HTMLAudioElement} */ (h('audio', { attrs: { controls: '', preload: 'metadata', 'aria-label': s.audio } }));
      element.addEventListener('timeupdate', onTimeUpdate);
      element.addEventListener('seeked', onTimeUpdate);
      element.addEventListener('error', () => onMediaError(element));
      ui.audio = element;
      const at = resume ? resume.positionMs : state.positionMs || 0;
      const play = !!resume && resume.play;
      resume = null;
      if (next.kind === 'uri') {
        element.src = next.uri;
      } else {
        stream(element, next);
      }
      if (at > 0) {
        element.currentTime = at / 1000;
      }
      // The length shown is the decoded audio's (the browser's own clock is hidden by the CSS: it reads the header).
      const time = h('span', { attrs: { id: 'player-time', 'aria-live': 'off' } });
      ui.player.replaceChildren(element, time);
      if (streamFailure) {
        // Played from its file instead of streamed: say so, and that it loads until the browser has its header.
        status = h('span', { className: 'player-status', text: stalled ? s.audioStalled : s.audioFallback, attrs: { role: 'status' } });
        ui.player.append(status);
        ui.player.setAttribute('data-state', 'loading');
        element.addEventListener('loadedmetadata', () => {
          if (ui && ui.audio === element && ui.player.getAttribute('data-state') === 'loading') {
            ui.player.setAttribute('data-state', 'ready');
          }
        });
      } else {
        ui.player.setAttribute('data-state', 'ready');
      }
      if (play) {
        element.play().catch(() => undefined); // an error shows in the player (onMediaError)
      }
      showTime();
      list.refresh(); // times become buttons
    }

    /**
     * Why this page cannot stream `mime` ('' when it can): some hosts have no MediaSource, or not for this type.
     * @param {string} mime
     */
    function streamProblem(mime) {
      if (typeof window.MediaSource !== 'function') {
        return 'MediaSource is not available';
      }
      try {
        return window.MediaSource.isTypeSupported(mime) ? '' : 'MediaSource does not support ' + mime;
      } catch (err) {
        return 'MediaSource.isTypeSupported failed: ' + describe(err);
      }
    }

    /** @param {unknown} err */
    function describe(err) {
      return err instanceof Error ? err.name + ': ' + err.message : String(err);
    }

    /**
     * Streaming does not work here: stops it, says that the recording is played from its file, and asks the host
     * for its resource URI; {@link open} resumes at the position the player was at, playing if it was.
     * @param {string} reason what failed, for the host's log
     * @param {boolean} [stall] the stream stalled (no error): the note says the stream stopped
     */
    function fallBack(reason, stall = false) {
      if (!ui || !data || resume) {
        return; // gone, or already waiting for the host
      }
      const element = audio();
      const positionMs = element ? Math.round(element.currentTime * 1000) : state.positionMs || 0;
      const play = !!element && !element.paused;
      stop();
      streamFailure = reason;
      stalled = stall;
      resume = { positionMs, play };
      status = h('span', { className: 'player-status', text: stall ? data.strings.audioStalled : data.strings.audioFallback, attrs: { role: 'status' } });
      ui.player.setAttribute('data-state', 'loading');
      ui.player.replaceChildren(status);
      list.refresh(); // times are buttons: a click says where to start
      vscode.postMessage({ type: 'audioFallback', reason });
    }

    /**
     * The audio element failed: a stream falls back to the file; the file itself says why it cannot play.
     * @param {HTMLAudioElement} element
     */
    function onMediaError(element) {
      if (!ui || ui.audio !== element || !source || !data) {
        return; // an element already let go
      }
      const error = element.error;
      const detail = error ? 'MediaError ' + error.code + (error.message ? ': ' + error.message : '') : 'MediaError';
      if (source.kind === 'stream') {
        fallBack(detail);
      } else {
        showError(M.format(data.strings.audioError, detail));
      }
    }

    /** Position / length under the player, the length being the decoded audio's (the result's duration). */
    function showTime() {
      const time = ui && ui.player.querySelector('#player-time');
      if (time && ui && ui.audio && data) {
        time.textContent = M.playerTime(Math.round(ui.audio.currentTime * 1000), data.transcript.durationMs);
      }
    }

    /**
     * @param {HTMLAudioElement} element
     * @param {{ mime: string, durationMs: number, init: Uint8Array }} stream
     */
    function stream(element, stream) {
      const ms = new window.MediaSource();
      mediaSource = ms;
      const url = URL.createObjectURL(ms);
      ms.addEventListener(
        'sourceopen',
        () => {
          URL.revokeObjectURL(url);
          if (mediaSource !== ms) {
            return;
          }
          /** @type {SourceBuffer} */
          let sb;
          try {
            ms.duration = stream.durationMs / 1000;
            sb = ms.addSourceBuffer(stream.mime);
          } catch (err) {
            fallBack('addSourceBuffer: ' + describe(err));
            return;
          }
          buffer = sb;
          sb.addEventListener('updateend', pump);
          // A segment the browser cannot parse or decode (the media element's error follows).
          sb.addEventListener('error', () => {
            if (buffer === sb) {
              fallBack('SourceBuffer error');
            }
          });
          queue.push(stream.init);
          pump();
          want();
        },
        { once: true },
      );
      element.src = url;
      for (const event of ['seeking', 'timeupdate', 'playing', 'pause']) {
        element.addEventListener(event, want);
      }
      // Pressing play or seeking starts the wait afresh; the watch looks once a second.
      lastProgress = window.performance.now();
      lastPosition = -1;
      for (const event of ['play', 'seeking']) {
        element.addEventListener(event, () => {
          lastProgress = window.performance.now();
        });
      }
      stallWatch = window.setInterval(() => watchStall(element), 1000);
    }

    /**
     * Falls back to the file when the stream stalled: playback is wanted (playing, or a seek waiting for its data)
     * and, for {@link STALL_MS}, no window arrived and the position did not move. Paused, or at the end, nothing waits.
     * @param {HTMLAudioElement} element
     */
    function watchStall(element) {
      if (!ui || ui.audio !== element || !source || source.kind !== 'stream') {
        return;
      }
      const now = window.performance.now();
      const t = element.currentTime;
      const waiting = (!element.paused || element.seeking) && t * 1000 < source.durationMs - 250;
      if (!waiting || t !== lastPosition) {
        lastPosition = t;
        lastProgress = now;
        return;
      }
      if (now - lastProgress >= STALL_MS) {
        const asked = pending ? 'window ' + pending.request + ' from ' + pending.startMs + ' ms unanswered' : 'no window asked for';
        fallBack('the stream stalled: nothing arrived for ' + Math.round((now - lastProgress) / 1000) + ' s at ' + Math.round(t * 1000) + ' ms (' + asked + ')', true);
      }
    }

    /** Appends the next queued segment, or ends the stream once the last window is in. */
    function pump() {
      const sb = buffer;
      const ms = mediaSource;
      if (!sb || !ms || sb.updating || ms.readyState === 'closed') {
        return;
      }
      const next = queue.shift();
      if (next) {
        evict(sb);
        if (sb.updating) {
          queue.unshift(next);
          return;
        }
        try {
          sb.appendBuffer(next);
        } catch (err) {
          fallBack('appendBuffer: ' + describe(err));
        }
        return;
      }
      if (endAppended && !pending && ms.readyState === 'open') {
        try {
          ms.endOfStream();
        } catch {
          // a seek reopened the stream meanwhile
        }
      }
      want();
    }

    /** Drops what is far behind or far ahead of the position, so the buffer stays a few minutes long. */
    /** @param {SourceBuffer} sb */
    function evict(sb) {
      const element = audio();
      if (!element || sb.buffered.length === 0) {
        return;
      }
      const t = element.currentTime;
      const start = sb.buffered.start(0);
      const end = sb.buffered.end(sb.buffered.length - 1);
      if (start < t - KEEP.behind) {
        sb.remove(start, t - KEEP.behind);
      } else if (end > t + KEEP.ahead) {
        sb.remove(t + KEEP.ahead, end);
      }
    }

    /** Asks the host for the window the player needs next, if any. */
    function want() {
      const element = audio();
      const sb = buffer;
      if (!element || !sb || !source || source.kind !== 'stream' || pending || queue.length > 0 || sb.updating) {
        return;
      }
      const durationMs = source.durationMs;
      const t = element.currentTime;
      let end = -1;
      for (let k = 0; k < sb.buffered.length; k++) {
        if (sb.buffered.start(k) <= t + 0.3 && sb.buffered.end(k) >= t) {
          end = sb.buffered.end(k);
        }
      }
      const ahead = element.paused ? AHEAD.paused : AHEAD.playing;
      if (end >= 0 && (end - t >= ahead || end * 1000 >= durationMs - 50)) {
        return;
      }
      const startMs = Math.max(0, Math.floor(end >= 0 ? end * 1000 : t * 1000));
      if (startMs >= durationMs) {
        return;
      }
      requestCount++;
      pending = { request: requestCount, startMs, durationMs: end >= 0 ? WINDOW_MS.next : WINDOW_MS.first };
      vscode.postMessage({ type: 'audioRequest', request: pending.request, startMs: pending.startMs, durationMs: pending.durationMs });
    }

    /**
     * A window the host read.
     * @param {AudioDataMessage} message
     */
    function received(message) {
      if (!pending || message.request !== pending.request) {
        return;
      }
      pending = null;
      lastProgress = window.performance.now();
      if (message.error || !message.data) {
        showError(message.error || '');
        return;
      }
      if (source && source.kind === 'stream' && message.endMs >= source.durationMs - 1) {
        endAppended = true;
      }
      queue.push(message.data);
      pump();
    }

    /**
     * The recording cannot play: says why, in place of the player's note when it has one.
     * @param {string} message
     */
    function showError(message) {
      if (!ui) {
        return;
      }
      const note = h('span', { className: 'player-status', text: message, attrs: { role: 'alert' } });
      ui.player.setAttribute('data-state', 'error');
      if (status && status.parentNode === ui.player) {
        status.replaceWith(note);
      } else {
        ui.player.append(note);
      }
      status = note;
    }

    /**
     * @param {number} ms
     * @param {boolean} play
     */
    function seek(ms, play) {
      const element = audio();
      if (!element) {
        if (resume) {
          // Switching to the file: it starts there.
          resume = { positionMs: ms, play: play || resume.play };
          saveState({ positionMs: ms });
        }
        return;
      }
      element.currentTime = ms / 1000;
      if (play) {
        element.play().catch(() => undefined); // e.g. an unsupported codec: the player shows its own error
      }
    }

    /** Lets the current element and stream go (the page keeps knowing whether streaming failed). */
    function stop() {
      const element = audio();
      if (element) {
        element.pause();
        element.removeAttribute('src');
        element.load();
      }
      if (ui) {
        ui.audio = null;
      }
      source = null;
      status = null;
      window.clearInterval(stallWatch);
      stallWatch = 0;
      mediaSource = null;
      buffer = null;
      queue = [];
      pending = null;
      endAppended = false;
    }

    /** Forgets the recording (a new page or "no longer available"). */
    function reset() {
      stop();
      streamFailure = '';
      stalled = false;
      resume = null;
    }

    return { announce, open, received, seek, reset, available, showTime };
  })();

  function onTimeUpdate() {
    if (!ui || !ui.audio || !model) {
      return;
    }
    const ms = Math.round(ui.audio.currentTime * 1000);
    if (ms !== state.positionMs) {
      saveState({ positionMs: ms });
    }
    player.showTime();
    setActiveTurn(M.activeTurnIndex(model.turns, ms));
  }

  // ---- search ------------------------------------------------------------------------------------------------

  /**
   * Recomputes the matches of the search box over all turns and selects match `select` (clamped); the turns shown
   * get their marks, and the selected match is scrolled to when `reveal`.
   * @param {number} select
   * @param {boolean} reveal
   */
  function updateSearch(select, reveal) {
    if (!ui || !model) {
      return;
    }
    const changed = new Set(matchesByTurn.keys());
    matches = M.searchTurns(model.turns, ui.search.value);
    matchesByTurn = new Map();
    matches.forEach((m, n) => {
      const own = matchesByTurn.get(m.turn);
      if (own) {
        own.list.push(m);
      } else {
        matchesByTurn.set(m.turn, { first: n, list: [m] });
      }
      changed.add(m.turn);
    });
    currentMatch = matches.length > 0 ? Math.min(Math.max(select, 0), matches.length - 1) : -1;
    changed.forEach((i) => list.refreshText(i));
    showCurrentMatch(reveal);
  }

  /** @param {number} delta */
  function stepMatch(delta) {
    if (matches.length === 0) {
      return;
    }
    const previous = matches[currentMatch];
    currentMatch = M.wrapIndex(currentMatch + delta, matches.length);
    list.refreshText(previous.turn);
    list.refreshText(matches[currentMatch].turn);
    showCurrentMatch(true);
  }

  /** @param {boolean} reveal */
  function showCurrentMatch(reveal) {
    if (!ui || !data) {
      return;
    }
    const s = data.strings;
    const query = ui.search.value.trim();
    ui.count.textContent = !query ? '' : matches.length === 0 ? s.noMatches : M.format(s.matchCount, currentMatch + 1, matches.length);
    ui.prev.disabled = ui.next.disabled = matches.length === 0;
    if (reveal && currentMatch >= 0) {
      list.scrollToTurn(matches[currentMatch].turn, 0, 'center');
      const mark = ui.turns.querySelector('mark.current');
      if (mark) {
        mark.scrollIntoView({ block: 'nearest' });
      }
    }
  }

  // ---- messages ----------------------------------------------------------------------------------------------

  /** @param {LoadMessage} message */
  function load(message) {
    const sameKey = !!data && data.key === message.key;
    const restoring = !data && state.key === message.key;
    // Read before the first render, which saves the (new) scroll position.
    const scrollTurn = state.scrollTurn;
    const scrollOffset = state.scrollOffset || 0;
    data = message;
    saveState({ key: message.key });
    document.title = message.title;
    const layout = ui || buildLayout(message.strings);
    layout.title.textContent = message.title;
    model = M.buildViewModel(message.transcript);
    renderWarnings(message);
    renderAnalytics(message, layout);
    player.announce(layout, message.hasAudio, message.strings);
    matches = [];
    matchesByTurn = new Map();
    activeTurn = state.positionMs && state.positionMs > 0 ? M.activeTurnIndex(model.turns, state.positionMs) : -1;
    list.reset();
    if (model.turns.length === 0) {
      layout.turns.replaceChildren(h('li', { className: 'empty', text: message.strings.noSpeech }));
    }
    list.render();
    updateSearch(sameKey ? currentMatch : 0, false);
    if (restoring && typeof scrollTurn === 'number' && scrollTurn > 0) {
      list.scrollToTurn(Math.min(scrollTurn, model.turns.length - 1), scrollOffset, 'start');
    } else if (!sameKey && currentMatch >= 0) {
      showCurrentMatch(true);
    } else if (!sameKey && activeTurn >= 0) {
      list.scrollToTurn(activeTurn, 0, 'nearest');
    }
    vscode.postMessage({ type: 'rendered', turns: model.turns.length });
  }

  /**
   * New party names: the analytics and the turns shown take them; nothing is reloaded.
   * @param {import('../src/vscode/transcriptViewModel').PartiesMessage} message
   */
  function rename(message) {
    if (!data || !ui) {
      return;
    }
    data = Object.assign({}, data, { transcript: Object.assign({}, data.transcript, { parties: message.parties }) });
    model = M.buildViewModel(data.transcript);
    renderAnalytics(data, ui);
    list.refresh();
  }

  window.addEventListener('message', (event) => {
    const message = /** @type {HostMessage | undefined} */ (event.data);
    if (!message) {
      return;
    }
    switch (message.type) {
      case 'load':
        load(message);
        break;
      case 'audio':
        player.open(message.source);
        break;
      case 'audioData':
        player.received(message);
        break;
      case 'parties':
        rename(message);
        break;
      case 'unavailable':
        data = null;
        showMessage(message.message);
        break;
    }
  });

  window.addEventListener('keydown', (event) => {
    if (ui && (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'f') {
      event.preventDefault();
      ui.search.focus();
      ui.search.select();
    }
  });

  vscode.postMessage({ type: 'ready' });
})();
