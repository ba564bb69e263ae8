export * from './etag.js';
export * from './names.js';
export * from './node-resource.js';
export * from './account-tree.js';
export * from './files-module.js';
