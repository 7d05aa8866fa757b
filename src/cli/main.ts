/**
 * Entry point of the `speech-batch` CLI (bundled to dist/cli.js).
 * Exit codes: 0 done, 1 failure (unreadable or broken file, failed job), 2 usage error.
 */

import { version } from '../../package.json';
import { UsageError } from './args';
import { ANALYTICS_USAGE, MERGE_USAGE, runAnalytics, runMerge } from './merge';
import { MODELS_USAGE, runModels } from './models';
import { runTranscribe, TRANSCRIBE_USAGE } from './transcribe';

const USAGE = `speech-batch ${version}: batch transcription of recorded calls

Usage: speech-batch <command> [options]

Commands:
  transcribe ...                 transcribe audio files (speech-batch transcribe --help)
  merge <result.json>...         print the merged conversation as txt, srt, vtt, md or json
  analytics <result.json>...     print call analytics (talk time, silence, overlap, interruptions) as JSON
  models list|download|add|remove   the local service's models (speech-batch models --help)

Options:
  -h, --help                     show this help (or a command's: speech-batch merge --help)
  -v, --version                  show the version

${MERGE_USAGE}

${ANALYTICS_USAGE}

${MODELS_USAGE}
`;

const COMMANDS: Record<string, { run: (args: string[]) => Promise<number>; usage: string }> = {
  transcribe: { run: runTranscribe, usage: TRANSCRIBE_USAGE },
  merge: { run: runMerge, usage: MERGE_USAGE },
  analytics: { run: runAnalytics, usage: ANALYTICS_USAGE },
  models: { run: runModels, usage: MODELS_USAGE },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (name === '-v' || name === '--version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (name === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown command "${name}" (use transcribe, merge, analytics or models; --help for more)`);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  return command.run(args);
}

// A reader that stops early (`speech-batch merge … | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') process.stderr.write(`speech-batch: cannot write the output: ${err.message}\n`);
  process.exit(err.code === 'EPIPE' ? 0 : 1);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const usage = err instanceof UsageError;
    process.stderr.write(`speech-batch: ${err instanceof Error ? err.message : String(err)}${usage ? ' (--help for usage)' : ''}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
