export * from './names.js';
export * from './conditions.js';
export * from './contacts-limits.js';
export * from './contacts-kind.js';
export { acceptedVersion, parseAddressDataRequest } from './address-data-request.js';
export * from './contacts-module.js';
export * from './gal/index.js';
