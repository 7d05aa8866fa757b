/**
 * Opens the VS Code workbench of a running code-server in headless Chromium (playwright-core, the system browser —
 * nothing is downloaded), with this repository loaded as the extension under development and, optionally, an
 * extension-test runner (the `run()` contract) executed in the Node extension host.
 *
 * code-server rejects `--extensionDevelopmentPath`, so both paths travel in the workbench URL's `payload` parameter.
 * The workbench reports through two window functions exposed here: `codeAutomationLog(level, message)` for its log
 * lines (extension-host console output included) and `codeAutomationExit(code)` once the tests' `run()` settled.
 */
import * as fs from 'node:fs';
import { format } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CodeServer } from './codeServer';

/** Options of {@link openWorkbench}. */
export interface WorkbenchOptions {
  /** Absolute path of the extension to load (the repository root). */
  extensionDevelopmentPath: string;
  /** Absolute path of a bundled test runner exporting `run()`; when set, the workbench exits after running it. */
  extensionTestsPath?: string;
  /** Receives every workbench log line and browser console line. Default: print to stdout. */
  onLog?: (line: string) => void;
  /** Browser viewport; default 1400×900. */
  viewport?: { width: number; height: number };
}

/** An open workbench page. */
export interface Workbench {
  browser: Browser;
  page: Page;
  /**
   * Resolves with the exit code the workbench reports (0 when the tests passed, 1 when they failed); rejects when the
   * page crashes or the browser goes away first.
   */
  exitCode: Promise<number>;
  /** Closes the browser. Safe to call twice. */
  close(): Promise<void>;
}

/** Chromium flags for a headless, offline, sandbox-less CI machine. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** The system Chromium: `CHROMIUM_PATH`, else the Debian package's binary. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => !!p,
  );
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('Chromium not found: install it with `sudo apt-get install -y chromium` or set CHROMIUM_PATH');
  return found;
}

/** The workbench URL that opens `server.workspace` with the extension (and its tests) loaded. */
export function workbenchUrl(server: CodeServer, options: Pick<WorkbenchOptions, 'extensionDevelopmentPath' | 'extensionTestsPath'>): string {
  const remote = (p: string) => `vscode-remote://${server.authority}${p}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]];
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  const query = new URLSearchParams({ folder: server.workspace, payload: JSON.stringify(payload) });
  return `${server.url}/?${query.toString()}`;
}

/** Launches Chromium and opens the workbench; resolves once the page is loaded (not necessarily restored). */
export async function openWorkbench(server: CodeServer, options: WorkbenchOptions): Promise<Workbench> {
  const log = options.onLog ?? ((line: string) => console.log(line));
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await browser.close().catch(() => undefined);
  };
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    let reportExit!: (code: number) => void;
    let reportFailure!: (err: Error) => void;
    const exitCode = new Promise<number>((resolve, reject) => {
      reportExit = resolve;
      reportFailure = reject;
    });
    exitCode.catch(() => undefined); // observed by callers that wait for it; others need not
    page.on('crash', () => reportFailure(new Error('the workbench page crashed')));
    browser.on('disconnected', () => {
      if (!closed) reportFailure(new Error('the browser closed unexpectedly'));
    });
    await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
      // Extension-host console calls arrive as their printf-style argument lists (mocha's reporter uses them).
      const text = Array.isArray(message) ? format(...(message as unknown[])) : String(message);
      log(level === 'info' ? text : `[${level}] ${text}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    page.on('pageerror', (err) => log(`[page error] ${err.message}`));
    // Without a test runner the workbench does not log through codeAutomationLog: take the browser console instead.
    if (!options.extensionTestsPath) page.on('console', (msg) => log(`[console.${msg.type()}] ${msg.text()}`));
    // The workbench's first load compiles a lot of JavaScript: on a loaded machine it takes far longer than 30 s.
    await page.goto(workbenchUrl(server, options), { timeout: 180_000 });
    return { browser, page, exitCode, close };
  } catch (err) {
    await close();
    throw err;
  }
}
