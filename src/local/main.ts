// Entry point of the local batch transcription service (implemented in src/local/).
console.error('local service: not built yet');
process.exit(1);
