import { Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { InputErrors } from './validation';

/*
 * The one schedule type of the public API is `scheduler.ScheduleExpression` (EventBridge Scheduler): every construct that
 * runs something on a schedule takes it, and checks it with `checkSchedule`.
 *
 * Syntax, from the EventBridge Scheduler User Guide, "Schedule types"
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html) and the EventBridge cron reference
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
 * - `rate(value unit)`: a positive whole value; unit minute(s), hour(s) or day(s).
 * - `cron(minutes hours day-of-month month day-of-week year)`: six fields; minutes 0-59, hours 0-23, day-of-month 1-31,
 *   month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT, year 1970-2199; wildcards `, - * /` in every field, `? L W` in
 *   day-of-month, `? L #` in day-of-week; `*` (or a value) in one day field needs `?` in the other.
 * - `at(yyyy-mm-ddThh:mm:ss)`: one run.
 */

/**
 * The longest window of a scheduled monitor whose alarms have one evaluation period of the window's length: CloudWatch refuses
 * an alarm whose Period x EvaluationPeriods passes 604,800 s (7 days)
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html), and the drift and model-quality
 * handlers refuse windows over 10,080 minutes.
 */
export const MAX_ALARM_WINDOW_MINUTES = 7 * 24 * 60;

/** What a schedule is, once parsed. */
export interface ParsedSchedule {
  /** 'rate', 'cron' or 'at'; 'token' when the expression is resolved at deploy time; 'invalid' when it is bad. */
  readonly kind: 'rate' | 'cron' | 'at' | 'token' | 'invalid';
  /** The interval of a rate schedule, in minutes. */
  readonly rateMinutes?: number;
}

/** What a construct accepts as a schedule. */
export interface ScheduleRules {
  /** The shortest rate allowed, in minutes. @default 1 */
  readonly minRateMinutes?: number;
  /** What is allowed, when a rate is too short. @default 'a rate of at least <minRateMinutes>' */
  readonly minRateAllowed?: string;
  /** The longest rate allowed, in minutes. @default - no limit */
  readonly maxRateMinutes?: number;
  /** What is allowed, when a rate is too long. @default 'a rate of at most <maxRateMinutes>' */
  readonly maxRateAllowed?: string;
  /** Whether a cron schedule is allowed. @default true */
  readonly cron?: boolean;
  /** Why a cron schedule is not allowed, when it is not. */
  readonly cronReason?: string;
  /** Whether a one-time `at(...)` schedule is allowed. @default false */
  readonly at?: boolean;
  /** Whether a time zone other than UTC is allowed (an EventBridge rule has none). @default true */
  readonly timeZone?: boolean;
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: string[];
  /** Wildcards beyond `, - * /`. */
  readonly extra: string;
}

const CRON_FIELDS: CronField[] = [
  { name: 'minutes', min: 0, max: 59, extra: '' },
  { name: 'hours', min: 0, max: 23, extra: '' },
  { name: 'day-of-month', min: 1, max: 31, extra: '?LW' },
  { name: 'month', min: 1, max: 12, names: MONTHS, extra: '' },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, extra: '?L#' },
  { name: 'year', min: 1970, max: 2199, extra: '' },
];

const CRON_ALLOWED = "a rate(...) or a cron(minutes hours day-of-month month day-of-week year) with '?' in one of the day fields";

/** The minutes of a `rate(...)` expression; undefined for other expressions (cron, at, tokens, bad ones). */
export function rateMinutes(schedule: scheduler.ScheduleExpression): number | undefined {
  return rateOf(schedule.expressionString);
}

function rateOf(expression: string): number | undefined {
  const m = RATE.exec(expression);
  if (!m) {
    return undefined;
  }
  const n = Number(m[1]);
  return m[2].startsWith('minute') ? n : m[2].startsWith('hour') ? n * 60 : n * 24 * 60;
}

/**
 * The problem with a cron expression's fields, or undefined when they are valid. Checks the field count, the values and
 * wildcards each field allows, and the day-of-month / day-of-week rule.
 */
