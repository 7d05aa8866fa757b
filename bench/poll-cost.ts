/**
 * What one poll of a running local job of 1,000 files costs the extension host, side by side: the extension polls
 * such a job every 500 ms (poller.ts) and, before, re-listed all its files on every poll (11 pages of 100 files, each
 * with a signed content URL, and report.json with a line per file); now it asks with the listing's ETag and gets
 * 304 Not Modified until a file is done (JobManager.filesSoFar). Both rounds run against the real local service on a
 * finished job of 1,000 tiny files (the listing a running job has near its end), alternating, and report per poll:
 * wall time, CPU of this process (the client side, i.e. the extension host) and CPU of the service process.
 *
 *     npm run build && npx tsx bench/poll-cost.ts [--files 1000] [--rounds 40]
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SpeechClient } from '../src/core/client';
import { readJobOutputs } from '../src/core/jobFlow';
import { makeTinyBatch } from '../test/support/audio';
import { startService } from '../test/support/service';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** CPU time (user + system) of a process in ms, from /proc (Linux). */
function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface Cost {
  wallMs: number[];
  clientCpuMs: number;
  serviceCpuMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const count = option('files', 1000);
  const rounds = option('rounds', 40);
  const batch = makeTinyBatch(count);
  const service = await startService();
  try {
    const client = new SpeechClient({ endpoint: service.endpoint, key: service.key });
    const job = await client.submit({
      displayName: `${count} calls`,
      locale: 'en-US',
      contentUrls: batch.files.map((f) => pathToFileURL(f).href),
      properties: { timeToLiveHours: 6 },
    });
    const started = Date.now();
    for (;;) {
      const { transcription } = await client.get(job.self!);
      if (transcription.status === 'Succeeded' || transcription.status === 'Failed') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(`job of ${count} files done in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const first = await client.listFilesIfChanged(job.self!);
    if (first.unchanged || !first.etag) throw new Error('the service did not tag its files listing');
    const etag = first.etag;
    console.log(`listing: ${first.files.length} files`);

    const polls = {
      // Before: every poll lists every file and reads the report (what readJobOutputs does).
      'full listing': async () => {
        await client.get(job.self!);
        await readJobOutputs(client, job.self!);
      },
      // Now: the job, and the listing only if its tag changed (here it does not: 304).
      'conditional (304)': async () => {
        await client.get(job.self!);
        const listing = await client.listFilesIfChanged(job.self!, etag);
        if (!listing.unchanged) throw new Error('the listing changed');
      },
    };
    const costs = new Map<string, Cost>(Object.keys(polls).map((name) => [name, { wallMs: [], clientCpuMs: 0, serviceCpuMs: 0 }]));
    // Warm up both paths, then alternate so that both see the same machine load.
    for (const poll of Object.values(polls)) await poll();
    for (let round = 0; round < rounds; round++) {
      for (const [name, poll] of Object.entries(polls)) {
        const cost = costs.get(name)!;
        const cpu = ownCpuMs();
        const serviceCpu = processCpuMs(service.pid);
        const t0 = performance.now();
        await poll();
        cost.wallMs.push(performance.now() - t0);
        cost.clientCpuMs += ownCpuMs() - cpu;
        cost.serviceCpuMs += processCpuMs(service.pid) - serviceCpu;
      }
    }
    console.log(`\nper poll of a job of ${count} files (median wall; mean CPU over ${rounds} rounds):`);
    for (const [name, cost] of costs) {
      console.log(
        `  ${name.padEnd(18)} wall ${median(cost.wallMs).toFixed(1).padStart(6)} ms   client CPU ${(cost.clientCpuMs / rounds).toFixed(1).padStart(6)} ms   service CPU ${(cost.serviceCpuMs / rounds).toFixed(1).padStart(6)} ms`,
      );
    }
    const full = costs.get('full listing')!;
    const conditional = costs.get('conditional (304)')!;
    console.log(
      `\nratio full / conditional: wall ${(median(full.wallMs) / median(conditional.wallMs)).toFixed(1)}×, client CPU ${(full.clientCpuMs / Math.max(0.01, conditional.clientCpuMs)).toFixed(1)}×, service CPU ${(full.serviceCpuMs / Math.max(0.01, conditional.serviceCpuMs)).toFixed(1)}×`,
    );
    console.log(`at 2 polls a second, the client spends ${((full.clientCpuMs / rounds) * 0.2).toFixed(1)}% of a core on full listings, ${((conditional.clientCpuMs / rounds) * 0.2).toFixed(1)}% on conditional ones`);
    await client.delete(job.self!);
  } finally {
    await service.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
