import { escapeXml } from '@partage/dav-xml';
import { repositories, type Db } from '@partage/storage';
import type { Logger } from './logger.js';
import type { MailMessage, Mailer } from './mailer.js';

/** What the invitation e-mail says (SPEC §5). */
export interface InvitationMailFacts {
  readonly invitationId: number;
  readonly sharee: string;
  readonly owner: string;
  readonly ownerName: string;
  /** The folder's path below the owner's home; null for the whole account. */
  readonly folder: string | null;
  readonly canWrite: boolean;
  readonly from: string;
  /** Where the server answers, without a trailing slash (`https://dav.example.org`). */
  readonly baseUrl: string;
}

/** The two links of an invitation: they need the sharee's own credentials (ADR 0012). */
export const invitationLinks = (baseUrl: string, id: number) => ({
  folder: `${baseUrl}/invitations/${id}/subscribe?scope=folder`,
  account: `${baseUrl}/invitations/${id}/subscribe?scope=account`,
});

/** The invitation e-mail: *Subscribe to this folder* and *Subscribe to the account*, as plain URLs in both parts. */
export function invitationMail(facts: InvitationMailFacts): MailMessage {
  const links = invitationLinks(facts.baseUrl, facts.invitationId);
  const what = facts.folder === null ? `all the folders of ${facts.owner}` : `the folder "${facts.folder}" of ${facts.owner}`;
  const access = facts.canWrite ? 'read and write' : 'read';
  const text = [
    `${facts.ownerName} (${facts.owner}) shared ${what} with you (${access}).`,
    '',
    `Subscribe to this folder: ${links.folder}`,
    `Subscribe to the account: ${links.account}`,
    '',
    'Each link asks for your own login. You may also subscribe later from the Partage home page.',
    '',
  ].join('\n');
  const html = `<!doctype html>
<html><body>
<p>${escapeXml(`${facts.ownerName} (${facts.owner}) shared ${what} with you (${access}).`)}</p>
<p><a href="${escapeXml(links.folder)}">Subscribe to this folder</a><br>${escapeXml(links.folder)}</p>
<p><a href="${escapeXml(links.account)}">Subscribe to the account</a><br>${escapeXml(links.account)}</p>
<p>Each link asks for your own login.</p>
</body></html>
`;
  return { from: facts.from, to: facts.sharee, subject: `${facts.owner} shared ${facts.folder === null ? 'their account' : `"${facts.folder}"`} with you`, text, html };
}

/** Sends the e-mails of new invitations in the background. */
export interface InvitationMailer {
  /** The `ShareService` hook: starts sending and returns at once. */
  readonly onInvitation: (invitationId: number) => void;
  /** Resolves once every e-mail started so far is sent or has failed (a CLI waits before it exits). */
  settled(): Promise<void>;
}

/**
 * The reaction to a new invitation when a relay is configured: reads what the mail needs
 * and sends it in the background. A failure is logged (the message of the error and the
 * invitation, never the relay's URL or credentials) and never fails the grant (SPEC §5).
 */
export function invitationMailer(options: {
  readonly db: Db;
  readonly mailer: Mailer;
  readonly from: string;
  readonly baseUrl: () => string;
  readonly logger: Logger;
}): InvitationMailer {
  const send = async (invitationId: number): Promise<void> => {
    const repos = repositories(options.db);
    const invitation = await repos.grants.invitation(invitationId);
    if (!invitation) return;
    const [sharee, owner] = await Promise.all([repos.accounts.findAccount(invitation.shareeId), repos.accounts.findAccount(invitation.ownerId)]);
    if (!sharee || !owner) return;
    const folder = invitation.folderId === null ? null : (await repos.nodes.pathBelowHome(invitation.folderId)).join('/');
    await options.mailer.send(
      invitationMail({
        invitationId,
        sharee: sharee.email,
        owner: owner.email,
        ownerName: owner.displayName ?? owner.email,
        folder,
        canWrite: invitation.rights.split(',').includes('modify'),
        from: options.from,
        baseUrl: options.baseUrl().replace(/\/+$/, ''),
      }),
    );
    options.logger.info({ invitation: invitationId, to: sharee.email }, 'invitation e-mail sent');
  };
  const pending = new Set<Promise<void>>();
  return {
    onInvitation: (invitationId) => {
      const sending = send(invitationId).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        options.logger.error({ invitation: invitationId, reason }, 'invitation e-mail not sent');
      });
      pending.add(sending);
      void sending.finally(() => pending.delete(sending));
    },
    settled: async () => {
      await Promise.all([...pending]);
    },
  };
}
