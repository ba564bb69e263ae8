export * from './rights.js';
export * from './effective-rights.js';
export * from './privilege-map.js';
export * from './share-authorizer.js';
export * from './share-service.js';
export * from './subscription-bindings.js';
export * from './acl-module.js';
export * from './acl-method.js';
