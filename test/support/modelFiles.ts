/** Model files made for tests: a Parakeet-layout ggml file (header, filters, window, TDT durations, vocabulary, tensors). */

/** A ggml tensor record: header, dims, name, `dataBytes` bytes of data. */
export function ggmlTensor(type: number, dims: number[], name: string, dataBytes: number): Buffer {
  const head = Buffer.alloc(12 + 4 * dims.length);
  head.writeInt32LE(dims.length, 0);
  head.writeInt32LE(name.length, 4);
  head.writeInt32LE(type, 8);
  dims.forEach((d, i) => head.writeInt32LE(d, 12 + 4 * i));
  return Buffer.concat([head, Buffer.from(name), Buffer.alloc(dataBytes, 1)]);
}

function int32s(values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeInt32LE(v, 4 * i));
  return b;
}

/** The hyper-parameters of NVIDIA Parakeet TDT 0.6B, in file order (whisper.cpp's PARAKEET_HPARAM_MODEL_VALUES). */
const PARAKEET_TDT_06B = [8192, 5000, 1024, 8, 24, 128, 1, 512, 8, 256, 9, 640, 2, 5, 10];

/**
 * A complete Parakeet TDT ggml file as whisper.cpp's parakeet loader reads it, with tiny made-up tensors:
 * well-formed but no loadable model. `standard`: Parakeet TDT 0.6B's hyper-parameters and its 723 tensors (the
 * loader then refuses the first tensor's name); otherwise a 1-layer model of made-up sizes with two tensors.
 */
export function parakeetLayoutFile(options: { standard?: boolean } = {}): Buffer {
  const vocab = ['<unk>', '▁a', '▁b', 'c'];
  const hparams = options.standard ? PARAKEET_TDT_06B : [vocab.length, 1500, 8, 2, 1, 2, 1, 3, 8, 4, 9, 8, 1, 5, 10];
  const [nMel, nFft] = [hparams[5]!, hparams[7]!];
  const nWindow = 4;
  const tensors = options.standard
    ? Array.from({ length: 12 + 29 * 24 + 9 + 6 }, (_, i) => ggmlTensor(0, [1], `t${i}`, 4))
    : [ggmlTensor(0, [2, 2], 'enc.w', 16), ggmlTensor(12, [256], 'dec.w', 144)];
  return Buffer.concat([
    int32s([0x67676d6c]),
    int32s(hparams),
    int32s([nMel, nFft]),
    Buffer.alloc(nMel * nFft * 4),
    int32s([nWindow]),
    Buffer.alloc(nWindow * 4),
    int32s([0, 1, 2, 3, 4]),
    int32s([vocab.length]),
    ...vocab.flatMap((w) => [int32s([Buffer.byteLength(w)]), Buffer.from(w)]),
    ...tensors,
  ]);
}
