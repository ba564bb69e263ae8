import type { GalService } from '../gal-service.js';
import { param, type Operation, type OperationInput } from './operation.js';

/** The body of `PUT /accounts/{email}/gal` (`GalSetting` in `openapi.yaml`). */
interface GalSettingBody {
  readonly folder: string;
  readonly enabled: boolean;
}

const actorOf = (input: OperationInput) => ({ id: input.caller.id, isAdmin: input.caller.isAdmin });

/** Default number of autocomplete suggestions (`limit` in `openapi.yaml`). */
const defaultLimit = 20;

/**
 * The GAL calls (SPEC §5): flag a contacts folder of an account as a GAL (its owner or an
 * administrator), list an account's GALs, and autocomplete a recipient field.
 *
 * @example const operations = [...apiOperations, ...galOperations(gal)];
 */
export function galOperations(gal: GalService): readonly Operation[] {
  return [
    {
      method: 'get',
      path: '/accounts/:email/gal',
      access: 'self-or-admin',
      handle: async (input) => {
        const email = param(input, 'email');
        const folders = await gal.list(actorOf(input), email);
        return { status: 200, body: { folders, membersInGal: await gal.isMembersInGal(email) } };
      },
    },
    {
      method: 'put',
      path: '/accounts/:email/gal',
      access: 'self-or-admin',
      handle: async (input) => {
        const body = input.body as GalSettingBody; // the request validator checked it against GalSetting
        return { status: 200, body: await gal.setGal(actorOf(input), param(input, 'email'), body.folder, body.enabled) };
      },
    },
    {
      method: 'get',
      path: '/autocomplete',
      access: 'sharing',
      handle: async (input) => {
        const q = typeof input.query['q'] === 'string' ? input.query['q'] : '';
        // The validator checked `limit` against an integer from 1 to 50 (and may have coerced it).
        const raw = input.query['limit'];
        const limit = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : defaultLimit;
        return { status: 200, body: await gal.autocomplete(input.caller, q, limit) };
      },
    },
  ];
}
