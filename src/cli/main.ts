// Entry point of the speech-batch CLI (implemented in src/cli/).
console.error('speech-batch: not built yet');
process.exit(1);
