/**
 * The native whisper.cpp binding (@fugood/whisper.node's prebuilt CPU build for this platform), loaded lazily on first
 * use, so the service starts, with pocketsphinx only, where it cannot load. The binding runs model loading and
 * inference as N-API async work (libuv's thread pool): the HTTP API stays responsive while a model decodes.
 *
 * Looked for, in order: `native/<platform>-<arch>/index.node` next to the bundle (esbuild.js copies the package's
 * files there, so the .vsix carries them without node_modules; a per-platform .vsix carries its own platform's only),
 * then the package `@fugood/node-whisper-<platform>-<arch>`. The
 * environment variable SPEECH_BATCH_WHISPER_BINDING names another build instead (e.g. a CUDA or Vulkan variant's
 * index.node from @fugood/node-whisper-<platform>-<arch>-cuda).
 */
import * as path from 'node:path';

export interface NativeTranscribeResult {
  result: string;
  language?: string;
  /** Times in milliseconds from the start of the audio given. */
  segments: { text: string; t0: number; t1: number }[];
  isAborted: boolean;
}

export interface NativeJob {
  stop(): Promise<void>;
  promise: Promise<NativeTranscribeResult>;
}

export interface NativeWhisperContext {
  /** 16-bit signed PCM, mono, 16 kHz. */
  transcribeData(audio: ArrayBuffer, options: Record<string, unknown>): NativeJob;
  release(): Promise<void>;
}

export interface NativeBinding {
  WhisperContext: (new (options: { filePath: string; useGpu?: boolean; useFlashAttn?: boolean }) => NativeWhisperContext) & {
    /** Native log lines go to stderr unless turned off (or sent to a callback). */
    toggleNativeLog?(enable: boolean, callback?: (level: string, text: string) => void): void;
  };
  ParakeetContext?: new (options: { filePath: string; useGpu?: boolean }) => NativeWhisperContext;
}

/** The package holding the CPU build for this platform. */
export function bindingPackage(platform = process.platform, arch = process.arch): string {
  return `@fugood/node-whisper-${platform}-${arch}`;
}

/** Where the build copies the native module next to the bundle. */
export function bundledBindingPath(dir = __dirname, platform = process.platform, arch = process.arch): string {
  return path.join(dir, 'native', `${platform}-${arch}`, 'index.node');
}

let loaded: { binding?: NativeBinding; error?: string } | undefined;

/** The binding, or a readable reason why it cannot load here (cached: the answer does not change while running). */
export function loadWhisperBinding(): { binding?: NativeBinding; error?: string } {
  if (loaded) return loaded;
  const failures: string[] = [];
  const chosen = process.env.SPEECH_BATCH_WHISPER_BINDING;
  for (const candidate of chosen ? [path.resolve(chosen)] : [bundledBindingPath(), bindingPackage()]) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native module, found at run time
      const binding = require(candidate) as NativeBinding;
      if (typeof binding?.WhisperContext !== 'function') throw new Error('it has no WhisperContext');
      loaded = { binding };
      return loaded;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'MODULE_NOT_FOUND' || chosen) failures.push(`${candidate}: ${e.message.split('\n')[0]}`);
    }
  }
  loaded = {
    error: failures.length
      ? `the whisper.cpp native module cannot be loaded on this machine (${failures.join('; ')})`
      : `there is no whisper.cpp build for this platform (${process.platform}-${process.arch}; ${bindingPackage()} is not installed)`,
  };
  return loaded;
}

let quietUsers = 0;

/**
 * While a model is loaded, whisper.cpp's own log (model load, timings: dozens of lines) is filtered to its errors
 * instead of flooding the service's stderr. The filter is a thread-safe callback that keeps Node's event loop alive,
 * so it is on only while some model is loaded: call the returned function when the model is released.
 */
export function quietNativeLog(binding: NativeBinding): () => void {
  if (quietUsers++ === 0) {
    binding.WhisperContext.toggleNativeLog?.(true, (level, text) => {
      if (level === 'error') process.stderr.write(`whisper.cpp: ${text.trimEnd()}\n`);
    });
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--quietUsers === 0) binding.WhisperContext.toggleNativeLog?.(false);
  };
}
