export * from './names.js';
export * from './conditions.js';
export * from './calendar-limits.js';
export * from './calendar-kind.js';
export * from './calendar-module.js';
