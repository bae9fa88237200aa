export * from './types.js';
export * from './protocol.js';
export * from './resume.js';
export * from './digest.js';
export * from './counter.js';
