import { App, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  InputErrors, checkArray, checkDuration, checkNumber, checkRequired, checkString, checkWholeNumber, describe as describeValue, describeRange,
  numberProblem,
  requireProps, wholeDays,
} from '../../lib/private/validation';

function scope(): Construct {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  return new Construct(stack, 'Thing');
}

/** Runs `fn` against a fresh collector and returns what it threw ('' when nothing). */
function thrown(fn: (errors: InputErrors) => void): string {
  const errors = new InputErrors(scope(), 'Widget');
  fn(errors);
  try {
    errors.throwIfAny();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('InputErrors', () => {
  test('names the construct kind and path, the prop, the bad value and what is allowed', () => {
    expect(thrown((e) => e.add('weight', -1, '>= 0'))).toBe('Widget Stack/Thing: weight must be >= 0, got -1');
  });

  test('collects every problem of one call and throws them together', () => {
    const message = thrown((e) => {
      e.add('a', 1, 'x');
      e.add('b', 'two', 'y');
    });
    expect(message).toBe("Widget Stack/Thing: 2 problems:\n  - a must be x, got 1\n  - b must be y, got 'two'");
  });

  test('throws nothing when there is no problem', () => {
    expect(thrown(() => undefined)).toBe('');
  });
});

describe('checkNumber', () => {
  test.each([
    [0, false], [1e-9, true], [1, true], [1.000001, false],
  ])('accepts numbers in (0, 1] only: %p -> %p', (value, ok) => {
    expect(thrown((e) => checkNumber(e, 'share', value, { min: 0, minExclusive: true, max: 1 })))
      .toBe(ok ? '' : `Widget Stack/Thing: share must be a number in (0, 1], got ${value}`);
  });

  test('includes both ends of a closed range', () => {
    expect(thrown((e) => {
      checkNumber(e, 'low', 5, { min: 5, max: 10 });
      checkNumber(e, 'high', 10, { min: 5, max: 10 });
    })).toBe('');
    expect(thrown((e) => checkNumber(e, 'below', 4.999, { min: 5, max: 10 }))).toMatch(/below must be a number from 5 to 10, got 4.999/);
    expect(thrown((e) => checkNumber(e, 'above', 10.001, { min: 5, max: 10 }))).toMatch(/above must be a number from 5 to 10, got 10.001/);
  });

  test('skips absent values and tokens', () => {
    expect(thrown((e) => {
      checkNumber(e, 'absent', undefined, { min: 1 });
      checkNumber(e, 'token', Token.asNumber(Lazy.number({ produce: () => -5 })), { min: 1 });
    })).toBe('');
  });

  test('fails on a string, NaN or Infinity from JavaScript', () => {
    expect(thrown((e) => checkNumber(e, 'n', '5', { min: 1 }))).toMatch(/n must be a number >= 1, got '5'/);
    expect(thrown((e) => checkNumber(e, 'n', NaN))).toMatch(/n must be a number, got NaN/);
    expect(thrown((e) => checkNumber(e, 'n', Infinity, { max: 3, maxExclusive: true }))).toMatch(/n must be a number < 3, got Infinity/);
  });

  test('says what is allowed in the words it is given', () => {
    expect(thrown((e) => checkNumber(e, 'p', -1, { min: 0, allowed: 'a percentage >= 0' }))).toMatch(/p must be a percentage >= 0, got -1/);
  });

  test('returns whether the value is a known good number', () => {
    const errors = new InputErrors(scope(), 'Widget');
    expect(checkNumber(errors, 'a', 2, { min: 1 })).toBe(true);
    expect(checkNumber(errors, 'b', 0, { min: 1 })).toBe(false);
    expect(checkNumber(errors, 'c', undefined, { min: 1 })).toBe(false);
    expect(errors.count).toBe(1);
  });
});

describe('checkWholeNumber', () => {
  test.each([[0, false], [1, true], [1.5, false], [200, true], [201, false]])('accepts whole numbers from 1 to 200: %p -> %p', (value, ok) => {
    expect(thrown((e) => checkWholeNumber(e, 'count', value, { min: 1, max: 200 })))
      .toBe(ok ? '' : `Widget Stack/Thing: count must be a whole number from 1 to 200, got ${value}`);
  });

  test('describes one-sided ranges', () => {
    expect(thrown((e) => checkWholeNumber(e, 'n', 0, { min: 1 }))).toMatch(/n must be a whole number >= 1, got 0/);
    expect(thrown((e) => checkWholeNumber(e, 'n', 11, { max: 10 }))).toMatch(/n must be a whole number <= 10, got 11/);
  });
});

describe('numberProblem', () => {
  test('gives the problem as a message for code that collects messages', () => {
    expect(numberProblem('deployment.step', 5, { min: 10, max: 50 }, true)).toBe('deployment.step must be a whole number from 10 to 50, got 5');
    expect(numberProblem('deployment.step', 10, { min: 10, max: 50 }, true)).toBeUndefined();
    expect(numberProblem('deployment.step', undefined, { min: 10, max: 50 }, true)).toBeUndefined();
  });
});

describe('checkDuration', () => {
  const TIMEOUT = { unit: 'seconds', min: 60, max: 3600 } as const;

  test('accepts both ends and rejects just outside them', () => {
    expect(thrown((e) => {
      checkDuration(e, 't', Duration.seconds(60), TIMEOUT);
      checkDuration(e, 't', Duration.hours(1), TIMEOUT);
    })).toBe('');
    expect(thrown((e) => checkDuration(e, 't', Duration.seconds(59), TIMEOUT)))
      .toBe('Widget Stack/Thing: t must be a whole number of seconds from 60 to 3600, got 59 seconds');
    expect(thrown((e) => checkDuration(e, 't', Duration.seconds(3601), TIMEOUT))).toMatch(/got 1 hour 1 second/);
  });

  test('returns the duration in the unit when it is good', () => {
    const errors = new InputErrors(scope(), 'Widget');
    expect(checkDuration(errors, 'w', Duration.hours(2), { unit: 'minutes', min: 10 })).toBe(120);
    expect(checkDuration(errors, 'w', Duration.seconds(90), { unit: 'minutes', min: 1 })).toBeUndefined();
    expect(errors.count).toBe(1);
  });

  test('allows fractions when asked', () => {
    expect(thrown((e) => checkDuration(e, 'w', Duration.seconds(90), { unit: 'minutes', min: 1, whole: false }))).toBe('');
  });

  test('skips unresolved durations and absent ones', () => {
    expect(thrown((e) => {
      checkDuration(e, 't', Duration.seconds(Token.asNumber(Lazy.number({ produce: () => 1 }))), TIMEOUT);
      checkDuration(e, 't', undefined, TIMEOUT);
    })).toBe('');
  });

  test('fails on a number where a Duration is expected (a JavaScript caller)', () => {
    expect(thrown((e) => checkDuration(e, 'timeout', 60, TIMEOUT))).toMatch(/timeout must be a Duration \(a whole number of seconds from 60 to 3600\), got 60/);
  });

  test('keeps wholeDays behaviour', () => {
    const errors = new InputErrors(scope(), 'Widget');
    expect(wholeDays(errors, 'retention', Duration.days(30), 1, 365)).toBe(30);
    expect(wholeDays(errors, 'retention', Duration.hours(36), 1, 365)).toBeUndefined();
    expect(() => errors.throwIfAny()).toThrow('retention must be a whole number of days from 1 to 365, got 1 day 12 hours');
  });
});

describe('required props and types for JavaScript callers', () => {
  test('checkRequired fails on undefined and null', () => {
    expect(thrown((e) => checkRequired(e, 'endpoint', undefined, 'an IModelEndpoint'))).toMatch(/endpoint must be an IModelEndpoint, got undefined/);
    expect(thrown((e) => checkRequired(e, 'endpoint', null, 'an IModelEndpoint'))).toMatch(/got null/);
    expect(thrown((e) => checkRequired(e, 'endpoint', 0, 'a number'))).toBe('');
  });

  test('checkArray fails on a string where a list is expected', () => {
    expect(thrown((e) => checkArray(e, 'zones', 'raw', 'a list of zone names'))).toMatch(/zones must be a list of zone names, got 'raw'/);
    expect(thrown((e) => checkArray(e, 'zones', undefined, 'a list', false))).toBe('');
    expect(thrown((e) => checkArray(e, 'zones', undefined, 'a list'))).toMatch(/zones must be a list, got undefined/);
    expect(thrown((e) => checkArray(e, 'zones', ['raw'], 'a list'))).toBe('');
  });

  test('checkString fails on a number where a string is expected', () => {
    expect(thrown((e) => checkString(e, 'name', 5, 'a name'))).toMatch(/name must be a name, got 5/);
    expect(thrown((e) => checkString(e, 'name', undefined, 'a name'))).toBe('');
    expect(thrown((e) => checkString(e, 'name', undefined, 'a name', true))).toMatch(/got undefined/);
  });

  test('requireProps throws with the construct path before a constructor reads a missing prop', () => {
    const s = scope();
    expect(() => requireProps(s, 'DriftMonitor', { endpoint: {} }, { endpoint: 'an IModelEndpoint', features: 'a list of features' }))
      .toThrow('DriftMonitor Stack/Thing: features must be a list of features, got undefined');
    expect(() => requireProps(s, 'DriftMonitor', undefined, { endpoint: 'an IModelEndpoint' }))
      .toThrow('DriftMonitor Stack/Thing: props must be an object with endpoint, got undefined');
    expect(() => requireProps(s, 'DriftMonitor', { endpoint: {} }, { endpoint: 'an IModelEndpoint' })).not.toThrow();
  });
});

describe('describe', () => {
  test('renders values as a user would write them', () => {
    expect(describeValue('a')).toBe("'a'");
    expect(describeValue(Duration.minutes(90))).toBe('1 hour 30 minutes');
    expect(describeValue([1, 'b'])).toBe("[1, 'b']");
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue(scope())).toBe("the construct 'Stack/Thing'");
    expect(describeValue(undefined)).toBe('undefined');
  });

  test('describes ranges in words', () => {
    expect(describeRange({ min: 0, minExclusive: true, max: 1 }, false)).toBe('a number in (0, 1]');
    expect(describeRange({ min: 0, max: 1, maxExclusive: true }, false)).toBe('a number in [0, 1)');
    expect(describeRange({ min: 1, max: 7 }, true, 'days')).toBe('a whole number of days from 1 to 7');
    expect(describeRange({}, true)).toBe('a whole number');
  });
});
