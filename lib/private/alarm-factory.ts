import { Duration, IResolvable, Lazy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeAlarmWithoutAction, acknowledgeNoAlarmAction } from './nag';
import { InputErrors, MlopsValidationError, checkWholeNumber, isDuration } from './validation';
import type { AlarmTuning } from '../monitoring/alarm-tuning';
import { AlarmSeverity, IAlertTopics } from '../monitoring/alert-topics';

/*
 * The one place where the library makes alarms (in the spirit of cdk-monitoring-constructs' AlarmFactory): every alarm
 * gets its name, a description that starts with its severity, an M-of-N evaluation with M <= N, and is routed to the alert
 * topic of its severity, or, when no topics were given, acknowledged as an alarm without action.
 */

/** An alarm's evaluation, resolved from the user's `AlarmTuning` and the alarm's defaults. */
export interface ResolvedTuning {
  readonly enabled: boolean;
  /** Whether the user gave a tuning for this alarm at all. */
  readonly explicit: boolean;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly severity: AlarmSeverity;
}

/** The defaults of one alarm's tuning. */
export interface TuningDefaults {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  /** Capped at `evaluationPeriods` when the user lowers that. */
  readonly datapointsToAlarm: number;
  readonly severity: AlarmSeverity;
}

/**
 * Resolves and checks a user's tuning of one alarm, recording problems under `prop`: the period must be one CloudWatch
 * accepts (10 s, 30 s or whole minutes), period x evaluationPeriods at most 7 days (1 day for periods under 1 hour), and 1 <= datapointsToAlarm <=
 * evaluationPeriods (CloudWatch's PutMetricAlarm rules).
 */
export function resolveTuning(errors: InputErrors, prop: string, tuning: AlarmTuning | undefined, defaults: TuningDefaults): ResolvedTuning {
  if (tuning?.period !== undefined && !isDuration(tuning.period)) {
    // From JavaScript: a number or a string where a Duration is expected.
    errors.add(`${prop}.period`, tuning.period, 'a Duration of 10 seconds, 30 seconds or a whole number of minutes, e.g. Duration.minutes(5)');
  }
  if (tuning?.enabled !== undefined && typeof tuning.enabled !== 'boolean') {
    errors.add(`${prop}.enabled`, tuning.enabled, 'true or false');
  }
  const severities = Object.values(AlarmSeverity) as string[];
  if (tuning?.severity !== undefined && !severities.includes(tuning.severity)) {
    errors.add(`${prop}.severity`, tuning.severity, `an AlarmSeverity (${severities.map((x) => `'${x}'`).join(', ')})`);
  }
  const p = tuning?.period !== undefined && isDuration(tuning.period) ? tuning.period : defaults.period;
  const seconds = p.isUnresolved() ? 60 : p.toSeconds({ integral: false });
  if (tuning?.period !== undefined && !p.isUnresolved() && !(seconds === 10 || seconds === 30 || (seconds >= 60 && seconds % 60 === 0))) {
    errors.add(`${prop}.period`, p, '10 seconds, 30 seconds or a whole number of minutes');
  }
  const n = tuning?.evaluationPeriods ?? defaults.evaluationPeriods;
  const nOk = checkWholeNumber(errors, `${prop}.evaluationPeriods`, n, { min: 1 });
  // PutMetricAlarm: Period x EvaluationPeriods at most 604,800 s (7 days), and at most 86,400 s (1 day) for a period under
  // 1 hour (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
  const limit = seconds < 3600 ? { seconds: 86400, text: '1 day for a period under 1 hour' } : { seconds: 604800, text: '7 days (604,800 s)' };
  if (nOk && seconds * n > limit.seconds) {
    errors.addMessage(`${prop}: period x evaluationPeriods must be at most ${limit.text} (CloudWatch's limit), got ${seconds} s x ${n}`);
  }
  const m = tuning?.datapointsToAlarm ?? Math.min(defaults.datapointsToAlarm, n);
  if (nOk && !Token.isUnresolved(m) && !(Number.isInteger(m) && m >= 1 && m <= n)) {
    errors.add(`${prop}.datapointsToAlarm`, m, `a whole number from 1 to evaluationPeriods (${n})`);
  }
  return {
    enabled: tuning?.enabled ?? true,
    explicit: tuning !== undefined,
    period: p,
    evaluationPeriods: n,
    datapointsToAlarm: m,
    severity: tuning?.severity ?? defaults.severity,
  };
}

/** One alarm on one metric (or math expression). */
export interface AlarmSpec {
  /** The construct id, under the factory's scope. */
  readonly id: string;
  /** @default - a name CloudFormation generates */
  readonly alarmName?: string;
  /** What firing means, without the severity (the factory adds `[SEVERITY] `). */
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  readonly tuning: Pick<ResolvedTuning, 'evaluationPeriods' | 'datapointsToAlarm' | 'severity'>;
  /**
   * Leave `DatapointsToAlarm` out of the template (CloudWatch then uses `evaluationPeriods`); for alarms defined before the
   * factory that never wrote it.
   */
  readonly omitDatapointsToAlarm?: boolean;
  /** Define the alarm without routing it: its users route it (`route()`), e.g. the failure alarm of a shared function. */
  readonly routedByUsers?: boolean;
}

/** An alarm on metric queries rendered at synth (e.g. over a list of variants that grows), without an action. */
export interface QueryAlarmSpec {
  readonly id: string;
  readonly description: string;
  readonly metrics: IResolvable;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Why the alarm needs no action, for the compliance acknowledgment. */
  readonly noActionReason: string;
}

