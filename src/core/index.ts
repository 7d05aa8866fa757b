/** The transcript core: wire types, result parsing, merging, formats and analytics. Plain Node, no VS Code. */

export * from './wire';
export * from './model';
export * from './ticks';
export * from './result';
export * from './merge';
export * from './formats';
export * from './analytics';
export * from './redact';
