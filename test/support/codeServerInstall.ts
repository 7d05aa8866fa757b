/**
 * Installs code-server (a real VS Code, served to a browser) into a cached tool folder, outside the extension's own
 * dependencies. Works offline except for the npm registry: @vscode/ripgrep's download cache is seeded with Debian's
 * `rg` so its postinstall never reaches for GitHub, and code-server's postinstall (which installs VS Code's own
 * node_modules and builds its native modules) is run explicitly, so npm's install-script policy cannot skip it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The code-server release the tests run against (VS Code 1.100.3). */
export const CODE_SERVER_VERSION = '4.100.3';

/** The ripgrep release tag @vscode/ripgrep 1.15.x downloads (its lib/postinstall.js `VERSION`). */
const RIPGREP_TAG = 'v13.0.0-10';

/** Where the tools of this repository are cached: `<repo>/.tools` unless `SPEECH_BATCH_TOOLS_DIR` says otherwise. */
export function toolsDir(repoRoot: string): string {
  return process.env.SPEECH_BATCH_TOOLS_DIR ?? path.join(repoRoot, '.tools');
}

/** Paths inside an installed code-server. */
export interface CodeServerInstall {
  /** The `code-server` entry script, run with `node`. */
  entry: string;
  /** The package folder (`node_modules/code-server`). */
  packageDir: string;
}

function layout(repoRoot: string): CodeServerInstall & { root: string; marker: string; vscodeDir: string } {
  const root = path.join(toolsDir(repoRoot), 'code-server');
  const packageDir = path.join(root, 'node_modules', 'code-server');
  return {
    root,
    packageDir,
    vscodeDir: path.join(packageDir, 'lib', 'vscode'),
    entry: path.join(packageDir, 'out', 'node', 'entry.js'),
    marker: path.join(root, `.installed-${CODE_SERVER_VERSION}`),
  };
}

/** Native and downloaded parts that exist only when every install script really ran (relative to node_modules/). */
const REQUIRED_PARTS = [
  'argon2/lib/binding/napi-v3/argon2.node',
  'code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg',
  'code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node',
  'code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'code-server/lib/vscode/node_modules.asar',
  'code-server/lib/vscode/extensions/node_modules',
];

function missingParts(root: string): string[] {
  return REQUIRED_PARTS.filter((p) => !fs.existsSync(path.join(root, 'node_modules', p)));
}

/** Puts Debian's `rg` where @vscode/ripgrep's postinstall looks before downloading (`$TMPDIR/vscode-ripgrep-cache-<v>`). */
function seedRipgrepCache(vscodeDir: string, log: (line: string) => void): void {
  const shrinkwrap = JSON.parse(fs.readFileSync(path.join(vscodeDir, 'npm-shrinkwrap.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = shrinkwrap.packages['node_modules/@vscode/ripgrep']?.version;
  if (!version) throw new Error('code-server: cannot find the @vscode/ripgrep version in lib/vscode/npm-shrinkwrap.json');
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('code-server needs ripgrep: install it with `sudo apt-get install -y ripgrep`');
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${version}`);
  const archive = path.join(cacheDir, `ripgrep-${RIPGREP_TAG}-x86_64-unknown-linux-musl.tar.gz`);
  if (fs.existsSync(archive)) return;
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-seed-'));
  try {
    fs.copyFileSync(fs.realpathSync(rg), path.join(staging, 'rg'));
    execFileSync('tar', ['czf', archive, '-C', staging, 'rg']);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log(`seeded ${archive} from ${rg}`);
}

/** Fails early, with the packages to install, when the native modules of VS Code cannot be compiled here. */
function requireBuildTools(): void {
  const missing = ['make', 'c++', 'python3'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`code-server compiles native modules and needs ${missing.join(', ')}: sudo apt-get install -y build-essential python3`);
  }
}

/**
 * The install prefix of the running Node when it ships headers of exactly its version (Debian's nodejs does, in
 * /usr/include/node), so node-gyp compiles against them instead of downloading headers; else undefined.
 */
function localNodeHeaders(): string | undefined {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const header = path.join(prefix, 'include', 'node', 'node_version.h');
  if (!fs.existsSync(header)) return undefined;
  const text = fs.readFileSync(header, 'utf8');
  const part = (name: string) => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(text)?.[1];
  return `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.version ? prefix : undefined;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: (line: string) => void): void {
  log(`$ ${command} ${args.join(' ')}   (in ${cwd})`);
  const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status} (in ${cwd})`);
}

/**
 * Returns the cached code-server, installing it first when missing or incomplete (about a minute on two cores).
 * Throws with the reason when the install cannot complete.
 */
export function ensureCodeServer(repoRoot: string, log: (line: string) => void = console.log): CodeServerInstall {
  const l = layout(repoRoot);
  if (fs.existsSync(l.marker) && missingParts(l.root).length === 0) return { entry: l.entry, packageDir: l.packageDir };

  log(`installing code-server ${CODE_SERVER_VERSION} into ${l.root}`);
  requireBuildTools();
  fs.mkdirSync(l.root, { recursive: true });
  const manifest = { name: 'speech-batch-tools', private: true, dependencies: { 'code-server': CODE_SERVER_VERSION } };
  fs.writeFileSync(path.join(l.root, 'package.json'), JSON.stringify(manifest, null, 2));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_nodedir: process.env.npm_config_nodedir ?? localNodeHeaders(),
  };
  // Scripts off at first: ripgrep's download cache must be seeded before code-server's postinstall runs. `npm rebuild`
  // then runs every install script (argon2's native build, code-server's postinstall installing VS Code's own modules);
  // build-from-source keeps prebuilt-binary downloaders (node-pre-gyp, prebuild-install) off the network.
  run(npm, ['install', '--ignore-scripts'], l.root, env, log);
  seedRipgrepCache(l.vscodeDir, log);
  run(npm, ['rebuild'], l.root, { ...env, npm_config_build_from_source: 'true' }, log);

  const missing = missingParts(l.root);
  if (missing.length > 0) {
    throw new Error(`code-server's postinstall did not complete; missing in ${path.join(l.root, 'node_modules')}: ${missing.join(', ')}`);
  }
  fs.writeFileSync(l.marker, `${new Date().toISOString()}\n`);
  log(`code-server ${CODE_SERVER_VERSION} installed`);
  return { entry: l.entry, packageDir: l.packageDir };
}
