import { Annotations, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { cronLongestDayGap } from '../private/schedules';
import { describe } from '../private/validation';

/** The evaluation of the heartbeat alarm: `evaluationPeriods` consecutive periods of `periodMinutes` without a run. */
export interface Heartbeat {
  readonly periodMinutes: number;
  readonly evaluationPeriods: number;
}

/** Consecutive silent schedule periods before the heartbeat fires: a missed run and a late one are tolerated. */
const HEARTBEAT_PERIODS = 3;
/** The heartbeat of a long rate or a cron: a day without a run, for a week. */
const HEARTBEAT_DAYS = 7;
/** The longest rate the weekly heartbeat can watch without firing between two punctual runs (a day of margin). */
const MAX_HEARTBEAT_RATE_MINUTES = (HEARTBEAT_DAYS - 1) * 24 * 60;
/** The most days a cron may go without a run for the weekly heartbeat to watch it (a day of margin, as for a rate). */
const MAX_HEARTBEAT_CRON_GAP_DAYS = HEARTBEAT_DAYS - 1;

/**
 * The heartbeat of a schedule, within CloudWatch's limits: a period of 10 s, 30 s or whole minutes, and Period x
 * EvaluationPeriods at most 604,800 s, or 86,400 s for a period under an hour
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 * - a rate of R minutes (whole minutes, at least 10): periods of R minutes, 3 of them (a gap between punctual runs spans at most
 *   one whole period), up to R = 3,360 minutes (3 x 56 h = 7 days);
 * - a longer rate, up to 6 days, a cron whose runs are at most 6 days apart (`cronLongestDayGap`) or a token: periods of 1 day,
 *   7 of them;
 * - a rate over 6 days, or a cron that can go longer without a run (weekly, monthly, limited months or years) or whose days
 *   use `L`, `W` or `#`: no heartbeat (no alarm can wait longer than 7 days, and a shorter one would fire between punctual
 *   runs), with a warning.
 */
export function heartbeatOf(scope: Construct, rate: number | undefined, kind: string, expression?: string): Heartbeat | undefined {
  if (rate !== undefined && kind === 'rate') {
    const limit = rate * 60 < 3600 ? 86400 : 604800;
    if (rate * 60 * HEARTBEAT_PERIODS <= limit) {
      return { periodMinutes: rate, evaluationPeriods: HEARTBEAT_PERIODS };
    }
    if (rate > MAX_HEARTBEAT_RATE_MINUTES) {
      Annotations.of(scope).addWarningV2('cdk-mlops:experiment-no-heartbeat', `The schedule runs every ${describe(Duration.minutes(rate))}: `
        + 'no CloudWatch alarm can wait that long (at most 7 days), so nothing alarms if the experiment stops running. '
        + `Use a rate of at most ${describe(Duration.minutes(MAX_HEARTBEAT_RATE_MINUTES))}.`);
      return undefined;
    }
  }
  if (kind === 'cron' && expression !== undefined) {
    const gap = cronLongestDayGap(expression);
    if (gap === undefined || gap > MAX_HEARTBEAT_CRON_GAP_DAYS) {
      Annotations.of(scope).addWarningV2('cdk-mlops:experiment-no-heartbeat', `The schedule ${expression} `
        + (gap === undefined ? 'runs on days given with L, W or #' : `can go ${gap} days without a run`)
        + ': no CloudWatch alarm can wait that long (at most 7 days), so nothing alarms if the experiment stops running. '
        + `Use a cron that runs at least every ${MAX_HEARTBEAT_CRON_GAP_DAYS} days.`);
      return undefined;
    }
  }
  return { periodMinutes: 24 * 60, evaluationPeriods: HEARTBEAT_DAYS };
}
