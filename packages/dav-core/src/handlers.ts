import type { ClarkName, XmlElement, XmlNode } from '@partage/dav-xml';
import type { Resource } from './resource.js';
import type { DavResponse, RequestContext } from './request-context.js';
import type { DavServerContext } from './server-context.js';

/** A property value: text, elements, or both mixed. */
export type PropValue = string | XmlElement | readonly XmlNode[];

/** A live property (RFC 4918 §4.2), computed by the server. */
export interface PropertyHandler<R extends Resource = Resource> {
  readonly name: ClarkName;
  readonly appliesTo: (resource: Resource) => resource is R;
  /** Reported by `allprop` (RFC 4918 §9.1). */
  readonly inAllprop: boolean;
  /**
   * Writable live properties are stored through `ResourceOps.patchProperties` together
   * with the dead ones, so that a PROPPATCH stays atomic. Others are protected.
   */
  readonly isWritable: boolean;
  /**
   * `undefined` = not set; the property is reported in a 404 propstat. `requested` is the
   * element the client named it with, for properties that take parameters in a report
   * (`CALDAV:calendar-data` with `expand`, RFC 4791 §9.6).
   */
  get(resource: R, ctx: RequestContext, server: DavServerContext, requested?: XmlElement): Promise<PropValue | undefined>;
}

/** Declares a property handler; `isWritable` defaults to false (protected). */
export function defineProperty<R extends Resource>(
  handler: Omit<PropertyHandler<R>, 'isWritable'> & { isWritable?: boolean },
): PropertyHandler {
  // Widened to PropertyHandler (methods are bivariant): a handler for R is only ever called on
  // resources its `appliesTo` guard accepted.
  return { isWritable: false, ...handler };
}

/** A REPORT (RFC 3253 §3.6) handler. */
export interface ReportHandler<Q = unknown> {
  readonly name: ClarkName;
  readonly appliesTo: (resource: Resource) => boolean;
  /** Turns the request body into a typed query, or throws DavError(400). */
  parse(body: XmlElement): Q;
  run(query: Q, resource: Resource, ctx: RequestContext, server: DavServerContext): Promise<DavResponse>;
}

/** Declares a report handler. */
export function defineReport<Q>(handler: ReportHandler<Q>): ReportHandler {
  // Widened to ReportHandler (methods are bivariant): the query produced by `parse` is handed
  // back to the same handler's `run`.
  return handler;
}

/** An HTTP method handler. */
export interface MethodHandler {
  readonly name: string;
  run(ctx: RequestContext, server: DavServerContext): Promise<DavResponse>;
}

/** Declares a method handler. */
export const defineMethod = (handler: MethodHandler): MethodHandler => handler;

/** What a module contributes to the server (STYLE §2). */
export interface DavModule {
  readonly name: string;
  /** Compliance classes for the `DAV:` header, e.g. `'calendar-access'`. */
  readonly features: readonly string[];
  readonly properties: readonly PropertyHandler[];
  readonly reports: readonly ReportHandler[];
  readonly methods: readonly MethodHandler[];
}
