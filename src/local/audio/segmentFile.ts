/**
 * The streaming half of recognition, for one file: decode block by block (./stream.ts), resample each selected
 * channel to 16 kHz keeping the filter state across blocks, cut each channel at pauses into segments of bounded
 * length (./segmenter.ts), and prepare each segment for the engine: long digital silences shortened, the faint noise
 * floor added, 16-bit PCM. Segments come out as soon as they are complete, so memory is bounded by the segment
 * length whatever the length of the file, and the engines can start on the first minutes while the rest is decoded.
 * Runs in a worker thread in the service (./worker.ts); plain functions, testable directly.
 */
import type { AudioWarning } from '../../core/wire';
import { decodeWarnings, LevelMeter } from './damage';
import { toPcm16 } from './pcm';
import { ENGINE_SAMPLE_RATE, StreamResampler } from './resample';
import type { Utterance } from '../engine/types';
import { mergeOverlap, Segmenter, type AudioSegment, type SegmenterOptions } from './segmenter';
import { shortenSilences, TimeMap, type Segment as KeptStretch } from './silence';
import { openAudioStream, type StreamInfo } from './stream';
import { AudioFormatError } from './types';

export interface SegmentFileRequest {
  path: string;
  /** Channels to recognise (default all). */
  channels?: number[];
  /** RMS level of the deterministic noise added (dBFS), or null for none. */
  noiseFloorDbfs: number | null;
  /** Where the noise goes: only into digital silence (default for wideband audio), or everywhere. */
  noiseEverywhere?: boolean;
  /** Shorten long digital silences inside segments (default true). */
  shortenSilences?: boolean;
  /** How the engine wants its audio cut (its longest useful piece, its start-up cost). */
  segmenting: SegmenterOptions;
  /** Longest audio accepted; decoding stops with AudioLengthLimitExceeded past it (headers can lie). */
  maxDurationMs?: number;
  /** ffmpeg binary for formats the built-in decoders do not read. */
  ffmpeg?: string;
}

/** One segment of one channel, ready for the engine. */
export interface PreparedSegment {
  channel: number;
  /** 0-based per channel, in time order. */
  index: number;
  /** Start of the segment in the channel, ms. */
  startMs: number;
  /** Its first `overlapMs` repeat the end of the previous segment (forced cut without a pause). */
  overlapMs: number;
  /** 16 kHz mono 16-bit PCM with long silences shortened. */
  pcm: Int16Array;
  /** Maps times in `pcm` back to times in the segment (see TimeMap). */
  kept: KeptStretch[];
}

/** What the whole file turned out to be, known once it has been read to its end. */
export interface SegmentedFile {
  info: StreamInfo;
  /** Exact length of the decoded audio, ms. */
  durationMs: number;
  /** Damage found while decoding (./damage.ts): the transcript holds what could be decoded. */
  warnings: AudioWarning[];
}

const toMs = (samples: number): number => (samples / ENGINE_SAMPLE_RATE) * 1000;

/**
 * Streams the file's segments to `onSegment` (awaited: the caller's back-pressure) and resolves with what the file
 * was. Segments of different channels interleave in time order of their end.
 */
export async function segmentFile(
  request: SegmentFileRequest,
  onSegment: (segment: PreparedSegment) => Promise<void>,
  signal?: AbortSignal,
): Promise<SegmentedFile> {
  const stream = await openAudioStream(request.path, { channels: request.channels, ffmpeg: request.ffmpeg });
  const channels = request.channels ?? Array.from({ length: stream.info.channels }, (_, c) => c);
  const { sampleRate } = stream.info;
  const resamplers = channels.map(() => new StreamResampler(sampleRate, ENGINE_SAMPLE_RATE));
  const segmenters = channels.map(() => new Segmenter(request.segmenting));
  const maxFrames = request.maxDurationMs === undefined ? Infinity : (request.maxDurationMs / 1000) * sampleRate;
  const levels = new LevelMeter(channels, sampleRate);
  let frames = 0;

  const prepare = async (k: number, segments: AudioSegment[]): Promise<void> => {
    for (const segment of segments) {
      const shortened =
        request.shortenSilences === false
          ? { samples: segment.samples, map: new TimeMap([{ from: 0, to: 0, length: segment.samples.length }], ENGINE_SAMPLE_RATE) }
          : shortenSilences(segment.samples, ENGINE_SAMPLE_RATE);
      const noise =
        request.noiseFloorDbfs === null
          ? undefined
          : // Seeded by channel and segment: the same file always gives the same audio to the engine.
            { dbfs: request.noiseFloorDbfs, seed: channels[k]! + 1 + segment.index * 1000, silenceOnly: !request.noiseEverywhere && sampleRate >= ENGINE_SAMPLE_RATE };
      await onSegment({
        channel: channels[k]!,
        index: segment.index,
        startMs: toMs(segment.start),
        overlapMs: toMs(segment.overlapBefore),
        pcm: toPcm16(shortened.samples, noise),
        kept: [...shortened.map.segments],
      });
    }
  };

  try {
    for await (const block of stream.blocks(signal)) {
      frames += block[0]!.length;
      if (frames > maxFrames) {
        throw new AudioFormatError(
          `the audio is longer than the ${Math.round(request.maxDurationMs! / 60_000)} minutes this service takes per file`,
          'AudioLengthLimitExceeded',
        );
      }
      levels.push(block);
      for (let k = 0; k < channels.length; k++) await prepare(k, segmenters[k]!.push(resamplers[k]!.push(block[k]!)));
    }
    for (let k = 0; k < channels.length; k++) {
      const tail = segmenters[k]!.push(resamplers[k]!.end());
      await prepare(k, [...tail, ...segmenters[k]!.end()]);
    }
  } finally {
    await stream.close();
  }
  if (frames === 0) throw new AudioFormatError('the file contains no audio samples', 'EmptyAudioFile');
  const durationMs = (frames / sampleRate) * 1000;
  return { info: stream.info, durationMs, warnings: [...decodeWarnings(stream.issues(), durationMs, stream.info.format), ...levels.warnings(durationMs)] };
}

