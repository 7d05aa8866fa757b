/**
 * Playback of long recordings in the transcript view: the recording is read in windows around the playback position
 * and each window is sent to the page as one fragment of a fragmented MP4 holding FLAC frames (`audio/mp4;
 * codecs="flac"`, which Chromium's MediaSource plays), so a 3-hour WAV starts anywhere within a fraction of a second
 * and is never read whole. The frames are lossless and compressed with FLAC's fixed predictors (speech: about a
 * quarter of the bytes of its 16-bit samples, `bench/playback-bandwidth.ts`), so the message channel carries
 * ≈ 44 KB/s instead of 176 KB/s for a 44.1 kHz stereo call. WAV (PCM 8/16/24/32-bit, float, µ-law, A-law) is read
 * directly; other formats are decoded window by window by ffmpeg where it is installed (`ffmpeg -ss`), else there is
 * no windowed playback. Plain Node: no VS Code import.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { alawToLinear, ulawToLinear } from './g711';

/** The MediaSource type of the segments. */
export const PLAYBACK_MIME = 'audio/mp4; codecs="flac"';

/** Samples per FLAC frame (one MP4 sample); windows start on a multiple of it. */
const BLOCK = 4096;

/** A recording the page can play in windows. */
export interface PlaybackSource {
  sampleRate: number;
  channels: number;
  durationMs: number;
  /** The init segment (ftyp + moov) of the stream. */
  init(): Uint8Array;
  /** The window from `startMs` (rounded down to a frame) of about `durationMs`: one media segment. */
  window(startMs: number, durationMs: number): Promise<PlaybackWindow>;
  close(): Promise<void>;
}

export interface PlaybackWindow {
  startMs: number;
  endMs: number;
  data: Uint8Array;
}

/** A recording's PCM as 16-bit samples per channel, read from `first` for `count` samples. */
type ReadPcm = (first: number, count: number) => Promise<Int16Array[]>;

/** What {@link openPlayback} needs to know besides the file. */
export interface PlaybackOptions {
  /** ffmpeg binary for formats other than WAV; default `ffmpeg` on the PATH; `false`: WAV only. */
  ffmpeg?: string | false;
}

/**
 * Opens `file` for windowed playback; undefined when it cannot be windowed (not WAV and no ffmpeg, or ffmpeg cannot
 * read it). Throws when the file cannot be read at all (missing, unreadable).
 */
export async function openPlayback(file: string, options: PlaybackOptions = {}): Promise<PlaybackSource | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const header = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    const size = (await handle.stat()).size;
    const wav = parseWavHeader(header.subarray(0, bytesRead), size);
    if (wav) {
      return new FragmentedFlac(wav.sampleRate, wav.channels, wav.frames, wavReader(handle, wav), () => handle.close());
    }
  } catch (err) {
    await handle.close();
    throw err;
  }
  await handle.close();
  if (options.ffmpeg === false) return undefined;
  const ffmpeg = options.ffmpeg ?? 'ffmpeg';
  const info = await ffprobe(file, ffmpeg).catch(() => undefined);
  if (!info) return undefined;
  const sampleRate = Math.min(info.sampleRate, 48000);
  const channels = Math.min(info.channels, 2);
  const frames = Math.round((info.durationMs / 1000) * sampleRate);
  return new FragmentedFlac(sampleRate, channels, frames, ffmpegReader(file, ffmpeg, sampleRate, channels), async () => undefined);
}

// ---- WAV -----------------------------------------------------------------------------------------------------

interface WavInfo {
  /** 1 PCM, 3 float, 6 A-law, 7 µ-law. */
  format: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  blockAlign: number;
  dataOffset: number;
  frames: number;
}

