/** Shared core of the five BYODKIM rotation functions. */
export * from './config.js';
export * from './dkim.js';
export * from './engine.js';
export * from './errors.js';
export * from './monitor.js';
export * from './notifications.js';
export type * from './ports.js';
export * from './state-store.js';
export * from './types.js';
