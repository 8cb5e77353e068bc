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
    this.problems.push(`${prop} must be ${allowed}, got ${describe(value)}`);
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
  if (value instanceof Duration) {
    return value.toHumanString();
  }
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (Array.isArray(value)) {
    return `[${value.map(describe).join(', ')}]`;
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
  if (value === undefined) {
    return undefined;
  }
  if (value.isUnresolved()) {
    return undefined;
  }
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < min || days > max) {
    errors.add(prop, value, `a whole number of days from ${min} to ${max}`);
    return undefined;
  }
  return days;
}