/** The format and data chunk of a RIFF/RF64 WAVE header; undefined when it is not a WAV this module reads. */
export function parseWavHeader(header: Buffer, fileSize: number): WavInfo | undefined {
  if (header.length < 12) return undefined;
  const riff = header.toString('ascii', 0, 4);
  if ((riff !== 'RIFF' && riff !== 'RF64') || header.toString('ascii', 8, 12) !== 'WAVE') return undefined;
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bitsPerSample = 0;
  let blockAlign = 0;
  let ds64Data = -1;
  for (let at = 12; at + 8 <= header.length; ) {
    const id = header.toString('ascii', at, at + 4);
    const size = header.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'ds64' && body + 16 <= header.length) {
      ds64Data = Number(header.readBigUInt64LE(body + 8));
    } else if (id === 'fmt ' && body + 16 <= header.length) {
      format = header.readUInt16LE(body);
      channels = header.readUInt16LE(body + 2);
      sampleRate = header.readUInt32LE(body + 4);
      blockAlign = header.readUInt16LE(body + 12);
      bitsPerSample = header.readUInt16LE(body + 14);
      if (format === 0xfffe && size >= 40 && body + 26 <= header.length) format = header.readUInt16LE(body + 24);
    } else if (id === 'data') {
      const supported =
        (format === 1 && [8, 16, 24, 32].includes(bitsPerSample)) ||
        (format === 3 && bitsPerSample === 32) ||
        ((format === 6 || format === 7) && bitsPerSample === 8);
      if (!supported || channels < 1 || channels > 8 || sampleRate < 1000 || sampleRate > 65535) return undefined;
      if (blockAlign !== channels * (bitsPerSample / 8)) return undefined;
      let bytes = riff === 'RF64' && ds64Data >= 0 ? ds64Data : size;
      // Streamed recorders leave the size at 0 or 0xFFFFFFFF: the data runs to the end of the file.
      if (bytes === 0 || bytes === 0xffffffff || body + bytes > fileSize) bytes = fileSize - body;
      return { format, sampleRate, channels, bitsPerSample, blockAlign, dataOffset: body, frames: Math.floor(bytes / blockAlign) };
    }
    at = body + size + (size & 1);
  }
  return undefined;
}

function wavReader(handle: fs.FileHandle, wav: WavInfo): ReadPcm {
  return async (first, count) => {
    const bytes = Buffer.alloc(count * wav.blockAlign);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, wav.dataOffset + first * wav.blockAlign);
    const frames = Math.floor(bytesRead / wav.blockAlign);
    const out = Array.from({ length: wav.channels }, () => new Int16Array(frames));
    const width = wav.bitsPerSample / 8;
    for (let f = 0; f < frames; f++) {
      for (let c = 0; c < wav.channels; c++) {
        out[c]![f] = sample16(bytes, f * wav.blockAlign + c * width, wav);
      }
    }
    return out;
  };
}

function sample16(b: Buffer, at: number, wav: WavInfo): number {
  switch (wav.format) {
    case 3:
      return Math.max(-32768, Math.min(32767, Math.round(b.readFloatLE(at) * 32767)));
    case 6:
      return alawToLinear(b[at]!);
    case 7:
      return ulawToLinear(b[at]!);
  }
  switch (wav.bitsPerSample) {
    case 8:
      return (b[at]! - 128) << 8;
    case 16:
      return b.readInt16LE(at);
    case 24:
      return b.readInt16LE(at + 1);
    default:
      return b.readInt16LE(at + 2);
  }
}

// ---- ffmpeg --------------------------------------------------------------------------------------------------

interface ProbeInfo {
  sampleRate: number;
  channels: number;
  durationMs: number;
}

async function ffprobe(file: string, ffmpeg: string): Promise<ProbeInfo> {
  const ffprobeBin = ffmpeg.replace(/ffmpeg(\.exe)?$/, (_m, exe: string | undefined) => `ffprobe${exe ?? ''}`);
  const args = ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=sample_rate,channels:format=duration', '-of', 'json', file];
  const out = await run(ffprobeBin, args);
  const parsed = JSON.parse(out.toString('utf8')) as { streams?: { sample_rate?: string; channels?: number }[]; format?: { duration?: string } };
  const stream = parsed.streams?.[0];
  const sampleRate = Number(stream?.sample_rate);
  const channels = Number(stream?.channels);
  const durationMs = Number(parsed.format?.duration) * 1000;
  if (!(sampleRate > 0 && channels > 0 && durationMs > 0)) throw new Error(`ffprobe found no audio stream with a duration in ${file}`);
  return { sampleRate, channels, durationMs };
}

function ffmpegReader(file: string, ffmpeg: string, sampleRate: number, channels: number): ReadPcm {
  return async (first, count) => {
    const args = ['-v', 'error', '-nostdin', '-ss', String(first / sampleRate), '-i', file, '-t', String(count / sampleRate)];
    args.push('-vn', '-ac', String(channels), '-ar', String(sampleRate), '-f', 's16le', '-');
    const pcm = await run(ffmpeg, args);
    const frames = Math.min(count, Math.floor(pcm.length / (2 * channels)));
    const out = Array.from({ length: channels }, () => new Int16Array(frames));
    for (let f = 0; f < frames; f++) for (let c = 0; c < channels; c++) out[c]![f] = pcm.readInt16LE((f * channels + c) * 2);
    return out;
  };
}

