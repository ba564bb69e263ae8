export * from './config.js';
export * from './accounts.js';
export * from './authenticator.js';
export * from './compose.js';
export * from './serve.js';
export * from './app.js';
export * from './principals.js';
export type { Logger } from './logger.js';
export type { Mailer, MailMessage } from './mailer.js';
