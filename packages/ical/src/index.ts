/**
 * iCalendar for Partage: parse and validate calendar objects, expand recurrences, evaluate
 * calendar-query filters, render calendar-data and free-busy. The only importer of ical.js;
 * pure (no XML, no database). STYLE §1.
 */
export { registerTimezones } from './register-timezones.js';
export { InvalidCalendarData, type CalendarDataCondition } from './invalid-calendar-data.js';
export { TooManyInstances } from './too-many-instances.js';
export { parseCalendarObject, type CalendarObjectSummary, type ParseOptions } from './parse-calendar-object.js';
export { instancesBetween, type InstancesOptions } from './instances-between.js';
export { matchesFilter } from './matches-filter.js';
export { renderCalendarData } from './render-calendar-data.js';
export { busyPeriods } from './busy-periods.js';
export { renderFreeBusy, prodId } from './render-free-busy.js';
export {
  componentTypes,
  maxDate,
  minDate,
  type BusyPeriod,
  type CalendarDataRequest,
  type CompFilter,
  type ComponentType,
  type CompSelector,
  type FloatingOptions,
  type Instance,
  type ParamFilter,
  type PropFilter,
  type TextMatch,
  type TimeRange,
} from './types.js';
export { mergeCalendars, splitCalendar } from './merge-calendars.js';
export { InvalidAddressData } from './vcard/invalid-address-data.js';
export { parseVcard, type VcardSummary } from './vcard/parse-vcard.js';
export { convertVcard } from './vcard/convert-vcard.js';
export { reduceConfidentialCard } from './vcard/reduce-confidential-card.js';
export { renderAddressData, transformsAddressData, type AddressDataRequest } from './vcard/render-address-data.js';
export {
  matchesAddressFilter,
  matchesAddressValues,
  isDecidableOnValues,
  type AddressFilter,
  type AddressParamFilter,
  type AddressPropFilter,
  type FilterTest,
} from './vcard/address-filter.js';
export { indexFold } from './vcard/index-fold.js';
export {
  indexedVcardProperties,
  isIndexedVcardProperty,
  isVcardVersion,
  type IndexedVcardProperty,
  type VcardVersion,
} from './vcard/vcard-values.js';
export { reduceConfidential } from './reduce-confidential.js';