export function cronProblem(expression: string): string | undefined {
  const m = /^cron\((.*)\)$/.exec(expression);
  if (!m) {
    return 'it is not a cron(...) expression';
  }
  const fields = m[1].trim().split(/\s+/).filter((f) => f.length > 0);
  if (fields.length !== 6) {
    return `it has ${fields.length} fields, not 6`;
  }
  for (let i = 0; i < 6; i++) {
    const problem = fieldProblem(CRON_FIELDS[i], fields[i]);
    if (problem) {
      return problem;
    }
  }
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return "exactly one of day-of-month and day-of-week must be '?'";
  }
  return undefined;
}

function fieldProblem(field: CronField, text: string): string | undefined {
  const bad = `the ${field.name} field '${text}' is not valid (${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ''})`;
  if (text === '?' || text === 'L' || text === 'LW') {
    return field.extra.includes(text[0]) ? undefined : bad;
  }
  if (field.extra.includes('#') && /^[^,]*#/.test(text)) {
    const hash = /^(\w+)#([1-5])$/.exec(text);
    return hash && valueOk(field, hash[1]) ? undefined : bad;
  }
  for (const part of text.split(',')) {
    const [range, step, ...rest] = part.split('/');
    if (rest.length > 0 || (step !== undefined && !/^\d+$/.test(step))) {
      return bad;
    }
    if (range === '*') {
      continue;
    }
    if (field.extra.includes('W') && /^\d+W$/.test(range)) {
      if (!valueOk(field, range.slice(0, -1))) {
        return bad;
      }
      continue;
    }
    if (field.extra.includes('L') && field.name === 'day-of-week' && /^\d+L$/.test(range)) {
      if (!valueOk(field, range.slice(0, -1))) {
        return bad;
      }
      continue;
    }
    const ends = range.split('-');
    if (ends.length > 2 || !ends.every((e) => valueOk(field, e))) {
      return bad;
    }
  }
  return undefined;
}

function valueOk(field: CronField, text: string): boolean {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max;
  }
  return field.names !== undefined && field.names.includes(text.toUpperCase());
}

/** The first day cronLongestDayGap walks from (a Friday), and how many days it walks: 28 years, every weekday and leap-year pairing. */
const GAP_START_MS = Date.UTC(2027, 0, 1);
const GAP_DAYS = 10227;

/**
 * The longest run of days without a run of a valid cron expression: the most days from one day it runs on to the next, over the
 * 28 years from 2027 (the calendar repeats its weekdays and leap years every 28 years), the walk's two ends counted as gaps too
 * (a year field that stops the schedule is a gap to the end). Days are the expression's own (its time zone); only the day-of-month,
 * month, day-of-week and year fields matter, as a valid expression runs at least once on each day those fields allow.
 * Undefined when a day field uses `L`, `W` or `#`, whose days this does not enumerate.
 */
