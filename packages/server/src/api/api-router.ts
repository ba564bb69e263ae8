import express, { type Request, type Response } from 'express';
import type { AccountRow } from '@partage/storage';
import type { AppServices } from '../app.js';

/** What the REST API needs besides the services. */
export interface ApiDependencies extends AppServices {
  readonly authenticate: (req: Request, res: Response) => Promise<AccountRow | undefined>;
}

/** The REST API under `/api/v1` (SPEC §7). */
export function createApiRouter(deps: ApiDependencies): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));
  router.get('/accounts/:email', async (req, res) => {
    const caller = await deps.authenticate(req, res);
    if (!caller) return;
    const account = await deps.accounts.get(String(req.params['email']));
    res.json({ email: account.email, kind: account.kind, displayName: account.displayName });
  });
  return router;
}
