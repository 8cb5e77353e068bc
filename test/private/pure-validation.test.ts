import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import { InputErrors, MlopsValidationError, describe as describeValue, isToken, wholeDays } from '../../lib/private/validation';

// Unit tests of the validation helpers every construct uses: the exact message a user reads, and both sides of each
// boundary. Fast on purpose: StrykerJS runs them for every mutant of lib/private/validation.ts.

function errorsIn(path = 'Lake'): InputErrors {
  return new InputErrors(new Stack(undefined, path), 'DataLake');
}

describe('InputErrors', () => {
  test('throws nothing when no problem was recorded', () => {
    const errors = errorsIn();
    errors.check(true, 'zones', ['raw'], 'a non-empty list');
    expect(errors.count).toBe(0);
    expect(() => errors.throwIfAny()).not.toThrow();
  });

  test('fails with the kind, the path, the prop, the value and what is allowed for one problem', () => {
    const errors = errorsIn();
    errors.check(false, 'zones', [], 'a non-empty list');
    expect(errors.count).toBe(1);
    expect(() => errors.throwIfAny()).toThrow(new MlopsValidationError('DataLake Lake: zones must be a non-empty list, got []'));
  });

  test('lists every problem of a call, in order, when there are several', () => {
    const errors = errorsIn();
    errors.add('a', 1, '>= 2');
    errors.addMessage('a and b cannot both be set');
    errors.add('b', 'x', 'a number');
    expect(errors.count).toBe(3);
    let thrown: unknown;
    try {
      errors.throwIfAny();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MlopsValidationError);
    expect((thrown as Error).name).toBe('ValidationError');
    expect((thrown as Error).message).toBe([
      'DataLake Lake: 3 problems:',
      '  - a must be >= 2, got 1',
      '  - a and b cannot both be set',
      "  - b must be a number, got 'x'",
    ].join('\n'));
  });

  test('records nothing from a check that passes, even after a failing one', () => {
    const errors = errorsIn();
    errors.check(false, 'a', 0, '>= 1');
    errors.check(true, 'b', 5, '>= 1');
    expect(errors.count).toBe(1);
    expect(() => errors.throwIfAny()).toThrow(/^DataLake Lake: a must be >= 1, got 0$/);
  });
});

describe('describe', () => {
  test('renders strings quoted, durations readable, arrays bracketed and the rest as String() does', () => {
    expect(describeValue('raw')).toBe("'raw'");
    expect(describeValue('')).toBe("''");
    expect(describeValue(Duration.minutes(90))).toBe('1 hour 30 minutes');
    expect(describeValue(['a', 2, Duration.days(1)])).toBe("['a', 2, 1 day]");
    expect(describeValue([])).toBe('[]');
    expect(describeValue(3.5)).toBe('3.5');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(true)).toBe('true');
  });
});

describe('isToken', () => {
  test('is true only for unresolved values', () => {
    expect(isToken(Lazy.string({ produce: () => 'x' }))).toBe(true);
    expect(isToken(Lazy.number({ produce: () => 1 }))).toBe(true);
    expect(isToken('plain')).toBe(false);
    expect(isToken(5)).toBe(false);
    expect(isToken(undefined)).toBe(false);
    expect(isToken(null)).toBe(false);
  });
});

describe('wholeDays', () => {
  test('returns the whole days of a duration within [min, max], both ends included', () => {
    const errors = errorsIn();
    expect(wholeDays(errors, 'p', Duration.days(1), 1, 30)).toBe(1);
    expect(wholeDays(errors, 'p', Duration.days(30), 1, 30)).toBe(30);
    expect(wholeDays(errors, 'p', Duration.hours(48), 1, 30)).toBe(2);
    expect(wholeDays(errors, 'p', Duration.days(0), 0, 30)).toBe(0);
    expect(errors.count).toBe(0);
  });

  test('returns undefined and records nothing for an absent or unresolved duration', () => {
    const errors = errorsIn();
    expect(wholeDays(errors, 'p', undefined, 1, 30)).toBeUndefined();
    expect(wholeDays(errors, 'p', Duration.days(Lazy.number({ produce: () => 3 })), 1, 30)).toBeUndefined();
    expect(errors.count).toBe(0);
  });

  test('fails just below the minimum, just above the maximum and on a fraction of a day', () => {
    for (const [value, shown] of [[Duration.days(0), '0 days'], [Duration.days(31), '31 days'], [Duration.hours(36), '1 day 12 hours']] as const) {
      const errors = errorsIn();
      expect(wholeDays(errors, 'retention', value, 1, 30)).toBeUndefined();
      expect(() => errors.throwIfAny()).toThrow(new MlopsValidationError(`DataLake Lake: retention must be a whole number of days from 1 to 30, got ${shown}`));
    }
  });
});
