/**
 * One user's session for the end-to-end flows: a fresh code-server with its own temp workspace (holding the files the
 * flow needs) and this repository loaded as the extension under development, opened in headless Chromium.
 * Helpers drive the workbench the way a user does: Explorer context menu, command palette, the Speech Batch view.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { eventually } from '../support/timeouts';
import { openWorkbench, type Workbench } from '../support/workbench';

/** The repository root: the extension under test. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Where the flows save screenshots (git-ignored). */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, '.test-output', 'e2e');

/** Settings of every flow: quick polling, so status changes show within a second or two. */
const FLOW_SETTINGS = { 'speechBatch.polling.minIntervalSeconds': 1, 'speechBatch.polling.maxIntervalSeconds': 5 };

// A suite timeout sends SIGTERM: exit normally so code-server's process group is ended by its exit hook.
process.once('SIGTERM', () => process.exit(143));

/** Options of {@link Session.open}. */
export interface SessionOptions {
  /** Files copied into the workspace: workspace-relative name (`folder/name` makes the folder) → source path. */
  files: Record<string, string>;
  /** User settings added to the flow defaults. */
  settings?: Record<string, unknown>;
  /** Prepares the code-server before the workbench opens: its user data and extensions folders. */
  prepare?: (folders: { userData: string; extensions: string }) => void;
}

/** A workbench opened on a temp workspace. */
export class Session {
  private constructor(
    readonly server: CodeServer,
    private readonly workbench: Workbench,
    /** Workbench log lines (extension host console included), for failure messages. */
    readonly log: string[],
  ) {}

  /** Starts code-server, opens the workbench and waits until the Explorer lists the workspace's files. */
  static async open(options: SessionOptions): Promise<Session> {
    const server = await startCodeServer({
      repoRoot: REPO_ROOT,
      settings: { ...FLOW_SETTINGS, ...options.settings },
      keep: process.env.SPEECH_BATCH_KEEP_TEMP === '1',
    });
    const log: string[] = [];
    let workbench: Workbench | undefined;
    try {
      for (const [name, source] of Object.entries(options.files)) {
        fs.mkdirSync(path.dirname(path.join(server.workspace, name)), { recursive: true });
        fs.copyFileSync(source, path.join(server.workspace, name));
      }
      options.prepare?.({ userData: path.join(server.home, 'user-data'), extensions: path.join(server.home, 'extensions') });
      workbench = await openWorkbench(server, { extensionDevelopmentPath: REPO_ROOT, onLog: (line) => log.push(line) });
      const session = new Session(server, workbench, log);
      session.page.setDefaultTimeout(30_000);
      // Files in folders show once their folder is expanded: wait for the top-level names.
      const topLevel = new Set(Object.keys(options.files).map((name) => name.split('/')[0]!));
      for (const name of topLevel) await session.explorerRow(name).waitFor({ timeout: 60_000 });
      // The extension's contributions (menus, view container) arrive once the extension host has scanned it.
      await session.activityBarItem().waitFor({ timeout: 60_000 });
      return session;
    } catch (err) {
      await workbench?.close();
      await server.stop();
      throw err;
    }
  }

  get page(): Page {
    return this.workbench.page;
  }

  /** The workspace folder on disk. */
  get workspace(): string {
    return this.server.workspace;
  }

  /** The Explorer row of a workspace file. */
  explorerRow(name: string): Locator {
    return this.page.locator('.explorer-folders-view .monaco-list-row', { has: this.page.getByText(name, { exact: true }) });
  }

  /**
   * Right-clicks `row` and chooses the context-menu item titled `title`. When focus was in a webview (or the menu was
   * still being laid out), VS Code's menu sometimes ignores the click, leaving the item highlighted; then Enter on that
   * highlighted item runs it, as it would for a user pressing Enter.
   */
  async contextMenu(row: Locator, title: string): Promise<void> {
    const menu = this.page.locator('.context-view .monaco-menu');
    const item = menu.locator('a.action-menu-item', {
      has: this.page.locator('.action-label', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    });
    await row.click({ button: 'right' });
    await item.hover();
    await item.click();
    if (await isHiddenWithin(menu, 1500)) return;
    await item.hover();
    await this.page.keyboard.press('Enter');
    if (!(await isHiddenWithin(menu, 3000))) throw new Error(`the context menu item "${title}" did not run`);
  }

  /** Runs a command by its palette title (`Category: Title`) through F1. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.quickInput();
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor();
    await input.press('Enter');
  }

  /** The quick input box (palette, quick picks, simple file dialogs). */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget input.input');
  }

