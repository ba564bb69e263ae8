import { clark, ns, type ClarkName } from '@partage/dav-xml';

/** A name in Partage's own namespace (`urn:partage:ns`). */
export const partage = (local: string): ClarkName => clark(ns.partage, local);

/** `{urn:partage:ns}gal`: `true` on an address book flagged as a Global Address List (SPEC §5). */
export const galProperty = partage('gal');
