/** The calendar component types a calendar object resource may hold (RFC 4791 §4.1). */
export type ComponentType = 'VEVENT' | 'VTODO' | 'VJOURNAL' | 'VFREEBUSY';

/** The component types this package understands, in RFC order. */
export const componentTypes = ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY'] as const satisfies readonly ComponentType[];

/**
 * A time range `[start, end)` in UTC (RFC 4791 §9.9); a missing bound is unbounded.
 * RFC 4791 §9.9 tests some bounds inclusively; each test states which.
 */
export interface TimeRange {
  readonly start?: Date | undefined;
  readonly end?: Date | undefined;
}

/** Options shared by every function that turns local times into UTC. */
export interface FloatingOptions {
  /**
   * IANA zone in which floating times and DATE values are read (RFC 4791 §9.9 and the
   * calendar's `calendar-timezone`); UTC when omitted.
   */
  readonly floatingTimezone?: string | undefined;
}

/** One instance of a calendar object, as found by {@link instancesBetween}. */
export interface Instance {
  /** Effective start (RFC 4791 §9.9), UTC; `minDate` for a VTODO with no date at all. */
  readonly start: Date;
  /** Effective end, UTC; equals `start` for zero-length instances, `maxDate` when open-ended. */
  readonly end: Date;
  /** RECURRENCE-ID of the instance as an iCalendar value in UTC (or a DATE), `undefined` when not recurring. */
  readonly recurrenceId: string | undefined;
}

/** Earliest representable JS date: the start of an instance that has no start (a VTODO without dates). */
export const minDate = new Date(-8.64e15);
/** Latest representable JS date: the end of an open-ended instance (a VTODO with only CREATED). */
export const maxDate = new Date(8.64e15);

/** text-match (RFC 4791 §9.7.5). */
export interface TextMatch {
  readonly value: string;
  readonly collation: 'i;ascii-casemap' | 'i;unicode-casemap' | 'i;octet';
  readonly negate: boolean;
  readonly matchType: 'equals' | 'contains' | 'starts-with' | 'ends-with';
}

/** param-filter (RFC 4791 §9.7.3). */
export interface ParamFilter {
  readonly name: string;
  readonly isNotDefined: boolean;
  readonly textMatch?: TextMatch | undefined;
}

/** prop-filter (RFC 4791 §9.7.2). */
export interface PropFilter {
  readonly name: string;
  readonly isNotDefined: boolean;
  readonly timeRange?: TimeRange | undefined;
  readonly textMatch?: TextMatch | undefined;
  readonly paramFilters: readonly ParamFilter[];
}

/** comp-filter (RFC 4791 §9.7.1). */
export interface CompFilter {
  readonly name: string;
  readonly isNotDefined: boolean;
  readonly timeRange?: TimeRange | undefined;
  readonly propFilters: readonly PropFilter[];
  readonly compFilters: readonly CompFilter[];
}

/** comp element of calendar-data (RFC 4791 §9.6.1). */
export interface CompSelector {
  readonly name: string;
  readonly allProps: boolean;
  readonly props: readonly { name: string; noValue: boolean }[];
  readonly allComps: boolean;
  readonly comps: readonly CompSelector[];
}

/** calendar-data request (RFC 4791 §9.6). */
export interface CalendarDataRequest {
  readonly select?: CompSelector | undefined;
  readonly expand?: TimeRange | undefined;
  readonly limitRecurrenceSet?: TimeRange | undefined;
  readonly limitFreebusySet?: TimeRange | undefined;
}

/** One merged busy period (RFC 4791 §7.10, RFC 5545 §3.2.9 FBTYPE). */
export interface BusyPeriod {
  readonly start: Date;
  readonly end: Date;
  readonly type: 'BUSY' | 'BUSY-TENTATIVE' | 'BUSY-UNAVAILABLE';
}
