import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { acknowledgeNoAlarmAction } from './nag';
import { AlarmSeverity, AlertTopics } from '../monitoring/alert-topics';

const routed = new WeakMap<cloudwatch.Alarm, Set<AlertTopics>>();

/**
 * Routes an alarm to the topic of its severity, once per set of alert topics (alarms of a shared handler function are
 * routed by every construct that uses it), or records why it has no action when no alert topics were given.
 */
export function routeAlarm(alerts: AlertTopics | undefined, alarm: cloudwatch.Alarm, severity: AlarmSeverity): void {
  if (!alerts) {
    acknowledgeNoAlarmAction(alarm);
    return;
  }
  const done = routed.get(alarm) ?? new Set<AlertTopics>();
  if (!done.has(alerts)) {
    alerts.route(alarm, severity);
    done.add(alerts);
    routed.set(alarm, done);
  }
}
