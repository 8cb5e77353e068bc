import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { cronLongestDayGap, rateMinutes } from '../../lib/private/schedules';

describe('rateMinutes', () => {
  test('reads minutes, hours and days of a rate expression, singular and plural', () => {
    expect(rateMinutes(scheduler.ScheduleExpression.rate(Duration.minutes(1)))).toBe(1);
    expect(rateMinutes(scheduler.ScheduleExpression.rate(Duration.minutes(15)))).toBe(15);
    expect(rateMinutes(scheduler.ScheduleExpression.rate(Duration.hours(1)))).toBe(60);
    expect(rateMinutes(scheduler.ScheduleExpression.rate(Duration.hours(3)))).toBe(180);
    expect(rateMinutes(scheduler.ScheduleExpression.rate(Duration.days(1)))).toBe(1440);
    expect(rateMinutes(scheduler.ScheduleExpression.rate(Duration.days(2)))).toBe(2880);
    expect(rateMinutes(scheduler.ScheduleExpression.expression('rate(12 minutes)'))).toBe(12);
    expect(rateMinutes(scheduler.ScheduleExpression.expression('rate(1 hour)'))).toBe(60);
    expect(rateMinutes(scheduler.ScheduleExpression.expression('rate(1 day)'))).toBe(1440);
  });

  test('is undefined for cron, at and anything that only resembles a rate', () => {
    expect(rateMinutes(scheduler.ScheduleExpression.cron({ minute: '0', hour: '2' }))).toBeUndefined();
    expect(rateMinutes(scheduler.ScheduleExpression.expression('at(2030-01-01T00:00:00)'))).toBeUndefined();
    expect(rateMinutes(scheduler.ScheduleExpression.expression('rate(5 weeks)'))).toBeUndefined();
    expect(rateMinutes(scheduler.ScheduleExpression.expression(' rate(5 minutes)'))).toBeUndefined();
    expect(rateMinutes(scheduler.ScheduleExpression.expression('rate(5 minutes) '))).toBeUndefined();
    expect(rateMinutes(scheduler.ScheduleExpression.expression('rate(x minutes)'))).toBeUndefined();
  });
});

describe('cronLongestDayGap', () => {
  test('is the most days from one run to the next, over every weekday and leap-year pairing', () => {
    const cases: [string, number][] = [
      ['cron(0 9 * * ? *)', 1], ['cron(0/5 * ? * * *)', 1],
      ['cron(0 9 ? * MON-FRI *)', 3], ['cron(0 9 ? * 2-6 *)', 3],
      ['cron(0 9 ? * MON *)', 7], ['cron(0 9 ? * SUN,WED *)', 4], ['cron(0 9 ? * sun,sat *)', 6],
      // A range that wraps the week: FRI, SAT, SUN, MON.
      ['cron(0 9 ? * FRI-MON *)', 4],
      // Steps: MON and THU; every other day of the month (31 then 1, or 29 then 1 in a 30-day month);
      // the 1st, 11th, 21st and 31st (21 then 1 in a 30-day month).
      ['cron(0 9 ? * 2/3 *)', 4], ['cron(0 9 */2 * ? *)', 2], ['cron(0 9 1/10 * ? *)', 10],
      // Monthly; the 31st (August 31 to October 31); the 29th of February (leap years only: 2028 to 2032).
      ['cron(0 9 1 * ? *)', 31], ['cron(0 9 31 * ? *)', 61], ['cron(0 9 29 FEB ? *)', 1461],
      // Some months only: from June 30 to January 1.
      ['cron(0 9 ? JAN-JUN MON-FRI *)', 187],
    ];
    expect(cases.map(([e]) => [e, cronLongestDayGap(e)])).toEqual(cases);
  });

  test('counts the years a year field leaves out, from the walk\'s first day to its last', () => {
    // Runs only in 2027: from 2027-12-31 to the end of the 28 years (10,227 days from 2027-01-01, less the 364 before it).
    expect(cronLongestDayGap('cron(0 9 * * ? 2027)')).toBe(10227 - 364);
    // Starts in 2030: the first run is day 1,096 (after 2027, 2028 and 2029), counted from a run the day before the walk.
    expect(cronLongestDayGap('cron(0 9 * * ? 2030-2199)')).toBe(1097);
  });

  test('is undefined for days given with L, W or #, and for what is not a cron', () => {
    for (const e of ['cron(0 9 L * ? *)', 'cron(0 9 LW * ? *)', 'cron(0 9 15W * ? *)', 'cron(0 9 ? * 6L *)', 'cron(0 9 ? * 2#1 *)',
      'rate(1 hour)', 'cron(0 9 * * ?)']) {
      expect({ e, gap: cronLongestDayGap(e) }).toEqual({ e, gap: undefined });
    }
  });
});
