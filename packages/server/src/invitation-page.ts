import { escapeXml } from '@partage/dav-xml';
import { ShareError, type ShareService } from '@partage/sharing';
import type { Request, Response } from 'express';
import type { AccountRow } from '@partage/storage';

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title></head>
<body>
<h1>${escapeXml(title)}</h1>
${body}
</body></html>
`;

/**
 * `GET /invitations/{id}/subscribe?scope=folder|account`, the links of the invitation
 * e-mail (SPEC §5, ADR 0012). The caller is already authenticated; only the invited
 * account subscribes, anyone else gets 404 and learns nothing. Subscribing is idempotent,
 * so following a link twice, or both links in turn, is harmless.
 */
export async function subscribeFromLink(req: Request, res: Response, account: AccountRow, sharing: ShareService): Promise<void> {
  const scope = req.query['scope'];
  const idParam: unknown = req.params['id'];
  const idText = typeof idParam === 'string' ? idParam : '';
  if ((scope !== 'folder' && scope !== 'account') || !/^\d{1,9}$/.test(idText)) {
    res.status(400).type('html').send(page('This link is not valid', '<p>Open the link exactly as the invitation e-mail gives it.</p>'));
    return;
  }
  try {
    const done = await sharing.subscribeFromLink(Number(idText), scope, { id: account.id, isAdmin: false });
    const what = done.folder === null ? `every folder of ${done.owner} that you may read` : `the folder "${done.folder}" of ${done.owner}`;
    res
      .status(200)
      .type('html')
      .send(page('Subscribed', `<p>You are now subscribed to ${escapeXml(what)}.</p><p>It appears in your calendar, contacts and files clients at their next refresh.</p>`));
  } catch (error) {
    if (!(error instanceof ShareError && error.code === 'not-found')) throw error;
    res.status(404).type('html').send(page('No such invitation', '<p>This invitation is not addressed to the account you signed in with.</p>'));
  }
}
