import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The error thrown for bad input at synth time. It names the construct, its path, the property, the
 * bad value and what is allowed, so that a user can fix the call without reading our source.
 */
export class MlopsValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

/**
 * Collects the problems of one call, then throws them together.
 *
 * ```ts
 * const errors = new InputErrors(this, 'DataLake');
 * errors.check(days > 0, 'noncurrentVersionRetention', days, 'a whole number of days >= 1');
 * errors.throwIfAny();
 * ```
 */
export class InputErrors {
  private readonly problems: string[] = [];

  constructor(private readonly scope: IConstruct, private readonly kind: string) {}

  /** Records a problem with `prop` unless `ok`. */
  public check(ok: boolean, prop: string, value: unknown, allowed: string): void {
    if (!ok) {
      this.add(prop, value, allowed);
    }
  }

  /** Records that `prop` has the bad `value` and says what is allowed. */
  public add(prop: string, value: unknown, allowed: string): void {
    this.problems.push(problemText(prop, value, allowed));
  }

  /** Records a free-form problem (for rules that span several properties). */
  public addMessage(message: string): void {
    this.problems.push(message);
  }

  public get count(): number {
    return this.problems.length;
  }

  public throwIfAny(): void {
    if (this.problems.length === 0) {
      return;
    }
    const where = `${this.kind} ${this.scope.node.path}`;
    if (this.problems.length === 1) {
      throw new MlopsValidationError(`${where}: ${this.problems[0]}`);
    }
    throw new MlopsValidationError(`${where}: ${this.problems.length} problems:\n${this.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Renders a value for an error message: strings quoted, durations in a readable unit. */
export function describe(value: unknown): string {
  if (isDuration(value)) {
    return value.isUnresolved() ? '<token>' : value.toHumanString();
  }
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (Array.isArray(value)) {
    return `[${value.map(describe).join(', ')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const node = (value as { node?: { path?: unknown } }).node;
    if (node && typeof node.path === 'string') {
      return `the construct '${node.path}'`;
    }
    if (Object.getPrototypeOf(value) === Object.prototype) {
      try {
        // Constructs inside the value are named by their path (they are circular, and too long to print).
        const json = JSON.stringify(value, (k, v) => (k !== '' && typeof v?.node?.path === 'string' ? `<${v.node.path}>` : v));
        return json.length > 100 ? `${json.slice(0, 97)}...` : json;
      } catch {
        return String(value);
      }
    }
  }
  return String(value);
}

/** True for a value that is resolved at deploy time and so cannot be checked at synth. */
export function isToken(value: unknown): boolean {
  return value !== undefined && value !== null && Token.isUnresolved(value);
}

/**
 * Converts a Duration to whole days; records an error (and returns undefined) if it is not a whole number of days
 * within [min, max].
 */
export function wholeDays(errors: InputErrors, prop: string, value: Duration | undefined, min: number, max: number): number | undefined {
  return checkDuration(errors, prop, value, { unit: 'days', min, max });
}

/** The bounds of a number prop. `allowed` replaces the generated description of what is allowed. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** `min` itself is not allowed. */
  readonly minExclusive?: boolean;
  /** `max` itself is not allowed. */
  readonly maxExclusive?: boolean;
  /** What is allowed, in words; generated from the bounds when absent. */
  readonly allowed?: string;
}

/** Describes a range in words: `a number > 0`, `a whole number from 1 to 50`, `a number in (0, 1]`. */
export function describeRange(range: NumberRange, whole: boolean, unit?: string): string {
  const what = `${whole ? 'a whole number' : 'a number'}${unit ? ` of ${unit}` : ''}`;
  const { min, max } = range;
  if (min !== undefined && max !== undefined) {
    if (!range.minExclusive && !range.maxExclusive) {
      return `${what} from ${min} to ${max}`;
    }
    return `${what} in ${range.minExclusive ? '(' : '['}${min}, ${max}${range.maxExclusive ? ')' : ']'}`;
  }
  if (min !== undefined) {
    return `${what} ${range.minExclusive ? '>' : '>='} ${min}`;
  }
  if (max !== undefined) {
    return `${what} ${range.maxExclusive ? '<' : '<='} ${max}`;
  }
  return what;
}

function inRange(value: number, range: NumberRange): boolean {
  const { min, max } = range;
  if (min !== undefined && (range.minExclusive ? value <= min : value < min)) {
    return false;
  }
  if (max !== undefined && (range.maxExclusive ? value >= max : value > max)) {
    return false;
  }
  return true;
}

/**
 * Records a problem unless `value` is absent, a token, or a finite number within `range`. A value of another type (from
 * JavaScript) is a problem too. Returns true when the value is a known good number.
 */
export function checkNumber(errors: InputErrors, prop: string, value: unknown, range: NumberRange = {}): boolean {
  return checkNumeric(errors, prop, value, range, false);
}

/** As `checkNumber`, and the number must be whole. */
export function checkWholeNumber(errors: InputErrors, prop: string, value: unknown, range: NumberRange = {}): boolean {
  return checkNumeric(errors, prop, value, range, true);
}

function checkNumeric(errors: InputErrors, prop: string, value: unknown, range: NumberRange, whole: boolean): boolean {
  if (value === undefined || value === null || isToken(value)) {
    return false;
  }
  const problem = numberProblem(prop, value, range, whole);
  if (problem) {
    errors.addMessage(problem);
  }
  return problem === undefined;
}

/**
 * The problem with a number, as `<prop> must be <allowed>, got <value>`, or undefined when it is good (absent and tokens
 * are good). For code that collects plain messages rather than an `InputErrors`.
 */
export function numberProblem(prop: string, value: unknown, range: NumberRange, whole: boolean): string | undefined {
  if (value === undefined || value === null || isToken(value)) {
    return undefined;
  }
  const ok = typeof value === 'number' && Number.isFinite(value) && (!whole || Number.isInteger(value)) && inRange(value, range);
  return ok ? undefined : problemText(prop, value, range.allowed ?? describeRange(range, whole));
}

/** The text of one problem: `<prop> must be <allowed>, got <value>`. */
export function problemText(prop: string, value: unknown, allowed: string): string {
  return `${prop} must be ${allowed}, got ${describe(value)}`;
}

/** The unit a duration is checked in. */
export type DurationUnit = 'seconds' | 'minutes' | 'hours' | 'days';

/** The bounds of a Duration prop, in `unit`. */
export interface DurationRange extends NumberRange {
  readonly unit: DurationUnit;
  /** The duration must be a whole number of `unit`. @default true */
  readonly whole?: boolean;
}

/** True for a Duration (by shape, so that a second copy of aws-cdk-lib does not break it). */
export function isDuration(value: unknown): value is Duration {
  return typeof value === 'object' && value !== null && typeof (value as Duration).toSeconds === 'function'
    && typeof (value as Duration).toHumanString === 'function';
}

/**
 * Records a problem unless `value` is absent, unresolved, or a Duration within `range` (in `range.unit`). Returns the
 * duration in that unit when it is good, undefined otherwise.
 */
export function checkDuration(errors: InputErrors, prop: string, value: unknown, range: DurationRange): number | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const whole = range.whole ?? true;
  const allowed = range.allowed ?? describeRange(range, whole, range.unit);
  if (!isDuration(value)) {
    errors.add(prop, value, `a Duration (${allowed})`);
    return undefined;
  }
  if (value.isUnresolved()) {
    return undefined;
  }
  const n = toUnit(value, range.unit);
  if ((whole && !Number.isInteger(n)) || !inRange(n, range)) {
    errors.add(prop, value, allowed);
    return undefined;
  }
  return n;
}

function toUnit(d: Duration, unit: DurationUnit): number {
  switch (unit) {
    case 'seconds': return d.toSeconds({ integral: false });
    case 'minutes': return d.toMinutes({ integral: false });
    case 'hours': return d.toHours({ integral: false });
    case 'days': return d.toDays({ integral: false });
  }
}

/**
 * Records a problem if the required `value` is missing (JavaScript callers can omit what the types require). Returns true
 * when it is present.
 */
export function checkRequired(errors: InputErrors, prop: string, value: unknown, allowed: string): boolean {
  if (value === undefined || value === null) {
    errors.add(prop, value, allowed);
    return false;
  }
  return true;
}

/** Records a problem unless `value` is an array (or absent when not `required`). Returns true for an array. */
export function checkArray(errors: InputErrors, prop: string, value: unknown, allowed: string, required = true): value is unknown[] {
  if (Array.isArray(value)) {
    return true;
  }
  if (value === undefined && !required) {
    return false;
  }
  if (!isToken(value)) {
    errors.add(prop, value, allowed);
  }
  return false;
}

/** Records a problem unless `value` is a string (or a token, or absent when not `required`). */
export function checkString(errors: InputErrors, prop: string, value: unknown, allowed: string, required = false): value is string {
  if (typeof value === 'string') {
    return true;
  }
  if ((value === undefined || value === null) && !required) {
    return false;
  }
  errors.add(prop, value, allowed);
  return false;
}

/**
 * Checks the props object and its required members before a constructor reads them, and throws at once (with the
 * construct path) if any is missing: the checks that follow would otherwise crash on `undefined`.
 *
 * ```ts
 * requireProps(this, 'DriftMonitor', props, { endpoint: 'an IModelEndpoint', features: 'a list of features' },
 *   { features: 'a list of features' });
 * ```
 *
 * `lists` names the props that must be arrays when given (required ones among them must be given).
 */
export function requireProps(scope: IConstruct, kind: string, props: unknown, required: Record<string, string>,
  lists: Record<string, string> = {}): void {
  const errors = new InputErrors(scope, kind);
  if (props === undefined || props === null || typeof props !== 'object') {
    errors.add('props', props, `an object with ${Object.keys(required).join(', ')}`);
    errors.throwIfAny();
  }
  const p = props as Record<string, unknown>;
  for (const [prop, allowed] of Object.entries(required)) {
    if (!(prop in lists)) {
      checkRequired(errors, prop, p[prop], allowed);
    }
  }
  // Lists are checked for being lists: a string or an object from JavaScript would otherwise be iterated or crash.
  for (const [prop, allowed] of Object.entries(lists)) {
    checkArray(errors, prop, p[prop], allowed, prop in required);
  }
  errors.throwIfAny();
}