function run(bin: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${bin} exited with ${code}: ${stderr.trim()}`))));
  });
}

// ---- FLAC in fragmented MP4 ------------------------------------------------------------------------------------

class FragmentedFlac implements PlaybackSource {
  readonly durationMs: number;
  private sequence = 0;

  constructor(
    readonly sampleRate: number,
    readonly channels: number,
    private readonly frames: number,
    private readonly read: ReadPcm,
    private readonly release: () => Promise<void>,
  ) {
    this.durationMs = (frames / sampleRate) * 1000;
  }

  init(): Uint8Array {
    return initSegment(this.sampleRate, this.channels, this.frames);
  }

  async window(startMs: number, durationMs: number): Promise<PlaybackWindow> {
    const wanted = Math.floor((Math.max(0, startMs) / 1000) * this.sampleRate);
    const first = Math.min(Math.floor(wanted / BLOCK) * BLOCK, Math.max(0, Math.floor((this.frames - 1) / BLOCK) * BLOCK));
    const blocks = Math.max(1, Math.ceil(((durationMs / 1000) * this.sampleRate) / BLOCK));
    const count = Math.min(blocks * BLOCK, this.frames - first);
    const pcm = await this.read(first, Math.max(0, count));
    const got = pcm[0]?.length ?? 0;
    const data = mediaSegment(++this.sequence, first, pcm, this.sampleRate);
    return { startMs: (first / this.sampleRate) * 1000, endMs: ((first + got) / this.sampleRate) * 1000, data };
  }

  close(): Promise<void> {
    return this.release();
  }
}

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const size = 8 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, size);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  let at = 8;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Big-endian fields: [value, bytes] pairs (bytes 1, 2, 4 or 8). */
function fields(...values: [number | bigint, number][]): Uint8Array {
  const out = new Uint8Array(values.reduce((n, [, b]) => n + b, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [value, bytes] of values) {
    if (bytes === 1) view.setUint8(at, Number(value));
    else if (bytes === 2) view.setUint16(at, Number(value));
    else if (bytes === 4) view.setUint32(at, Number(value));
    else view.setBigUint64(at, BigInt(value));
    at += bytes;
  }
  return out;
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const zeros = (n: number) => new Uint8Array(n);
const MATRIX = fields([0x00010000, 4], [0, 4], [0, 4], [0, 4], [0x00010000, 4], [0, 4], [0, 4], [0, 4], [0x40000000, 4]);

/** FLAC STREAMINFO (34 bytes): fixed 4096-sample blocks, 16-bit samples. */
function streamInfo(sampleRate: number, channels: number, frames: number): Uint8Array {
  const out = new Uint8Array(34);
  const view = new DataView(out.buffer);
  view.setUint16(0, BLOCK);
  view.setUint16(2, BLOCK);
  // 20 bits rate, 3 bits channels-1, 5 bits bits-per-sample-1, 36 bits total samples.
  const packed = (BigInt(sampleRate) << 44n) | (BigInt(channels - 1) << 41n) | (15n << 36n) | BigInt(frames);
  view.setBigUint64(10, packed);
  return out;
}

export function initSegment(sampleRate: number, channels: number, frames: number): Uint8Array {
  const ftyp = box('ftyp', ascii('isom'), fields([0x200, 4]), ascii('isomiso6mp41'));
  const mvhd = box('mvhd', fields([0, 4], [0, 4], [0, 4], [1000, 4], [0, 4], [0x00010000, 4], [0x0100, 2]), zeros(10), MATRIX, zeros(24), fields([2, 4]));
  const tkhd = box('tkhd', fields([3, 4], [0, 4], [0, 4], [1, 4], [0, 4], [0, 4]), zeros(8), fields([0, 2], [0, 2], [0x0100, 2], [0, 2]), MATRIX, fields([0, 4], [0, 4]));
  const mdhd = box('mdhd', fields([0, 4], [0, 4], [0, 4], [sampleRate, 4], [0, 4], [0x55c4, 2], [0, 2]));
  const hdlr = box('hdlr', fields([0, 4], [0, 4]), ascii('soun'), zeros(12), ascii('SoundHandler\0'));
  const dfla = box('dfLa', fields([0, 4], [0x80, 1], [0, 1], [34, 2]), streamInfo(sampleRate, channels, frames));
  const entry = box('fLaC', zeros(6), fields([1, 2]), zeros(8), fields([channels, 2], [16, 2], [0, 2], [0, 2], [sampleRate * 65536, 4]), dfla);
  const stsd = box('stsd', fields([0, 4], [1, 4]), entry);
  const empty = (type: string, n = 1) => box(type, fields([0, 4]), ...Array.from({ length: n }, () => fields([0, 4])));
  const stbl = box('stbl', stsd, empty('stts'), empty('stsc'), empty('stsz', 2), empty('stco'));
  const dinf = box('dinf', box('dref', fields([0, 4], [1, 4]), box('url ', fields([1, 4]))));
  const minf = box('minf', box('smhd', fields([0, 4], [0, 4])), dinf, stbl);
  const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
  const mvex = box('mvex', box('trex', fields([0, 4], [1, 4], [1, 4], [0, 4], [0, 4], [0, 4])));
  return concat([ftyp, box('moov', mvhd, trak, mvex)]);
}

function mediaSegment(sequence: number, firstSample: number, pcm: Int16Array[], sampleRate: number): Uint8Array {
  const total = pcm[0]?.length ?? 0;
  const frames: Uint8Array[] = [];
  const durations: number[] = [];
  for (let at = 0; at < total; at += BLOCK) {
    const n = Math.min(BLOCK, total - at);
    frames.push(flacFrame((firstSample + at) / BLOCK, pcm, at, n, sampleRate));
    durations.push(n);
  }
  const trunHeader = 4 + 4 + 4; // version/flags, sample_count, data_offset
  const trunSize = 8 + trunHeader + frames.length * 8;
  const tfhd = box('tfhd', fields([0x020000, 4], [1, 4]));
  const tfdt = box('tfdt', fields([0x01000000, 4], [BigInt(firstSample), 8]));
  const mfhd = box('mfhd', fields([0, 4], [sequence, 4]));
  const moofSize = 8 + mfhd.length + 8 + tfhd.length + tfdt.length + trunSize;
  const samples = fields(...frames.flatMap((f, i): [number, number][] => [[durations[i]!, 4], [f.length, 4]]));
  const trun = box('trun', fields([0x000301, 4], [frames.length, 4], [moofSize + 8, 4]), samples);
  const moof = box('moof', mfhd, box('traf', tfhd, tfdt, trun));
  return concat([moof, box('mdat', ...frames)]);
}

const SAMPLE_RATE_CODES: Record<number, number> = { 8000: 4, 16000: 5, 22050: 6, 24000: 7, 32000: 8, 44100: 9, 48000: 10, 96000: 11 };

/**
 * One FLAC frame of 16-bit samples, lossless, each channel on its own: a constant subframe for digital silence, else
 * the fixed predictor (order 0–4) with the smallest residual, Rice-coded in partitions — or verbatim where that is
 * not smaller. Speech takes a quarter to a half of its samples' bytes (the lower the rate, the more), silence none.
 */
function flacFrame(frameNumber: number, pcm: Int16Array[], at: number, n: number, sampleRate: number): Uint8Array {
  const channels = pcm.length;
  const header: number[] = [0xff, 0xf8, ((n === BLOCK ? 12 : 7) << 4) | (SAMPLE_RATE_CODES[sampleRate] ?? 0), ((channels - 1) << 4) | (4 << 1)];
  header.push(...utf8Number(frameNumber));
  if (n !== BLOCK) header.push(((n - 1) >> 8) & 0xff, (n - 1) & 0xff);
  header.push(crc8(header));
  // No subframe is larger than a verbatim one (1 byte + 2 per sample).
  const out = new BitWriter(header.length + channels * (1 + n * 2) + 2);
  for (const b of header) out.write(b, 8);
  for (let c = 0; c < channels; c++) subframe(out, pcm[c]!, at, n);
  out.align();
  const crc = crc16(out.bytes, out.length);
  out.write(crc, 16);
  return out.bytes.subarray(0, out.length);
}

/** Residuals of the chosen predictor, zigzagged (reused: frames are coded one at a time). */
const RESIDUAL = new Uint32Array(BLOCK);
const MAX_PARTITION_ORDER = 6;
const MAX_RICE = 14;

/** One channel's subframe: constant, fixed predictor with Rice-coded residual, or verbatim. */
function subframe(out: BitWriter, x: Int16Array, at: number, n: number): void {
  const first = x[at]!;
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = x[at + i] === first;
  if (constant) {
    out.write(0x00, 8);
    out.write(first & 0xffff, 16);
    return;
  }
  const order = n > 32 ? fixedOrder(x, at, n) : -1;
  const plan = order >= 0 ? residualPlan(x, at, n, order) : undefined;
  if (!plan || 8 + 16 * order + plan.bits >= 8 + 16 * n) {
    out.write(0x02, 8); // verbatim, no wasted bits
    for (let i = 0; i < n; i++) out.write(x[at + i]! & 0xffff, 16);
    return;
  }
  out.write(0x10 | (order << 1), 8);
  for (let i = 0; i < order; i++) out.write(x[at + i]! & 0xffff, 16);
  out.write(0, 2); // Rice coding with 4-bit parameters
  out.write(plan.partitionOrder, 4);
  const size = n >> plan.partitionOrder;
  let r = 0;
  for (let p = 0; p < plan.parameters.length; p++) {
    const k = plan.parameters[p]!;
    out.write(k, 4);
    for (const end = (p + 1) * size - order; r < end; r++) out.rice(RESIDUAL[r]!, k);
  }
}

/** The fixed predictor order (0–4) whose residual has the smallest total magnitude. */
function fixedOrder(x: Int16Array, at: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let a = x[at + 3]!;
  let b = a - x[at + 2]!;
  let c = b - (x[at + 2]! - x[at + 1]!);
  let d = c - (x[at + 2]! - 2 * x[at + 1]! + x[at]!);
  for (let i = 4; i < n; i++) {
    const e0 = x[at + i]!;
    const e1 = e0 - a;
    const e2 = e1 - b;
    const e3 = e2 - c;
    const e4 = e3 - d;
    s0 += Math.abs(e0);
    s1 += Math.abs(e1);
    s2 += Math.abs(e2);
    s3 += Math.abs(e3);
    s4 += Math.abs(e4);
    a = e0;
    b = e1;
    c = e2;
    d = e3;
  }
  const sums = [s0, s1, s2, s3, s4];
  let best = 0;
  for (let o = 1; o < 5; o++) if (sums[o]! < sums[best]!) best = o;
  return best;
}

interface ResidualPlan {
  partitionOrder: number;
  /** Rice parameter of each partition. */
  parameters: number[];
  /** Exact size of the residual section in bits (method, partition order, parameters, codes). */
  bits: number;
}

/**
 * Computes the zigzagged residual of predictor `order` into {@link RESIDUAL} and picks the partition order and Rice
 * parameters that code it smallest (estimated from each partition's sum); `bits` is exact.
 */
function residualPlan(x: Int16Array, at: number, n: number, order: number): ResidualPlan {
  residual(x, at, n, order);
  let top = 0;
  while (top < MAX_PARTITION_ORDER && n % (1 << (top + 1)) === 0 && n >> (top + 1) > order) top++;
  // Sums of the finest partitions, merged pairwise for each coarser order.
  let sums = new Float64Array(1 << top);
  const finest = n >> top;
  for (let p = 0, r = 0; p < sums.length; p++) {
    let sum = 0;
    for (const end = (p + 1) * finest - order; r < end; r++) sum += RESIDUAL[r]!;
    sums[p] = sum;
  }
  let best = { partitionOrder: 0, parameters: [0], estimate: Infinity };
  for (let po = top; po >= 0; po--) {
    const size = n >> po;
    const parameters: number[] = [];
    let estimate = 0;
    for (let p = 0; p < sums.length; p++) {
      const count = size - (p === 0 ? order : 0);
      const k = riceParameter(sums[p]!, count);
      parameters.push(k);
      estimate += 4 + count * (k + 1) + sums[p]! / 2 ** k;
    }
    if (estimate < best.estimate) best = { partitionOrder: po, parameters, estimate };
    if (po > 0) sums = sums.filter((_, i) => i % 2 === 0).map((sum, i) => sum + sums[2 * i + 1]!);
  }
  const size = n >> best.partitionOrder;
  let bits = 2 + 4;
  for (let p = 0; p < best.parameters.length; p++) {
    bits += 4 + riceBits(p === 0 ? 0 : p * size - order, (p + 1) * size - order, best.parameters[p]!);
  }
  return { partitionOrder: best.partitionOrder, parameters: best.parameters, bits };
}

/** The residual of fixed predictor `order` of samples `at`..`at + n` (after its warm-up), zigzagged, into RESIDUAL. */
function residual(x: Int16Array, at: number, n: number, order: number): void {
  const end = at + n;
  let r = 0;
  const put = (e: number) => (RESIDUAL[r++] = (e << 1) ^ (e >> 31));
  switch (order) {
    case 0:
      for (let j = at; j < end; j++) put(x[j]!);
      break;
    case 1:
      for (let j = at + 1; j < end; j++) put(x[j]! - x[j - 1]!);
      break;
    case 2:
      for (let j = at + 2; j < end; j++) put(x[j]! - 2 * x[j - 1]! + x[j - 2]!);
      break;
    case 3:
      for (let j = at + 3; j < end; j++) put(x[j]! - 3 * x[j - 1]! + 3 * x[j - 2]! - x[j - 3]!);
      break;
    default:
      for (let j = at + 4; j < end; j++) put(x[j]! - 4 * x[j - 1]! + 6 * x[j - 2]! - 4 * x[j - 3]! + x[j - 4]!);
  }
}

/** A Rice parameter near the best for `count` values summing to `sum` (the mean's magnitude in bits). */
function riceParameter(sum: number, count: number): number {
  const mean = count > 0 ? sum / count : 0;
  return mean < 1 ? 0 : Math.min(MAX_RICE, Math.floor(Math.log2(mean)));
}

/** Exact bits of Rice codes with parameter `k` for RESIDUAL[start..end). */
function riceBits(start: number, end: number, k: number): number {
  let bits = (end - start) * (k + 1);
  for (let r = start; r < end; r++) bits += RESIDUAL[r]! >>> k;
  return bits;
}

/** Writes big-endian bit fields into a byte array of known maximum size. */
class BitWriter {
  readonly bytes: Uint8Array;
  /** Whole bytes written. */
  length = 0;
  private acc = 0;
  private bits = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  /** The low `count` (≤ 24) bits of `value`. */
  write(value: number, count: number): void {
    this.acc = (this.acc << count) | (value & ((1 << count) - 1));
    this.bits += count;
    while (this.bits >= 8) {
      this.bits -= 8;
      this.bytes[this.length++] = (this.acc >>> this.bits) & 0xff;
    }
    this.acc &= (1 << this.bits) - 1;
  }

  /** `value` Rice-coded with parameter `k`: the quotient in unary (zeros, then a one), then the low `k` bits. */
  rice(value: number, k: number): void {
    let q = value >>> k;
    if (q + 1 + k <= 24) {
      this.write((1 << k) | (value & ((1 << k) - 1)), q + 1 + k);
      return;
    }
    for (; q >= 16; q -= 16) this.write(0, 16);
    this.write(1, q + 1);
    if (k > 0) this.write(value, k);
  }

  /** Pads with zeros to a whole byte. */
  align(): void {
    if (this.bits > 0) this.write(0, 8 - this.bits);
  }
}

/** A frame number in FLAC's UTF-8-like coding: 7 bits in one byte, else a lead byte and 6 bits per further byte. */
function utf8Number(value: number): number[] {
  if (value < 0x80) return [value];
  for (let n = 2; n <= 7; n++) {
    if (value < 2 ** (7 - n + 6 * (n - 1))) {
      const out = new Array<number>(n);
      let v = value;
      for (let k = n - 1; k > 0; k--) {
        out[k] = 0x80 | (v & 0x3f);
        v = Math.floor(v / 64);
      }
      out[0] = ((0xff << (8 - n)) & 0xff) | v;
      return out;
    }
  }
  throw new RangeError(`frame number ${value} too large`);
}

const CRC8 = table(8, 0x07);
const CRC16 = table(16, 0x8005);

function table(bits: number, poly: number): Uint16Array {
  const t = new Uint16Array(256);
  const top = 1 << (bits - 1);
  const mask = (1 << bits) - 1;
  for (let i = 0; i < 256; i++) {
    let c = i << (bits - 8);
    for (let k = 0; k < 8; k++) c = c & top ? ((c << 1) ^ poly) & mask : (c << 1) & mask;
    t[i] = c;
  }
  return t;
}

function crc8(bytes: number[]): number {
  let c = 0;
  for (const b of bytes) c = CRC8[(c ^ b) & 0xff]!;
  return c;
}

function crc16(bytes: Uint8Array, length: number): number {
  let c = 0;
  for (let i = 0; i < length; i++) c = ((c << 8) & 0xffff) ^ CRC16[((c >> 8) ^ bytes[i]!) & 0xff]!;
  return c;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