/** A composite alarm. */
export interface CompositeAlarmSpec {
  readonly id: string;
  readonly alarmName?: string;
  readonly description: string;
  readonly alarmRule: cloudwatch.IAlarmRule;
  readonly severity: AlarmSeverity;
}

const routed = new WeakMap<cloudwatch.IAlarm, Set<IAlertTopics>>();

/** Per construct tree: the constructs (factory scopes) that asked for each alarm name. */
const nameOwners = new WeakMap<IConstruct, Map<string, Set<IConstruct>>>();

/**
 * The name an alarm of `owner` gets for the `wanted` name. CloudWatch wants alarm names unique per account and Region
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html, AlarmName; a second PutMetricAlarm of
 * the same name overwrites the first alarm), and two constructs of one kind on one endpoint (two DriftMonitors, two
 * EndpointAlarms) derive the same names. When more than one construct of the app asks for a name, each of them gets it with
 * its own construct id appended (and a hash of its path when the ids are equal too): decided at synth, once every construct
 * is known, so the names do not depend on the order the constructs were defined in. Names only one construct asks for are
 * left as they are.
 */
function uniqueAlarmName(owner: IConstruct, wanted: string): string {
  const root = owner.node.root;
  const byName = nameOwners.get(root) ?? new Map<string, Set<IConstruct>>();
  nameOwners.set(root, byName);
  const owners = byName.get(wanted) ?? new Set<IConstruct>();
  owners.add(owner);
  byName.set(wanted, owners);
  return Lazy.string({
    produce: () => {
      if (owners.size < 2) {
        return wanted;
      }
      const sameId = [...owners].filter((o) => o.node.id === owner.node.id).length > 1;
      const id = owner.node.id.replace(/[^A-Za-z0-9_-]/g, '');
      return `${wanted}-${id}${sameId ? `-${owner.node.addr.slice(0, 8)}` : ''}`;
    },
  });
}

/**
 * Makes the alarms of one construct and routes them to its alert topics.
 */
export class AlarmFactory {
  constructor(private readonly scope: Construct, private readonly alerts: IAlertTopics | undefined) {}

  /** Defines an alarm, with the severity in its description, and routes it. */
  public alarm(spec: AlarmSpec): cloudwatch.Alarm {
    this.checkDatapoints(spec.id, spec.tuning.evaluationPeriods, spec.tuning.datapointsToAlarm);
    const alarm = new cloudwatch.Alarm(this.scope, spec.id, {
      alarmName: spec.alarmName === undefined ? undefined : uniqueAlarmName(this.scope, spec.alarmName),
      alarmDescription: describeAlarm(spec.tuning.severity, spec.description),
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator,
      evaluationPeriods: spec.tuning.evaluationPeriods,
      datapointsToAlarm: spec.omitDatapointsToAlarm ? undefined : spec.tuning.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
    });
    if (!spec.routedByUsers) {
      this.route(alarm, spec.tuning.severity);
    }
    return alarm;
  }

  /** Defines a composite alarm, with the severity in its description, and routes it. */
  public composite(spec: CompositeAlarmSpec): cloudwatch.CompositeAlarm {
    const alarm = new cloudwatch.CompositeAlarm(this.scope, spec.id, {
      compositeAlarmName: spec.alarmName === undefined ? undefined : uniqueAlarmName(this.scope, spec.alarmName),
      alarmDescription: describeAlarm(spec.severity, spec.description),
      alarmRule: spec.alarmRule,
    });
    this.route(alarm, spec.severity);
    return alarm;
  }

  /**
   * Defines an alarm on metric queries that something else reads (e.g. SageMaker deployment guardrails), so it has no
   * action whatever alert topics were given; the acknowledgment says why.
   */
  public queryAlarm(spec: QueryAlarmSpec): cloudwatch.CfnAlarm {
    this.checkDatapoints(spec.id, spec.evaluationPeriods, spec.datapointsToAlarm);
    const alarm = new cloudwatch.CfnAlarm(this.scope, spec.id, {
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      comparisonOperator: spec.comparisonOperator,
      treatMissingData: spec.treatMissingData,
      alarmDescription: spec.description,
      threshold: spec.threshold,
      metrics: spec.metrics,
    });
    acknowledgeAlarmWithoutAction(alarm, spec.noActionReason);
    return alarm;
  }

  /**
   * Routes an alarm defined elsewhere (e.g. the failure alarm of a shared handler function) to the topic of `severity`,
   * once per set of alert topics however many constructs route it; acknowledges it as without action when there are none.
   */
  public route(alarm: cloudwatch.IAlarm & IConstruct, severity: AlarmSeverity): void {
    if (!this.alerts) {
      acknowledgeNoAlarmAction(alarm);
      return;
    }
    const done = routed.get(alarm) ?? new Set<IAlertTopics>();
    if (!done.has(this.alerts)) {
      this.alerts.route(alarm, severity);
      done.add(this.alerts);
      routed.set(alarm, done);
    }
  }

  private checkDatapoints(id: string, evaluationPeriods: number, datapointsToAlarm: number): void {
    if (!Token.isUnresolved(evaluationPeriods) && !Token.isUnresolved(datapointsToAlarm) && datapointsToAlarm > evaluationPeriods) {
      throw new MlopsValidationError(`Alarm ${this.scope.node.path}/${id}: datapointsToAlarm must be at most evaluationPeriods `
        + `(${evaluationPeriods}), got ${datapointsToAlarm}`);
    }
  }
}

/** The description of an alarm: `[SEVERITY] what firing means`. */
export function describeAlarm(severity: AlarmSeverity, description: string): string {
  return `[${severity}] ${description}`;
}
