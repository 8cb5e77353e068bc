import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { rateMinutes } from '../../lib/private/schedules';

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
