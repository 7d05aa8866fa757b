// @ts-check
/**
 * The batch summary webview: one sortable row per call, talk-share bars, a chart of call durations, CSV export.
 * Protocol (src/vscode/batchSummaryViewModel.ts, which this file is type-checked against): posts `ready`, gets `load`;
 * posts `rendered`, `open` (a call's transcript) and `exportCsv`. Text goes in with textContent only.
 *
 * DOM hooks (stable; the tests use them):
 *   #summary thead th[data-sort]    a column header; click sorts (again: reverses); aria-sort says how
 *   #summary tbody tr[data-call]    one call; data-status transcribed|failed|cancelled
 *   td[data-col]                    a cell: call, status, duration, talkShare, silence, crosstalk, interruptions, wpm, longest
 *   .open                           the call's name as a button that opens its transcript
 *   .share .bar > span[data-party]  talk-share bar segments
 *   #durations .bucket              the duration chart's bars (data-count)
 *   #export-csv                     Export CSV… button
 */
/** @typedef {import('../src/vscode/batchSummaryViewModel').SummaryCall} SummaryCall */
/** @typedef {import('../src/vscode/batchSummaryViewModel').SummaryLoadMessage} SummaryLoadMessage */
/** @typedef {import('../src/vscode/batchSummaryViewModel').SummaryWebviewApi} SummaryWebviewApi */
/** @typedef {import('../src/vscode/batchSummaryViewModel').SummaryStrings} SummaryStrings */

