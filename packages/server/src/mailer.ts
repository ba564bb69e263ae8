import { createTransport } from 'nodemailer';

/** One e-mail to send. */
export interface MailMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Sends e-mail (STYLE §5: mail goes through a port, so that tests and other relays plug in). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * A mailer over the SMTP relay of `PARTAGE_SMTP_URL` (`smtp://user:pass@host:587`,
 * `smtps://…`), through nodemailer. Timeouts are short: a relay that does not answer must
 * not keep connections open for minutes.
 */
export function createSmtpMailer(smtpUrl: string): Mailer {
  const url = new URL(smtpUrl);
  const transport = createTransport({
    host: url.hostname,
    port: url.port === '' ? (url.protocol === 'smtps:' ? 465 : 587) : Number(url.port),
    secure: url.protocol === 'smtps:',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    send: async (message) => {
      await transport.sendMail(message);
    },
  };
}
