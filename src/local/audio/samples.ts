/**
 * Sample-format readers of the WAV decoder: each turns the bytes of one sample into a float in -1..1.
 * G.711 tables follow ITU-T G.711 (the same expansion sox and ffmpeg use).
 */

import { alawToLinear, ulawToLinear } from '../../core/g711';

/** Reads the sample at byte offset `pos` of `view` as a float (nominally -1..1). */
export type SampleReader = (view: DataView, pos: number) => number;

export const readUnsigned8: SampleReader = (v, p) => (v.getUint8(p) - 128) / 128;
export const readSigned16: SampleReader = (v, p) => v.getInt16(p, true) / 32768;
export const readSigned24: SampleReader = (v, p) =>
  ((v.getUint8(p) | (v.getUint8(p + 1) << 8) | (v.getInt8(p + 2) << 16)) / 8388608);
export const readSigned32: SampleReader = (v, p) => v.getInt32(p, true) / 2147483648;
export const readFloat32: SampleReader = (v, p) => v.getFloat32(p, true);
export const readFloat64: SampleReader = (v, p) => v.getFloat64(p, true);

function tableReader(table: Float32Array): SampleReader {
  return (v, p) => table[v.getUint8(p)];
}

function g711Table(expand: (byte: number) => number): Float32Array {
  const table = new Float32Array(256);
  for (let b = 0; b < 256; b++) table[b] = expand(b) / 32768;
  return table;
}

export const readAlaw: SampleReader = tableReader(g711Table(alawToLinear));
export const readUlaw: SampleReader = tableReader(g711Table(ulawToLinear));
