/**
 * package.json repeats facts the code owns: command ids, setting bounds, accepted audio extensions. These tests keep
 * each pair equal, and check that every command reaches its code in two hops (id → commands/<name>.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AUDIO_EXTENSIONS } from '../../src/core/audioFiles';
import { DIARIZATION_SPEAKERS, TTL_HOURS } from '../../src/core/limits';
import { Commands } from '../../src/vscode/commandIds';

const ROOT = path.resolve(__dirname, '..', '..');

interface MenuItem {
  command: string;
  when?: string;
}

interface Manifest {
  contributes: {
    commands: { command: string }[];
    menus: Record<string, MenuItem[]>;
    configuration: { properties: Record<string, { minimum?: number; maximum?: number }> };
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

describe('package.json against the code', () => {
  it('contributes exactly the commands of commandIds.ts', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
  });

  it('names each command after its handler file: speechBatch.<name> → src/vscode/commands/<name>.ts', () => {
    for (const [name, id] of Object.entries(Commands)) {
      assert.equal(id, `speechBatch.${name}`);
      const file = path.join(ROOT, 'src', 'vscode', 'commands', `${name}.ts`);
      assert.ok(fs.existsSync(file), `${id} has no ${path.relative(ROOT, file)}`);
      const handler = name === 'export' ? 'exportTranscript' : name;
      assert.match(fs.readFileSync(file, 'utf8'), new RegExp(`export (async )?function ${handler}\\(`), `${file} exports ${handler}`);
    }
  });

  it('uses only known commands in its menus', () => {
    const known = new Set<string>(Object.values(Commands));
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) assert.ok(known.has(item.command), `${menu} names the unknown command ${item.command}`);
    }
  });

  it('bounds the settings by the limits of src/core/limits.ts', () => {
    const { properties } = manifest.contributes.configuration;
    const bounds = (name: string) => ({ min: properties[name].minimum, max: properties[name].maximum });
    assert.deepEqual(bounds('speechBatch.timeToLiveHours'), { ...TTL_HOURS });
    assert.deepEqual(bounds('speechBatch.diarization.maxSpeakers'), { ...DIARIZATION_SPEAKERS });
  });

  it('offers Transcribe on exactly the audio extensions of src/core/audioFiles.ts', () => {
    const clauses = Object.values(manifest.contributes.menus)
      .flat()
      .flatMap((item) => (item.when?.match(/resourceExtname =~ \/[^/]*\/i?/g) ?? []));
    assert.ok(clauses.length >= 3, 'the Explorer and editor title menus test resourceExtname');
    for (const clause of clauses) {
      const list = /\^\\\.\(([^)]*)\)\$/.exec(clause);
      assert.ok(list, `cannot read the extension list of ${clause}`);
      assert.deepEqual(list[1].split('|').map((ext) => `.${ext}`).sort(), [...AUDIO_EXTENSIONS].sort(), clause);
      assert.ok(clause.endsWith('/i'), `${clause} ignores case, like isAudioPath`);
    }
  });
});
