/** `speech-batch transcribe`: implemented by the local-service work. Returns the process exit code. */
export async function runTranscribe(_args: string[]): Promise<number> {
  process.stderr.write('speech-batch transcribe: not available yet\n');
  return 2;
}