(function () {
  const page = /** @type {{ acquireVsCodeApi(): SummaryWebviewApi }} */ (/** @type {unknown} */ (window));
  const vscode = page.acquireVsCodeApi();
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));

  /** @param {string} tag @param {string} [className] @param {string} [text] */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** "4:07", floored to the second like every time shown (src/core/ticks.ts) @param {number | undefined} ms */
  function clock(ms) {
    if (ms === undefined) return '';
    const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
    const h = Math.floor(total / 3600);
    const mm = Math.floor(total / 60) % 60;
    const ss = String(total % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
  }

  /** @param {string} template @param {...(string | number)} values */
  function format(template, ...values) {
    return template.replace(/\{(\d+)\}/g, (_, i) => String(values[Number(i)]));
  }

  /** Columns: key, header, sort value, cell content. @param {SummaryStrings} s */
  function columns(s) {
    /** @type {{ key: string; header: string; value: (c: SummaryCall) => string | number; cell: (c: SummaryCall, td: HTMLElement) => void }[]} */
    const cols = [
      {
        key: 'call',
        header: s.call,
        value: (c) => c.call.toLowerCase(),
        cell: (c, td) => {
          if (c.key) {
            const button = el('button', 'open', c.call);
            button.title = c.call;
            const key = c.key;
            button.addEventListener('click', () => vscode.postMessage({ type: 'open', key }));
            td.append(button);
          } else td.textContent = c.call;
        },
      },
      {
        key: 'status',
        header: s.status,
        value: (c) => c.status,
        cell: (c, td) => {
          td.textContent = c.status === 'failed' ? `${s.failed}: ${c.reason ?? ''}` : c.status === 'cancelled' ? s.cancelled : s.transcribed;
          td.className = c.status;
        },
      },
      { key: 'duration', header: s.duration, value: (c) => c.durationMs ?? -1, cell: (c, td) => (td.textContent = clock(c.durationMs)) },
      {
        key: 'talkShare',
        header: s.talkShare,
        value: (c) => c.talkShare?.[0]?.share ?? -1,
        cell: (c, td) => {
          if (!c.talkShare) return;
          td.classList.add('share');
          const bar = el('div', 'bar');
          bar.setAttribute('role', 'img');
          const label = c.talkShare.map((p) => `${p.party} ${Math.round(p.share * 100)}%`).join(' / ');
          bar.setAttribute('aria-label', label);
          bar.title = label;
          c.talkShare.forEach((p, i) => {
            const part = el('span', `party-${i % 6}`);
            part.dataset.party = p.party;
            part.style.width = `${(p.share * 100).toFixed(1)}%`;
            bar.append(part);
          });
          td.append(bar, el('span', 'share-text', label));
        },
      },
      { key: 'silence', header: s.silence, value: (c) => c.silenceMs ?? -1, cell: (c, td) => (td.textContent = clock(c.silenceMs)) },
      { key: 'crosstalk', header: s.crosstalk, value: (c) => c.crosstalkMs ?? -1, cell: (c, td) => (td.textContent = clock(c.crosstalkMs)) },
      { key: 'interruptions', header: s.interruptions, value: (c) => c.interruptions ?? -1, cell: (c, td) => (td.textContent = c.interruptions === undefined ? '' : String(c.interruptions)) },
      { key: 'wpm', header: s.wpm, value: (c) => c.wordsPerMinute ?? -1, cell: (c, td) => (td.textContent = c.wordsPerMinute === undefined ? '' : String(c.wordsPerMinute)) },
      {
        key: 'longest',
        header: s.longestMonologue,
        value: (c) => c.longestMonologueMs ?? -1,
        cell: (c, td) => (td.textContent = c.longestMonologueMs ? `${clock(c.longestMonologueMs)}${c.longestMonologueParty ? ` (${c.longestMonologueParty})` : ''}` : ''),
      },
    ];
    return cols;
  }

  /** A bar chart of call durations in up to 8 buckets. @param {SummaryCall[]} calls @param {SummaryStrings} s */
  function durationChart(calls, s) {
    const durations = calls.flatMap((c) => (c.durationMs === undefined ? [] : [c.durationMs]));
    const section = el('section');
    section.id = 'durations';
    section.append(el('h2', undefined, s.durations));
    if (durations.length === 0) return section;
    const max = Math.max(...durations);
    const count = Math.min(8, Math.max(1, durations.length));
    const width = Math.max(1000, Math.ceil(max / count / 1000) * 1000);
    /** @type {number[]} */
    const buckets = Array.from({ length: Math.ceil((max + 1) / width) }, () => 0);
    for (const d of durations) buckets[Math.min(buckets.length - 1, Math.floor(d / width))]++;
    const most = Math.max(...buckets);
    const chart = el('div', 'chart');
    chart.setAttribute('role', 'list');
    buckets.forEach((n, i) => {
      const bucket = el('div', 'bucket');
      bucket.setAttribute('role', 'listitem');
      bucket.dataset.count = String(n);
      const range = `${clock(i * width)}–${clock((i + 1) * width)}`;
      bucket.title = `${range}: ${n}`;
      bucket.setAttribute('aria-label', `${range}: ${n}`);
      const bar = el('div', 'column');
      bar.style.height = `${most === 0 ? 0 : (n / most) * 100}%`;
      const value = el('span', 'count', String(n));
      bucket.append(value, bar, el('span', 'range', range));
      chart.append(bucket);
    });
    section.append(chart);
    return section;
  }

  /** @param {SummaryLoadMessage} message */
  function render(message) {
    const s = message.strings;
    const calls = message.calls;
    const cols = columns(s);
    app.replaceChildren();
    app.setAttribute('aria-busy', 'false');
    const header = el('header', 'toolbar');
    const failed = calls.filter((c) => c.status === 'failed').length;
    const cancelled = calls.filter((c) => c.status === 'cancelled').length;
    const transcribed = calls.length - failed - cancelled;
    const counts = cancelled > 0 ? format(s.countsCancelled, calls.length, transcribed, failed, cancelled) : format(s.counts, calls.length, transcribed, failed);
    header.append(el('h1', undefined, message.title), el('span', 'counts', counts));
    const exportButton = el('button', undefined, s.exportCsv);
    exportButton.id = 'export-csv';
    exportButton.addEventListener('click', () => vscode.postMessage({ type: 'exportCsv' }));
    header.append(exportButton);
    app.append(header);

    const table = el('table');
    table.id = 'summary';
    const headRow = el('tr');
    const body = el('tbody');
    /** @type {{ key: string; descending: boolean } | undefined} */
    let sort = vscode.getState()?.jobKey === message.jobKey ? vscode.getState()?.sort : undefined;
    const fill = () => {
      const rows = [...calls];
      if (sort) {
        const col = cols.find((c) => c.key === sort?.key);
        if (col) {
          rows.sort((a, b) => {
            const x = col.value(a);
            const y = col.value(b);
            const order = x < y ? -1 : x > y ? 1 : 0;
            return sort?.descending ? -order : order;
          });
        }
      }
      body.replaceChildren(
        ...rows.map((c) => {
          const tr = el('tr');
          tr.dataset.call = c.call;
          tr.dataset.status = c.status;
          for (const col of cols) {
            const td = el('td');
            td.dataset.col = col.key;
            col.cell(c, td);
            tr.append(td);
          }
          return tr;
        }),
      );
      for (const th of headRow.querySelectorAll('th')) {
        const key = th.getAttribute('data-sort');
        th.setAttribute('aria-sort', sort && sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none');
      }
    };
    for (const col of cols) {
      const th = el('th');
      th.dataset.sort = col.key;
      th.setAttribute('scope', 'col');
      const button = el('button', 'sort', col.header);
      button.addEventListener('click', () => {
        sort = sort && sort.key === col.key ? { key: col.key, descending: !sort.descending } : { key: col.key, descending: false };
        vscode.setState({ jobKey: message.jobKey, sort });
        fill();
      });
      th.append(button);
      headRow.append(th);
    }
    const thead = el('thead');
    thead.append(headRow);
    table.append(thead, body);
    vscode.setState({ jobKey: message.jobKey, sort });
    fill();
    app.append(table, durationChart(calls, s));
    vscode.postMessage({ type: 'rendered', rows: calls.length });
  }

  window.addEventListener('message', (event) => {
    const message = /** @type {SummaryLoadMessage} */ (event.data);
    if (message && message.type === 'load') render(message);
  });
  vscode.postMessage({ type: 'ready' });
})();
