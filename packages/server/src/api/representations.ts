import type { AccountRow, DomainRow } from '@partage/storage';

/** An account as the REST API shows it (`Account` in `openapi.yaml`); never the password hash. */
export interface AccountJson {
  readonly email: string;
  readonly kind: AccountRow['kind'];
  readonly displayName: string | null;
  readonly isAdmin: boolean;
  readonly quotaBytes: number | null;
  readonly usedBytes: number;
  readonly publicFolder: boolean;
  readonly createdAt: string;
  readonly members?: readonly string[] | undefined;
}

/** A domain as the REST API shows it (`Domain` in `openapi.yaml`). */
export interface DomainJson {
  readonly name: string;
  readonly groupwareEnabled: boolean;
  readonly webdavEnabled: boolean;
  readonly createdAt: string;
}

/** An app password without its token (`AppPassword` in `openapi.yaml`). */
export interface AppPasswordJson {
  readonly id: number;
  readonly label: string;
  readonly createdAt: string;
}

/**
 * Picks the public fields of an account. Dates become ISO strings here rather than in
 * `res.json`, because the response validator sees the body before it is serialised.
 */
export function accountJson(account: AccountRow, members?: readonly AccountRow[]): AccountJson {
  return {
    email: account.email,
    kind: account.kind,
    displayName: account.displayName,
    isAdmin: account.isAdmin,
    quotaBytes: account.quotaBytes,
    usedBytes: account.usedBytes,
    publicFolder: account.publicFolder,
    createdAt: account.createdAt.toISOString(),
    ...(members ? { members: members.map((m) => m.email) } : {}),
  };
}

/** Picks the public fields of a domain. */
export function domainJson(domain: DomainRow): DomainJson {
  return {
    name: domain.name,
    groupwareEnabled: domain.groupwareEnabled,
    webdavEnabled: domain.webdavEnabled,
    createdAt: domain.createdAt.toISOString(),
  };
}

/** Picks the public fields of an app password. */
export function appPasswordJson(appPassword: {
  id: number;
  label: string;
  createdAt: Date;
}): AppPasswordJson {
  return { id: appPassword.id, label: appPassword.label, createdAt: appPassword.createdAt.toISOString() };
}
