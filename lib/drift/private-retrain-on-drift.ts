/**
 * Opt-in retraining on drift of a DriftMonitor: one trigger per monitor, damped. Not exported from the package:
 * DriftMonitor calls it with its own scope, so construct ids stay those of the monitor.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { AlarmSeverity } from '../monitoring';
import { AlarmFactory } from '../private/alarm-factory';
import { acknowledgeInlinePolicy } from '../private/nag';
import { ITrainingPipeline } from '../training';

/**
 * A composite alarm is in ALARM while any variant drifts, and the rule fires only on its transition into ALARM: a second
 * variant drifting, or a variant flapping while another is still in alarm, starts nothing more.
 */
export function defineRetrainOnDrift(scope: Construct, pipeline: ITrainingPipeline, endpointName: string, variantDriftAlarms: cloudwatch.Alarm[],
  alarmFactory: AlarmFactory, severity: AlarmSeverity): cloudwatch.CompositeAlarm {
  const trigger = alarmFactory.composite({
    id: 'RetrainTrigger',
    alarmName: `${endpointName}-drift-retrain`,
    description: `A variant of endpoint ${endpointName} drifted: retraining starts once, on entering ALARM.`,
    alarmRule: cloudwatch.AlarmRule.anyOf(...variantDriftAlarms.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
    severity,
  });
  new events.Rule(scope, 'RetrainOnDrift', {
    description: `Retrains when endpoint ${endpointName} drifts`,
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      resources: [trigger.alarmArn],
      detail: { state: { value: ['ALARM'] }, previousState: { value: ['OK', 'INSUFFICIENT_DATA'] } },
    },
    targets: [new targets.SfnStateMachine(pipeline.stateMachine, { retryAttempts: 2 })],
  });
  // The role the CDK defines for the target (one per state machine, `EventsRole`): states:StartExecution on it only.
  const eventsRole = pipeline.stateMachine.node.tryFindChild('EventsRole');
  if (eventsRole) {
    acknowledgeInlinePolicy(eventsRole, 'The role EventBridge assumes to start this one state machine (the CDK\'s role for an '
      + 'EventBridge target, states:StartExecution on it only): inline so that it cannot be attached to any other principal.');
  }
  return trigger;
}
