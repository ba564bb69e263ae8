export * from './names.js';
export * from './xml-element.js';
export * from './xml-parse-error.js';
export * from './parse-xml.js';
export * from './write-xml.js';