  /** Chooses the quick-pick item whose label is `label`. */
  async pick(label: string): Promise<void> {
    const row = this.page.locator('.quick-input-list .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
    });
    await row.click();
  }

  /** The activity bar item of the Speech Batch view container. */
  activityBarItem(): Locator {
    return this.page.locator('.activitybar .action-item .action-label[aria-label^="Speech Batch"]');
  }

  /** Opens the Speech Batch container from the activity bar (if not showing) and returns its jobs view. */
  async jobsView(): Promise<Locator> {
    const view = this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: /Jobs/ }) });
    if (!(await view.isVisible())) await this.activityBarItem().click();
    await view.waitFor();
    return view;
  }

  /** The jobs view's row for a job whose accessible label starts with `name` (the audio file name). */
  async jobRow(name: string): Promise<Locator> {
    return (await this.jobsView()).locator(`.monaco-list-row[aria-label^="${name}"]`).first();
  }

  /** The content of the active webview (the transcript view): VS Code nests it in two iframes. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  /** The frame of the last webview opened (a transcript view's page), to evaluate in it; waits up to 60 s for it. */
  async transcriptFrame(): Promise<Frame> {
    return eventually<Frame>(
      async () => {
        const outer = await this.page.locator('iframe.webview.ready').last().elementHandle({ timeout: 1000 }).catch(() => null);
        const outerFrame = await outer?.contentFrame();
        const inner = await outerFrame?.locator('#active-frame').elementHandle({ timeout: 1000 }).catch(() => null);
        const frame = await inner?.contentFrame();
        return frame ? { value: frame } : { last: 'no webview frame' };
      },
      60_000,
      () => 'the transcript view never opened',
    );
  }

  /** The notification toasts currently shown. */
  notifications(): Locator {
    return this.page.locator('.notifications-toasts .notification-list-item');
  }

  /** Saves a screenshot of the whole workbench as `.test-output/e2e/<name>.png` and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path: file, animations: 'disabled' });
    return file;
  }

  /** The last workbench log lines, for failure messages. */
  logTail(lines = 60): string {
    return this.log.slice(-lines).join('\n');
  }

  /** Closes the browser and stops code-server with everything it started. */
  async close(): Promise<void> {
    await this.workbench.close();
    await this.server.stop();
  }
}

/**
 * Registers hooks on the current `describe` for a flow whose steps build on each other: after a failed step the
 * workbench is saved as `.test-output/e2e/failed-<step>.png`, the log tail printed, and the later steps skipped.
 */
export function flowSteps(session: () => Session | undefined): void {
  let failed = false;
  beforeEach(function () {
    if (failed) this.skip();
  });
  afterEach(async function () {
    const current = session();
    if (this.currentTest?.state !== 'failed' || !current) return;
    failed = true;
    const shot = await current.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => 'none');
    console.log(`screenshot: ${shot}\nworkbench log (tail):\n${current.logTail()}`);
  });
}

/** Polls an expression in a webview's frame until it is true (the page's CSP forbids waitForFunction's eval). */
export async function untilTrue(frame: Frame, expression: string, ms = 30_000): Promise<void> {
  await eventually(
    async () => ((await frame.evaluate<boolean>(expression).catch(() => false)) ? { value: true } : { last: expression }),
    ms,
    () => `timed out waiting for ${expression}`,
  );
}

async function isHiddenWithin(locator: Locator, ms: number): Promise<boolean> {
  return locator.waitFor({ state: 'hidden', timeout: ms }).then(
    () => true,
    () => false,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