/** What the engine recognised in one segment (times in the segment's PCM, i.e. with silences shortened). */
export interface SegmentResult {
  segment: Pick<PreparedSegment, 'index' | 'startMs' | 'overlapMs' | 'kept'>;
  utterances: Utterance[];
}

/**
 * Puts one channel back together from its segments' results, which may come in any order: times mapped back to the
 * channel (shortened silences restored, the segment's start added), and the words of forced overlaps kept once.
 * Utterances are handed to `emit` in time order as soon as no later segment can change them — a segment's own wait
 * only for the next one's overlap — so a long file's words need not all be held until its end.
 */
export class ChannelAssembler {
  /** Results that came before the ones preceding them. */
  private readonly early = new Map<number, SegmentResult>();
  private next = 0;
  /** The last placed segment's utterances: the next segment's overlap may still drop some of their words. */
  private tail: Utterance[] = [];
  private previousEndMs = -Infinity;

  constructor(private readonly emit: (utterances: Utterance[]) => void) {}

  add(result: SegmentResult): void {
    this.early.set(result.segment.index, result);
    for (let ready = this.early.get(this.next); ready; ready = this.early.get(this.next)) {
      this.early.delete(this.next++);
      this.place(ready);
    }
  }

  /** Emits the last utterances; every segment must have been added. */
  finish(): void {
    if (this.early.size > 0) throw new Error(`segment ${this.next} of the channel is missing`);
    this.flush([]);
  }

  private place({ segment, utterances }: SegmentResult): void {
    const map = new TimeMap(segment.kept, ENGINE_SAMPLE_RATE);
    const shift = (ms: number): number => Math.round(segment.startMs + map.toOriginalMs(ms));
    const inChannel = utterances
      .map((u) => ({
        ...u,
        startMs: shift(u.startMs),
        endMs: shift(u.endMs),
        words: u.words.map((w) => ({ ...w, startMs: shift(w.startMs), endMs: shift(w.endMs) })),
      }))
      .sort((a, b) => a.startMs - b.startMs);
    const overlapEnd = segment.startMs + segment.overlapMs;
    if (segment.overlapMs > 0 && overlapEnd <= this.previousEndMs + 1) {
      // Each utterance keeps its words on its own side of the overlap's middle, independently of the others.
      this.tail = mergeOverlap(this.tail, [], segment.startMs, overlapEnd);
      this.flush(mergeOverlap([], inChannel, segment.startMs, overlapEnd));
    } else {
      this.flush(inChannel);
    }
    this.previousEndMs = segment.startMs + toMs(lengthOf(segment.kept));
  }

  private flush(newTail: Utterance[]): void {
    if (this.tail.length > 0) this.emit(this.tail);
    this.tail = newTail;
  }
}

/** The utterances of one channel from all its segments' results (see {@link ChannelAssembler}), in time order. */
export function assembleChannel(results: readonly SegmentResult[]): Utterance[] {
  const assembled: Utterance[] = [];
  const assembler = new ChannelAssembler((utterances) => {
    for (const u of utterances) assembled.push(u);
  });
  for (const result of results) assembler.add(result);
  assembler.finish();
  return assembled.sort((a, b) => a.startMs - b.startMs);
}

/** Samples of the segment before shortening: the end of its last kept stretch. */
function lengthOf(kept: readonly KeptStretch[]): number {
  const last = kept[kept.length - 1];
  return last ? last.from + last.length : 0;
}
