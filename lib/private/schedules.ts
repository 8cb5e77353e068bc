import * as scheduler from 'aws-cdk-lib/aws-scheduler';

/** The minutes of a `rate(...)` schedule expression, undefined for other expressions (cron, at, tokens). */
export function rateMinutes(schedule: scheduler.ScheduleExpression): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule.expressionString);
  if (!m) {
    return undefined;
  }
  const n = Number(m[1]);
  return m[2].startsWith('minute') ? n : m[2].startsWith('hour') ? n * 60 : n * 24 * 60;
}