export function cronLongestDayGap(expression: string): number | undefined {
  const fields = /^cron\((.*)\)$/.exec(expression)?.[1].trim().split(/\s+/);
  if (!fields || fields.length !== 6 || /[LW#]/.test(fields[2]) || /[L#]/.test(fields[4])) {
    return undefined;
  }
  const dayOfMonth = cronValues(CRON_FIELDS[2], fields[2]);
  const month = cronValues(CRON_FIELDS[3], fields[3]);
  const dayOfWeek = cronValues(CRON_FIELDS[4], fields[4]);
  const year = cronValues(CRON_FIELDS[5], fields[5]);
  let last = -1;
  let longest = 0;
  for (let i = 0; i < GAP_DAYS; i++) {
    const d = new Date(GAP_START_MS + i * 86_400_000);
    if (dayOfMonth.has(d.getUTCDate()) && month.has(d.getUTCMonth() + 1) && dayOfWeek.has(d.getUTCDay() + 1) && year.has(d.getUTCFullYear())) {
      longest = Math.max(longest, i - last);
      last = i;
    }
  }
  return Math.max(longest, GAP_DAYS - last);
}

/** The values a valid cron field allows (`?` allows all: the other day field decides). */
function cronValues(field: CronField, text: string): Set<number> {
  const values = new Set<number>();
  const value = (t: string) => (/^\d+$/.test(t) ? Number(t) : field.names!.indexOf(t.toUpperCase()) + 1);
  for (const part of text === '?' ? ['*'] : text.split(',')) {
    const [range, step] = part.split('/');
    const [from, to] = range === '*' ? [field.min, field.max]
      : range.includes('-') ? range.split('-').map(value) : [value(range), step === undefined ? value(range) : field.max];
    // A range that wraps (FRI-MON) runs to the field's end and on from its start.
    const count = to >= from ? to - from + 1 : field.max - from + 1 + to - field.min + 1;
    for (let k = 0; k < count; k += Number(step ?? 1)) {
      values.add(from + k > field.max ? from + k - field.max - 1 + field.min : from + k);
    }
  }
  return values;
}

/**
 * Parses and checks a schedule, recording problems under `prop` (the name the user wrote). Tokens pass unchecked.
 */
export function checkSchedule(errors: InputErrors, prop: string, schedule: scheduler.ScheduleExpression | undefined,
  rules: ScheduleRules = {}): ParsedSchedule {
  if (schedule === undefined || schedule === null) {
    return { kind: 'invalid' };
  }
  const expression: unknown = (schedule as scheduler.ScheduleExpression).expressionString;
  if (typeof expression !== 'string') {
    errors.add(prop, schedule, 'a ScheduleExpression (ScheduleExpression.rate(...) or .cron(...))');
    return { kind: 'invalid' };
  }
  if (Token.isUnresolved(expression)) {
    return { kind: 'token' };
  }
  if (rules.timeZone === false && schedule.timeZone !== undefined && !['UTC', 'Etc/UTC'].includes(schedule.timeZone.timezoneName)) {
    errors.add(`${prop}.timeZone`, schedule.timeZone.timezoneName, 'UTC (this schedule runs as an EventBridge rule, which has no time zone)');
  }
  const minutes = rateOf(expression);
  if (minutes !== undefined) {
    const min = rules.minRateMinutes ?? 1;
    if (minutes < min) {
      errors.add(prop, expression, rules.minRateAllowed ?? `a rate of at least ${describeMinutes(min)}`);
      return { kind: 'invalid' };
    }
    if (rules.maxRateMinutes !== undefined && minutes > rules.maxRateMinutes) {
      errors.add(prop, expression, rules.maxRateAllowed ?? `a rate of at most ${describeMinutes(rules.maxRateMinutes)}`);
      return { kind: 'invalid' };
    }
    return { kind: 'rate', rateMinutes: minutes };
  }
  if (expression.startsWith('cron(')) {
    const problem = cronProblem(expression);
    if (problem) {
      errors.add(prop, expression, `${CRON_ALLOWED}; ${problem}`);
      return { kind: 'invalid' };
    }
    if (rules.cron === false) {
      errors.add(prop, expression, `a rate(...)${rules.cronReason ? ` (${rules.cronReason})` : ''}`);
      return { kind: 'invalid' };
    }
    return { kind: 'cron' };
  }
  if (expression.startsWith('at(') && AT.test(expression)) {
    if (!rules.at) {
      errors.add(prop, expression, `${CRON_ALLOWED}, not a one-time at(...) schedule`);
      return { kind: 'invalid' };
    }
    return { kind: 'at' };
  }
  errors.add(prop, expression, CRON_ALLOWED);
  return { kind: 'invalid' };
}

/**
 * The same schedule for an EventBridge rule (for constructs that run on `events.Rule`). Check it first with
 * `checkSchedule(..., { timeZone: false })`: a rule has no time zone and no one-time schedules.
 */
export function toEventsSchedule(schedule: scheduler.ScheduleExpression): events.Schedule {
  return events.Schedule.expression(schedule.expressionString);
}

function describeMinutes(minutes: number): string {
  if (minutes % (24 * 60) === 0) {
    return minutes === 24 * 60 ? '1 day' : `${minutes / (24 * 60)} days`;
  }
  if (minutes % 60 === 0) {
    return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  }
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
