/** Which RFC 4791 precondition a rejected calendar object fails; the DAV layer maps it to its error element. */
export type CalendarDataCondition =
  | 'valid-calendar-data'
  | 'valid-calendar-object-resource'
  | 'supported-calendar-component';

/**
 * Thrown when iCalendar text cannot be stored as one calendar object resource (RFC 4791 §4.1, §5.3.2.1).
 * Carries no DAV words beyond the condition name so the calendar module can translate it.
 *
 * @example
 * try { parseCalendarObject(body, { allowedComponents: ['VEVENT'] }); }
 * catch (e) { if (e instanceof InvalidCalendarData) throw conditions[e.condition](e.message); throw e; }
 */
export class InvalidCalendarData extends Error {
  override readonly name = 'InvalidCalendarData';

  constructor(
    readonly condition: CalendarDataCondition,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
