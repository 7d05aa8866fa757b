#!/usr/bin/env node
// `npm run test:vscode`: the extension-host tests and the Playwright flows in a real VS Code (code-server, installed
// on first use into .tools/). The harness is TypeScript, type-checked with the rest: test/support/vscodeSuites.ts.
const path = require('node:path');

require('tsx/cjs');
// Exit normally on Ctrl-C or a CI timeout, so the exit hooks end code-server and the flows' process groups.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
const { main } = require('../test/support/vscodeSuites.ts');

main(path.resolve(__dirname, '..'), process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`test:vscode: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
