import { pino, type Logger } from 'pino';

/** JSON-lines logs (SPEC §7); credentials and cookies are redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'partage' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'password', '*.password'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
