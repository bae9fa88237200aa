/** shared/: code both roles use. No I/O here. */
export * from './errors.js';
export * from './mac.js';
export * from './domain.js';
export * from './vendors/index.js';
export * from './templates/index.js';
export * from './clock.js';
export * from './config.js';
export * from './log.js';
export * from './sync/index.js';
export * from './dhcp.js';
