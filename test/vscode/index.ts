/**
 * Extension-test runner loaded by VS Code's extension host (`extensionTestsPath`, the standard `run()` contract).
 * Runs every bundled `*.test.js` beside it — one per `test/vscode/*.test.ts`, built by
 * `test/support/buildVscodeTests.ts` — with mocha's BDD interface and spec reporter (its lines reach the terminal
 * through the extension host's console). `SPEECH_BATCH_TEST_GREP` limits the run to matching tests. Around every
 * test, prompts (input boxes, quick picks, file dialogs) fail at once unless the test answers them with `withInputs`,
 * so a test never hangs on a prompt until the suite's timeout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { guardPrompts } from './extensionHelpers';

/** Per-test limit: some tests wait for real transcriptions by the local service. */
const TEST_TIMEOUT_MS = 180_000;

/** Runs the extension-host tests; rejects when any failed (VS Code then reports exit code 1). */
export async function run(): Promise<void> {
  let guard: { check(): void } | undefined;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: TEST_TIMEOUT_MS,
    rootHooks: {
      beforeEach: () => void (guard = guardPrompts()),
      afterEach: () => {
        const current = guard;
        guard = undefined;
        current?.check();
      },
    },
  });
  const grep = process.env.SPEECH_BATCH_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = fs.readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort();
  if (files.length === 0) throw new Error(`no *.test.js files in ${__dirname}: build them first (npm run test:vscode)`);
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
