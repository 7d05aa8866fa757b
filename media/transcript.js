// @ts-check
/**
 * The transcript webview: the merged conversation as a chat, call analytics, search, rename, audio player.
 * Protocol (src/vscode/transcriptViewModel.ts, which this file is type-checked against): posts `ready`, gets `load`
 * (again after a rename) or `unavailable`; posts `rendered`, `rename`, `copy`, `export`. Keeps `{key, positionMs, query}` with
 * setState so the host's serializer can restore the panel. Text goes in with textContent only.
 *
 * DOM hooks (stable; the end-to-end tests use them):
 *   #message                          status text (loading, "no longer available")
 *   #analytics                        call analytics (summary, talk-time bar, one row per party)
 *   #analytics .rename[data-party]    rename button of a party (asks the host for the new name)
 *   #search, #search-count, #search-prev, #search-next   search box, "2 of 5", previous/next match
 *   #copy, #export                    toolbar buttons
 *   audio                             the recording (only when the host has a local file)
 *   #player-time                      its position / length as 0:12 / 0:48 (length: the decoded audio's)
 *   #turns > .turn                    one turn: data-party (party id), data-start (ms); classes side-left or
 *                                     side-right, party-N (colour), overlap (crosstalk), active (now playing)
 *   .turn .time                       start as 00:01:23 (a button that plays from there when there is audio)
 *   .turn .party                      party name
 *   .turn .text                       text; mark.match (search hits, .current for the selected one) and
 *                                     span.low-confidence (title gives the confidence)
 *   #analytics .legend                how many words are marked low-confidence and what the mark means
 */
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

  /** `{key, positionMs, query}`, persisted with setState. */
  /** @type {TranscriptWebviewState} */
  let state = vscode.getState() || {};
  /** The last `load` message. */
  /** @type {LoadMessage | null} */
  let data = null;
  /** View model of `data` and the `.turn` element of each turn. */
  /** @type {TranscriptViewModel | null} */
  let model = null;
  /** @type {HTMLElement[]} */
  let turnElements = [];
  /** Static parts, built on the first `load`. */
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

  /** `document.createElement` with a class, text and attributes; children appended in order. */
  /**
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
      updateSearch(0);
    });
    search.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        stepMatch(event.shiftKey ? -1 : 1);
      } else if (event.key === 'Escape' && search.value) {
        event.preventDefault();
        search.value = '';
        saveState({ query: '' });
        updateSearch(0);
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
    const analytics = h('section', { attrs: { id: 'analytics', 'aria-label': s.analytics } });
    const player = h('div', { className: 'player' });
    const turns = h('ol', { attrs: { id: 'turns', 'aria-label': s.conversation } });
    turns.addEventListener('click', onTurnsClick);

    app.replaceChildren(toolbar, analytics, player, turns);
    app.removeAttribute('aria-busy');
    /** @type {Ui} */
    const built = { title, search, count, prev, next, analytics, player, turns, audio: null };
    ui = built;
    return built;
  }

  // ---- analytics ---------------------------------------------------------------------------------------------

  /**
   * @param {LoadMessage} data
   * @param {Ui} ui
   * @param {TranscriptStrings} s
   */
  function renderAnalytics(data, ui, s) {
    const a = M.buildAnalytics(data.analytics, data.conversation.parties);
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
  }

  /**
   * The low-confidence legend under the analytics: a sample of the mark and what it means (only when words are marked).
   * @param {LoadMessage} data
   * @param {TranscriptViewModel} view
   * @param {Ui} ui
   */
  function renderLegend(data, view, ui) {
    const marked = view.turns.reduce((n, turn) => n + turn.segments.filter((seg) => seg.confidence !== undefined).length, 0);
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

  // ---- audio -------------------------------------------------------------------------------------------------

  /**
   * @param {LoadMessage} data
   * @param {Ui} ui
   * @param {TranscriptStrings} s
   */
  function renderAudio(data, ui, s) {
    const uri = data.audioUri;
    if (!uri) {
      ui.player.replaceChildren();
      ui.audio = null;
      return;
    }
    if (ui.audio && ui.audio.getAttribute('src') === uri) {
      return; // keep playing across re-renders (e.g. after a rename)
    }
    const audio = /** @type {HTMLAudioElement} */ (h('audio', { attrs: { controls: '', preload: 'metadata', src: uri, 'aria-label': s.audio } }));
    audio.addEventListener('timeupdate', onTimeUpdate);
    audio.addEventListener('seeked', onTimeUpdate);
    if (state.positionMs && state.positionMs > 0) {
      audio.currentTime = state.positionMs / 1000;
    }
    // The length shown is the decoded audio's (the browser's own clock is hidden by the CSS: it reads the header).
    const time = h('span', { attrs: { id: 'player-time', 'aria-live': 'off' } });
    ui.player.replaceChildren(audio, time);
    ui.audio = audio;
    showPlayerTime();
  }

  function showPlayerTime() {
    const time = ui && ui.player.querySelector('#player-time');
    if (time && ui && ui.audio && data) {
      time.textContent = M.playerTime(Math.round(ui.audio.currentTime * 1000), data.conversation.durationMs);
    }
  }

  function onTimeUpdate() {
    if (!ui || !ui.audio || !model) {
      return;
    }
    const ms = Math.round(ui.audio.currentTime * 1000);
    saveState({ positionMs: ms });
    showPlayerTime();
    setActiveTurn(M.activeTurnIndex(model.turns, ms));
  }

  /** @param {number} index */
  function setActiveTurn(index) {
    if (index === activeTurn) {
      return;
    }
    const old = turnElements[activeTurn];
    if (old) {
      old.classList.remove('active');
      old.removeAttribute('aria-current');
    }
    activeTurn = index;
    const now = turnElements[index];
    if (now) {
      now.classList.add('active');
      now.setAttribute('aria-current', 'true');
      now.scrollIntoView({ block: 'nearest' });
    }
  }

  /** Moves to `ms`: highlights and shows the turn there, and moves the player (playing when `play`). */
  /**
   * @param {number} ms
   * @param {boolean} play
   */
  function seek(ms, play) {
    if (!ui || !model) {
      return;
    }
    setActiveTurn(M.activeTurnIndex(model.turns, ms));
    if (ui.audio) {
      ui.audio.currentTime = ms / 1000;
      if (play) {
        ui.audio.play().catch(() => undefined); // e.g. an unsupported codec: the player shows its own error
      }
    }
  }

  /** @param {MouseEvent} event */
  function onTurnsClick(event) {
    const time = event.target instanceof Element ? event.target.closest('button.time') : null;
    const turn = time && /** @type {HTMLElement | null} */ (time.closest('.turn'));
    if (turn) {
      seek(Number(turn.dataset.start), true);
    }
  }

  // ---- turns -------------------------------------------------------------------------------------------------

  /**
   * @param {LoadMessage} data
   * @param {TranscriptViewModel} model
   * @param {Ui} ui
   * @param {TranscriptStrings} s
   */
  function renderTurns(data, model, ui, s) {
    turnElements = model.turns.map((turn) => {
      const time = data.audioUri
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
      return h('li', { className: classes.join(' '), attrs: { 'data-party': turn.partyId, 'data-start': turn.startMs } }, [
        meta,
        h('p', { className: 'text' }),
      ]);
    });
    if (turnElements.length === 0) {
      ui.turns.replaceChildren(h('li', { className: 'empty', text: s.noSpeech }));
    } else {
      ui.turns.replaceChildren(...turnElements);
    }
    activeTurn = -1;
    model.turns.forEach((_turn, i) => renderText(i));
  }

  /** (Re)fills the `.text` of turn `i` with its segments: search hits as `mark`, low-confidence words as spans. */
  /** @param {number} i */
  function renderText(i) {
    if (!data || !model) {
      return;
    }
    const s = data.strings;
    const own = matchesByTurn.get(i) || { first: 0, list: [] };
    const pieces = M.highlightSegments(model.turns[i].segments, own.list, own.first);
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
    const text = turnElements[i].querySelector('.text');
    if (text) {
      text.replaceChildren(...nodes);
    }
  }

  // ---- search ------------------------------------------------------------------------------------------------

  /** Recomputes the matches of the search box and selects match `select` (clamped), re-rendering changed turns. */
  /** @param {number} select */
  function updateSearch(select) {
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
    changed.forEach((i) => renderText(i));
    showCurrentMatch();
  }

  /** @param {number} delta */
  function stepMatch(delta) {
    if (matches.length === 0) {
      return;
    }
    const previous = matches[currentMatch];
    currentMatch = M.wrapIndex(currentMatch + delta, matches.length);
    renderText(previous.turn);
    renderText(matches[currentMatch].turn);
    showCurrentMatch();
  }

  function showCurrentMatch() {
    if (!ui || !data) {
      return;
    }
    const s = data.strings;
    const query = ui.search.value.trim();
    ui.count.textContent = !query ? '' : matches.length === 0 ? s.noMatches : M.format(s.matchCount, currentMatch + 1, matches.length);
    ui.prev.disabled = ui.next.disabled = matches.length === 0;
    const mark = ui.turns.querySelector('mark.current');
    if (mark) {
      mark.scrollIntoView({ block: 'center' });
    }
  }

  // ---- messages ----------------------------------------------------------------------------------------------

  /** @param {LoadMessage} message */
  function load(message) {
    const firstLoad = !ui || !data || data.key !== message.key;
    data = message;
    saveState({ key: message.key });
    document.title = message.title;
    const layout = ui || buildLayout(message.strings);
    layout.title.textContent = message.title;
    const view = M.buildViewModel(message);
    model = view;
    renderAnalytics(message, layout, message.strings);
    renderLegend(message, view, layout);
    renderAudio(message, layout, message.strings);
    matches = [];
    matchesByTurn = new Map();
    renderTurns(message, view, layout, message.strings);
    updateSearch(firstLoad ? 0 : currentMatch);
    if (state.positionMs && state.positionMs > 0) {
      setActiveTurn(M.activeTurnIndex(view.turns, state.positionMs));
    }
    vscode.postMessage({ type: 'rendered', turns: view.turns.length });
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
