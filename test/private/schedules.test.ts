import { App, Duration, Lazy, Stack, TimeZone, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { ScheduleRules, checkSchedule, cronProblem, rateMinutes, toEventsSchedule } from '../../lib/private/schedules';
import { InputErrors } from '../../lib/private/validation';

function check(schedule: scheduler.ScheduleExpression, rules?: ScheduleRules): { message: string; parsed: ReturnType<typeof checkSchedule> } {
  const stack = new Stack(new App(), 'Stack');
  const errors = new InputErrors(new Construct(stack, 'Thing'), 'Widget');
  const parsed = checkSchedule(errors, 'schedule', schedule, rules);
  try {
    errors.throwIfAny();
    return { message: '', parsed };
  } catch (e) {
    return { message: (e as Error).message, parsed };
  }
}

const expr = (s: string) => scheduler.ScheduleExpression.expression(s);

describe('rate schedules', () => {
  test.each([
    ['rate(1 minute)', 1], ['rate(5 minutes)', 5], ['rate(1 hour)', 60], ['rate(2 hours)', 120], ['rate(1 day)', 1440], ['rate(7 days)', 10080],
  ])('reads %s as %d minutes', (s, minutes) => {
    expect(rateMinutes(expr(s))).toBe(minutes);
    expect(check(expr(s)).parsed).toEqual({ kind: 'rate', rateMinutes: minutes });
  });

  test('reads what ScheduleExpression.rate writes', () => {
    expect(rateMinutes(scheduler.ScheduleExpression.rate(Duration.hours(3)))).toBe(180);
  });

  test('fails when the rate is below the minimum, and accepts the minimum itself', () => {
    expect(check(expr('rate(9 minutes)'), { minRateMinutes: 10 }).message).toBe("Widget Stack/Thing: schedule must be a rate of at least 10 minutes, got 'rate(9 minutes)'");
    expect(check(expr('rate(10 minutes)'), { minRateMinutes: 10 }).message).toBe('');
    expect(check(expr('rate(59 minutes)'), { minRateMinutes: 60 }).message).toMatch(/at least 1 hour,/);
    expect(check(expr('rate(0 minutes)')).message).toMatch(/at least 1 minute,/);
  });

  test('uses the words it is given for a short rate', () => {
    expect(check(expr('rate(5 minutes)'), { minRateMinutes: 10, minRateAllowed: 'a rate of at least 10 minutes (why)' }).message)
      .toMatch(/schedule must be a rate of at least 10 minutes \(why\), got 'rate\(5 minutes\)'/);
  });

  test.each(['rate(5 seconds)', 'rate(-1 minutes)', 'rate(1.5 hours)', 'rate(hour)', 'every hour'])('fails on %s', (s) => {
    expect(check(expr(s)).message).toMatch(/schedule must be a rate\(\.\.\.\) or a cron/);
  });
});

describe('cron schedules', () => {
  test.each([
    'cron(0 3 ? * SUN *)', 'cron(15 * * * ? *)', 'cron(0/15 8-17 ? * MON-FRI *)', 'cron(0 12 L * ? *)', 'cron(0 12 15W * ? *)',
    'cron(0 12 ? * 6#3 *)', 'cron(0 12 ? * 6L *)', 'cron(0,30 0 1 JAN,JUL ? 2026-2030)', 'cron(59 23 31 12 ? 2199)', 'cron(0 0 1 1 ? 1970)',
  ])('accepts %s', (s) => {
    expect(cronProblem(s)).toBeUndefined();
    expect(check(expr(s)).parsed.kind).toBe('cron');
  });

  test('accepts what ScheduleExpression.cron writes', () => {
    expect(check(scheduler.ScheduleExpression.cron({ minute: '5' })).message).toBe('');
    expect(check(scheduler.ScheduleExpression.cron({ minute: '0', hour: '3', weekDay: 'SUN' })).message).toBe('');
  });

  test.each([
    ['cron(0 25 * * ? *)', "the hours field '25' is not valid (0-23)"],
    ['cron(60 * * * ? *)', "the minutes field '60' is not valid (0-59)"],
    ['cron(0 0 32 * ? *)', "the day-of-month field '32' is not valid (1-31)"],
    ['cron(0 0 0 * ? *)', "the day-of-month field '0' is not valid (1-31)"],
    ['cron(0 0 ? 13 MON *)', "the month field '13' is not valid (1-12 or JAN-DEC)"],
    ['cron(0 0 ? * 8 *)', "the day-of-week field '8' is not valid (1-7 or SUN-SAT)"],
    ['cron(0 0 ? * FUN *)', "the day-of-week field 'FUN' is not valid (1-7 or SUN-SAT)"],
    ['cron(0 0 * * ? 1969)', "the year field '1969' is not valid (1970-2199)"],
    ['cron(0 ? * * ? *)', "the hours field '?' is not valid (0-23)"],
    ['cron(0 0 * * * *)', "exactly one of day-of-month and day-of-week must be '?'"],
    ['cron(0 * * * * *)', "exactly one of day-of-month and day-of-week must be '?'"],
    ['cron(0 0 ? * ? *)', "exactly one of day-of-month and day-of-week must be '?'"],
    ['cron(0 * * * *)', 'it has 5 fields, not 6'],
    ['cron(0 0 1-40 * ? *)', "the day-of-month field '1-40' is not valid (1-31)"],
    ['cron(0/x 0 * * ? *)', "the minutes field '0/x' is not valid (0-59)"],
    ['cron(0 0 ? * 6#3,1 *)', "the day-of-week field '6#3,1' is not valid (1-7 or SUN-SAT)"],
  ])('fails on %s: %s', (s, problem) => {
    expect(cronProblem(s)).toBe(problem);
    const { message, parsed } = check(expr(s));
    expect(parsed.kind).toBe('invalid');
    expect(message).toBe('Widget Stack/Thing: schedule must be a rate(...) or a cron(minutes hours day-of-month month day-of-week year) with \'?\' '
      + `in one of the day fields; ${problem}, got '${s}'`);
  });

  test('fails on a valid cron where only rates are allowed, and says why', () => {
    expect(check(expr('cron(0 3 * * ? *)'), { cron: false, cronReason: 'each run covers the rate' }).message)
      .toMatch(/schedule must be a rate\(\.\.\.\) \(each run covers the rate\), got 'cron\(0 3 \* \* \? \*\)'/);
  });
});

describe('other schedules', () => {
  test('one-time schedules only where allowed', () => {
    const at = scheduler.ScheduleExpression.at(new Date(Date.UTC(2030, 0, 1, 12, 0, 0)));
    expect(check(at).message).toMatch(/not a one-time at\(\.\.\.\) schedule/);
    expect(check(at, { at: true }).parsed.kind).toBe('at');
  });

  test('lets tokens through unchecked', () => {
    const token = expr(Token.asString(Lazy.string({ produce: () => 'cron(0 25 * * ? *)' })));
    expect(check(token)).toEqual({ message: '', parsed: { kind: 'token' } });
  });

  test('fails on a time zone where the schedule runs as an EventBridge rule', () => {
    const s = scheduler.ScheduleExpression.cron({ minute: '0', hour: '3', timeZone: TimeZone.EUROPE_PARIS });
    expect(check(s, { timeZone: false }).message).toMatch(/schedule.timeZone must be UTC \(this schedule runs as an EventBridge rule/);
    expect(check(s).message).toBe('');
  });

  test('fails on something that is not a ScheduleExpression (a JavaScript caller)', () => {
    expect(check('rate(1 hour)' as any).message).toMatch(/schedule must be a ScheduleExpression/);
  });

  test('converts to the same expression for an EventBridge rule', () => {
    expect(toEventsSchedule(scheduler.ScheduleExpression.rate(Duration.days(7))).expressionString).toBe('rate(7 days)');
    expect(toEventsSchedule(expr('cron(0 3 ? * SUN *)')).expressionString).toBe('cron(0 3 ? * SUN *)');
  });
});
