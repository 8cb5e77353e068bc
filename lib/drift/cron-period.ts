/**
 * The period of a cron schedule that runs at a regular interval, when it is plain to see (not exported from the
 * library). EventBridge Scheduler crons have six fields: minutes hours day-of-month month day-of-week year
 * (docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based).
 */

/**
 * The minutes between two runs of `cron(...)`: every day, at a fixed minute each hour (60), every n minutes (`0/n` or
 * `*` + `/n`, n dividing 60), at a fixed minute every n hours (n dividing 24), or at a fixed time (1440). Undefined for
 * any other cron (its runs are not evenly spaced, or not every day).
 */
export function cronPeriodMinutes(expression: string): number | undefined {
  const m = /^cron\((.*)\)$/.exec(expression.trim());
  if (!m) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = m[1].trim().split(/\s+/);
  const any = (f: string | undefined) => f === '*' || f === '?';
  if (!(any(dayOfMonth) && any(dayOfWeek) && month === '*' && (year === undefined || year === '*'))) return undefined;
  const fixed = (f: string) => /^\d{1,2}$/.test(f);
  const step = (f: string) => {
    const s = /^(?:\*|0)\/(\d{1,2})$/.exec(f);
    return s ? Number(s[1]) : undefined;
  };
  const minuteStep = step(minute);
  const hourStep = step(hour);
  if (hour === '*' && fixed(minute)) return 60;
  if (hour === '*' && minuteStep && 60 % minuteStep === 0) return minuteStep;
  if (fixed(minute) && hourStep && 24 % hourStep === 0) return 60 * hourStep;
  if (fixed(minute) && fixed(hour)) return 24 * 60;
  return undefined;
}
