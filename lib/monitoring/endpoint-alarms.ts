import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AlarmTuning } from './alarm-tuning';
import { AlarmSeverity, IAlertTopics } from './alert-topics';
import { AlarmFactory, ResolvedTuning, resolveTuning } from '../private/alarm-factory';
import { EndpointMetricFactory, UtilizationKind } from '../private/endpoint-metrics';
import { instanceFacts } from '../private/instance-catalog';
import { watchStackBudget } from '../private/stack-budget';
import { InputErrors, checkNumber, describe, isDuration, requireProps } from '../private/validation';
import { IModelEndpoint, VariantKind } from '../serving';

/** An alarm on a share of requests, in percent. */
export interface RateAlarmOptions extends AlarmTuning {
  /**
   * The share of requests, in percent (0-100], above which the alarm fires.
   *
   * @default - 1 for 5XX errors, 5 for 4XX errors
   */
  readonly thresholdPercent?: number;
}

/** An alarm on a p99 latency. */
export interface LatencyAlarmOptions extends AlarmTuning {
  /**
   * The p99 latency above which the alarm fires.
   *
   * @default - 1 second for model latency, 500 ms for overhead latency
   */
  readonly threshold?: Duration;
}

/** An alarm on a utilization, in percent. */
export interface UtilizationAlarmOptions extends AlarmTuning {
  /**
   * The utilization, in percent (0-100], above which the alarm fires. CPU and GPU utilization are per vCPU and per
   * GPU: SageMaker reports 100% per core, and the alarm divides by the instance's count when the endpoint knows
   * its instance type.
   *
   * @default - 90 (85 for disk)
   */
  readonly thresholdPercent?: number;
}

/**
 * Properties of `EndpointAlarms`.
 */
export interface EndpointAlarmsProps {
  /** The endpoint to watch, defined in this app or imported by name. */
  readonly endpoint: IModelEndpoint;

  /**
   * Where the alarms notify, by severity, when they fire and when they recover.
   *
   * @default - the alarms have no actions
   */
  readonly alerts?: IAlertTopics;

  /**
   * The variants watched one by one (with `perVariant`), and the variants the endpoint-wide utilization alarms take the
   * worst of.
   *
   * @default - every production variant of the endpoint
   */
  readonly variantNames?: string[];

  /**
   * Define every kind of alarm for each variant as well (`<prefix>-variant-<name>-<alarm>`), the utilizations only per
   * variant. Without it, each kind is one alarm across the variants: the endpoint's error rates, the worst variant's
   * latency and utilization (and CPU or GPU per variant only where the variants' instance types differ in vCPU or GPU
   * count): about 10 alarms per endpoint whatever its variant count, where per-variant alarms cost about 7 per variant.
   *
   * @default - false, unless `variantNames` is given
   */
  readonly perVariant?: boolean;

  /**
   * The kinds of alarm defined; each can still be tuned or switched off with its own option.
   *
   * @default - every kind that applies to the variants (GPU kinds only on GPU instance types, serverless concurrency only
   * on serverless variants)
   */
  readonly alarms?: EndpointAlarmKind[];

  /**
   * The prefix of the alarm names: `<prefix>-<endpoint|variant-name>-<alarm>`.
   *
   * @default - the endpoint name
   */
  readonly alarmNamePrefix?: string;

  /** Share of requests answered with a 5XX error. @default - 1%, critical */
  readonly errorRate5xx?: RateAlarmOptions;
  /** Share of requests answered with a 4XX error. @default - 5%, warning */
  readonly errorRate4xx?: RateAlarmOptions;
  /** p99 model latency. @default - 1 s, critical */
  readonly modelLatency?: LatencyAlarmOptions;
  /** p99 overhead latency (SageMaker's own, incl. serverless cold starts). @default - 500 ms, warning */
  readonly overheadLatency?: LatencyAlarmOptions;
  /** No request at all over the window (per endpoint: a variant may rightly get none). @default - 15 min, warning */
  readonly noTraffic?: AlarmTuning;
  /** CPU utilization per vCPU (instance variants). @default - 90%, warning */
  readonly cpuUtilization?: UtilizationAlarmOptions;
  /** Memory utilization (instance and serverless variants). @default - 90%, warning */
  readonly memoryUtilization?: UtilizationAlarmOptions;
  /** Disk utilization (instance variants). @default - 85%, warning */
  readonly diskUtilization?: UtilizationAlarmOptions;
  /** GPU utilization per GPU (instance variants on GPU types). @default - 90%, warning */
  readonly gpuUtilization?: UtilizationAlarmOptions;
  /** GPU memory utilization per GPU (instance variants on GPU types). @default - 90%, warning */
  readonly gpuMemoryUtilization?: UtilizationAlarmOptions;
  /** Concurrent executions over maximum concurrency (serverless variants). @default - 90%, warning */
  readonly serverlessConcurrency?: UtilizationAlarmOptions;
}

/** The alarm kinds, in the order they are defined; part of each alarm's name. */
export enum EndpointAlarmKind {
  /** Share of requests answered with a 5XX error (`errorRate5xx`). */
  ERROR_RATE_5XX = '5xx-rate',
  /** Share of requests answered with a 4XX error (`errorRate4xx`). */
  ERROR_RATE_4XX = '4xx-rate',
  /** p99 model latency (`modelLatency`). */
  MODEL_LATENCY = 'model-latency-p99',
  /** p99 overhead latency, SageMaker's own (`overheadLatency`). */
  OVERHEAD_LATENCY = 'overhead-latency-p99',
  /** No request at all over the window (`noTraffic`). */
  NO_TRAFFIC = 'no-traffic',
  /** CPU utilization per vCPU, instance variants (`cpuUtilization`). */
  CPU = 'cpu',
  /** Memory utilization (`memoryUtilization`). */
  MEMORY = 'memory',
  /** Disk utilization, instance variants (`diskUtilization`). */
  DISK = 'disk',
  /** GPU utilization per GPU, GPU instance types (`gpuUtilization`). */
  GPU = 'gpu',
  /** GPU memory utilization per GPU, GPU instance types (`gpuMemoryUtilization`). */
  GPU_MEMORY = 'gpu-memory',
  /** Concurrent executions over maximum concurrency, serverless variants (`serverlessConcurrency`). */
  SERVERLESS_CONCURRENCY = 'serverless-concurrency',
}

interface Resolved extends ResolvedTuning {
  readonly threshold: number;
}

const ONE_MINUTE = Duration.minutes(1);
/** CloudWatch's longest alarm name, less room for the suffix that tells apart two constructs on one endpoint. */
const MAX_ALARM_NAME = 255 - 40;
const FIVE_MINUTES = Duration.minutes(5);

/**
 * CloudWatch alarms for a SageMaker endpoint, per endpoint and per variant: error rates, p99 latencies, no traffic,
 * utilization of instance variants and concurrency of serverless ones, plus a composite "health" alarm that the
 * endpoint can use to roll back a deployment.
 *
 * @example
 * const alerts = new AlertTopics(this, 'Alerts');
 * const alarms = new EndpointAlarms(this, 'Alarms', { endpoint, alerts });
 */
export class EndpointAlarms extends Construct {
  /** Every alarm defined, in definition order. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  /**
   * Fires when the endpoint's 5XX error rate or p99 model latency alarm fires: the endpoint's health in one alarm,
   * fit for `ModelEndpoint` rollback.
   */
  public readonly healthAlarm: cloudwatch.CompositeAlarm;

  private readonly endpoint: IModelEndpoint;
  private readonly prefix: string;
  private readonly factory: AlarmFactory;
  private readonly metrics: EndpointMetricFactory;
  private readonly byKey = new Map<string, cloudwatch.Alarm>();
  private kinds = new Set<EndpointAlarmKind>();

  constructor(scope: Construct, id: string, props: EndpointAlarmsProps) {
    super(scope, id);
    requireProps(this, 'EndpointAlarms', props, { endpoint: 'an IModelEndpoint (a ModelEndpoint, or one imported with fromEndpointName)' },
      { variantNames: 'a list of variant names' });
    this.endpoint = props.endpoint;
    this.factory = new AlarmFactory(this, props.alerts);
    this.metrics = new EndpointMetricFactory(props.endpoint);
    this.prefix = props.alarmNamePrefix ?? props.endpoint.endpointName;
    const variants = props.variantNames ?? props.endpoint.variantNames;

    const r = resolveAll(this, props, variants);
    watchStackBudget(this, props.endpoint.endpointName);
    this.kinds = new Set(props.alarms ?? Object.values(EndpointAlarmKind));

    // Per endpoint.
    this.rateAlarm(EndpointAlarmKind.ERROR_RATE_5XX, undefined, r.e5);
    this.rateAlarm(EndpointAlarmKind.ERROR_RATE_4XX, undefined, r.e4);
    this.latencyAlarm(EndpointAlarmKind.MODEL_LATENCY, undefined, r.lat);
    this.latencyAlarm(EndpointAlarmKind.OVERHEAD_LATENCY, undefined, r.ovh);
    if (r.none.enabled) {
      this.define(EndpointAlarmKind.NO_TRAFFIC, undefined, r.none, {
        metric: this.metrics.invocations({ period: r.none.period }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // No requests means no datapoint at all.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        description: `No request reached endpoint ${props.endpoint.endpointName} for ${r.none.period.toHumanString()}.`,
      });
    }

    if (props.perVariant ?? props.variantNames !== undefined) {
      for (const variant of variants) {
        this.variantAlarms(variant, r);
      }
    } else {
      this.worstVariantAlarms(variants, r);
    }

    const healthParts = [this.byKey.get(key(EndpointAlarmKind.ERROR_RATE_5XX)), this.byKey.get(key(EndpointAlarmKind.MODEL_LATENCY))]
      .filter((a): a is cloudwatch.Alarm => a !== undefined);
    this.healthAlarm = this.factory.composite({
      id: 'Health',
      alarmName: `${this.prefix}-endpoint-health`,
      description: `Endpoint ${props.endpoint.endpointName} is unhealthy: its 5XX error rate or p99 model latency alarm fired.`,
      alarmRule: healthParts.length > 0
        ? cloudwatch.AlarmRule.anyOf(...healthParts.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM)))
        : cloudwatch.AlarmRule.fromBoolean(false),
      severity: AlarmSeverity.CRITICAL,
    });
  }

  /**
   * The alarm of a kind, for the endpoint (no variant) or one variant; undefined if it is switched off.
   */
  public alarm(kind: EndpointAlarmKind, variantName?: string): cloudwatch.Alarm | undefined {
    return this.byKey.get(key(kind, variantName));
  }

  /**
   * One utilization alarm per kind across the variants it applies to, on the worst variant. CPU and GPU utilization are
   * 100 per vCPU or GPU: one threshold fits all variants only when they have the same count; otherwise that kind is per
   * variant.
   */
  private worstVariantAlarms(variants: string[], r: ReturnType<typeof resolveAll>): void {
    const serverless = variants.filter((v) => this.endpoint.variantKind(v) === VariantKind.SERVERLESS);
    const instance = variants.filter((v) => this.endpoint.variantKind(v) !== VariantKind.SERVERLESS);
    const facts = new Map(instance.map((v) => [v, instanceFacts(this.endpoint.variantInstanceType?.(v))]));
    const worst = (kind: EndpointAlarmKind, over: string[], res: Resolved, metric: UtilizationKind, unitsOf?: (v: string) => number) => {
      if (over.length === 0) {
        return;
      }
      const units = new Set(over.map((v) => unitsOf?.(v) ?? 1));
      if (units.size > 1) {
        over.forEach((v) => this.utilizationAlarm(kind, v, res, unitsOf!(v), metric));
        return;
      }
      this.utilizationAlarm(kind, undefined, res, [...units][0], metric, over);
    };
    worst(EndpointAlarmKind.MEMORY, variants, r.mem, 'memory');
    worst(EndpointAlarmKind.SERVERLESS_CONCURRENCY, serverless, r.conc, 'serverless-concurrency', () => 0.01);
    worst(EndpointAlarmKind.CPU, instance, r.cpu, 'cpu', (v) => facts.get(v)!.vcpus ?? 1);
    worst(EndpointAlarmKind.DISK, instance, r.disk, 'disk');
    const gpuVariants = (explicit: boolean) => instance.filter((v) => {
      const gpus = facts.get(v)!.gpus;
      return gpus !== undefined ? gpus > 0 : explicit;
    });
    worst(EndpointAlarmKind.GPU, gpuVariants(r.gpu.explicit), r.gpu, 'gpu', (v) => facts.get(v)!.gpus ?? 1);
    worst(EndpointAlarmKind.GPU_MEMORY, gpuVariants(r.gpuMem.explicit), r.gpuMem, 'gpu-memory', (v) => facts.get(v)!.gpus ?? 1);
  }

  private variantAlarms(variant: string, r: ReturnType<typeof resolveAll>): void {
    const kind = this.endpoint.variantKind(variant);
    this.rateAlarm(EndpointAlarmKind.ERROR_RATE_5XX, variant, r.e5);
    this.rateAlarm(EndpointAlarmKind.ERROR_RATE_4XX, variant, r.e4);
    this.latencyAlarm(EndpointAlarmKind.MODEL_LATENCY, variant, r.lat);
    this.latencyAlarm(EndpointAlarmKind.OVERHEAD_LATENCY, variant, r.ovh);
    this.utilizationAlarm(EndpointAlarmKind.MEMORY, variant, r.mem, 1, 'memory');
    if (kind === VariantKind.SERVERLESS) {
      this.utilizationAlarm(EndpointAlarmKind.SERVERLESS_CONCURRENCY, variant, r.conc, 0.01, 'serverless-concurrency');
      return;
    }
    const facts = instanceFacts(this.endpoint.variantInstanceType?.(variant));
    this.utilizationAlarm(EndpointAlarmKind.CPU, variant, r.cpu, facts.vcpus ?? 1, 'cpu');
    this.utilizationAlarm(EndpointAlarmKind.DISK, variant, r.disk, 1, 'disk');
    // GPU alarms only where there are GPUs (or where the user asked for them on an imported endpoint).
    if (facts.gpus !== undefined ? facts.gpus > 0 : r.gpu.explicit) {
      this.utilizationAlarm(EndpointAlarmKind.GPU, variant, r.gpu, facts.gpus ?? 1, 'gpu');
    }
    if (facts.gpus !== undefined ? facts.gpus > 0 : r.gpuMem.explicit) {
      this.utilizationAlarm(EndpointAlarmKind.GPU_MEMORY, variant, r.gpuMem, facts.gpus ?? 1, 'gpu-memory');
    }
  }

  private rateAlarm(kind: EndpointAlarmKind, variant: string | undefined, r: Resolved): void {
    if (!r.enabled) {
      return;
    }
    const errorClass = kind === EndpointAlarmKind.ERROR_RATE_5XX ? '5XX' : '4XX';
    this.define(kind, variant, r, {
      // The endpoint's rate comes from Metrics Insights: any allowed number of variants fits CloudWatch's 10 metrics per alarm.
      metric: variant === undefined
        ? this.metrics.endpointErrorRatePercent(errorClass, { period: r.period })
        : this.metrics.errorRatePercent(errorClass, { variantName: variant, period: r.period }),
      threshold: r.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `More than ${r.threshold}% of the requests to ${this.subject(variant)} were answered with a ${errorClass} error.`,
    });
  }

  private latencyAlarm(kind: EndpointAlarmKind, variant: string | undefined, r: Resolved): void {
    if (!r.enabled) {
      return;
    }
    const what = kind === EndpointAlarmKind.MODEL_LATENCY ? 'model latency' : 'overhead latency';
    this.define(kind, variant, r, {
      // SageMaker reports latencies in microseconds; the threshold is resolved to microseconds.
      metric: this.metrics.latency(kind === EndpointAlarmKind.MODEL_LATENCY ? 'model' : 'overhead', 'p99', { variantName: variant, period: r.period }),
      threshold: r.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `The p99 ${what} of ${this.subject(variant)} is above ${r.threshold / 1000} ms.`,
    });
  }

  private utilizationAlarm(kind: EndpointAlarmKind, variant: string | undefined, r: Resolved, scale: number, metric: UtilizationKind,
    worstOf: string[] = []): void {
    if (!r.enabled) {
      return;
    }
    const threshold = Number((r.threshold * scale).toFixed(4));
    this.define(kind, variant, r, {
      metric: variant === undefined
        ? this.metrics.worstUtilization(metric, worstOf, { period: r.period })
        : this.metrics.utilization(metric, { variantName: variant, period: r.period }),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      description: `The ${kind} utilization of ${variant === undefined && worstOf.length > 1 ? `the busiest variant of endpoint ${this.endpoint.endpointName}`
        : this.subject(variant ?? worstOf[0])} is above ${r.threshold}%`
        + (scale !== 1 && scale !== 0.01 ? ` (${threshold} as SageMaker reports it, over ${scale} units).` : '.'),
    });
  }

  private define(kind: EndpointAlarmKind, variant: string | undefined, r: Resolved, opts: {
    metric: cloudwatch.IMetric;
    threshold: number;
    comparisonOperator: cloudwatch.ComparisonOperator;
    treatMissingData: cloudwatch.TreatMissingData;
    description: string;
  }): void {
    if (!this.kinds.has(kind)) {
      return;
    }
    const id = variant === undefined ? `Endpoint-${kind}` : `Variant-${variant}-${kind}`;
    const alarmName = `${this.prefix}-${variant === undefined ? 'endpoint' : `variant-${variant}`}-${kind}`;
    if (!Token.isUnresolved(alarmName) && alarmName.length > MAX_ALARM_NAME) {
      // PutMetricAlarm: AlarmName of 1 to 255 characters (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
      const errors = new InputErrors(this, 'EndpointAlarms');
      errors.add('alarmNamePrefix', this.prefix, `a prefix that keeps alarm names within ${MAX_ALARM_NAME} characters `
        + `(CloudWatch's limit; '${alarmName.slice(this.prefix.length)}' adds ${alarmName.length - this.prefix.length})`);
      errors.throwIfAny();
    }
    const alarm = this.factory.alarm({
      id,
      alarmName,
      description: opts.description,
      metric: opts.metric,
      threshold: opts.threshold,
      comparisonOperator: opts.comparisonOperator,
      tuning: r,
      treatMissingData: opts.treatMissingData,
    });
    this.alarms.push(alarm);
    this.byKey.set(key(kind, variant), alarm);
  }

  private subject(variant: string | undefined): string {
    return variant === undefined ? `endpoint ${this.endpoint.endpointName}` : `variant ${variant} of endpoint ${this.endpoint.endpointName}`;
  }
}

function key(kind: EndpointAlarmKind, variant?: string): string {
  return `${variant ?? ''}/${kind}`;
}

function resolve(errors: InputErrors, prop: string, o: AlarmTuning & { thresholdPercent?: number } | undefined, severity: AlarmSeverity,
  period: Duration, threshold: number, maxThreshold: number, evaluationPeriods = 5, datapointsToAlarm = 3): Resolved {
  const t = o?.thresholdPercent ?? threshold;
  // A string from JavaScript ('5') would pass a bare comparison: checkNumber wants a finite number.
  checkNumber(errors, `${prop}.thresholdPercent`, o?.thresholdPercent, { min: 0, minExclusive: true, max: maxThreshold, allowed: `a percentage in (0, ${maxThreshold}]` });
  return { ...resolveTuning(errors, prop, o, { severity, period, evaluationPeriods, datapointsToAlarm }), threshold: t };
}

function resolveLatency(errors: InputErrors, prop: string, o: LatencyAlarmOptions | undefined, severity: AlarmSeverity,
  threshold: Duration): Resolved {
  if (o?.threshold !== undefined && !isDuration(o.threshold)) {
    errors.add(`${prop}.threshold`, o.threshold, 'a Duration above 0 ms, e.g. Duration.millis(250)');
    return { ...resolveTuning(errors, prop, o, { severity, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 3 }), threshold: 0 };
  }
  const t = o?.threshold ?? threshold;
  const micros = t.isUnresolved() ? 0 : t.toMilliseconds({ integral: false }) * 1000;
  if (o?.threshold !== undefined && !t.isUnresolved() && !(micros > 0)) {
    errors.add(`${prop}.threshold`, t, 'a latency above 0 ms');
  }
  return { ...resolveTuning(errors, prop, o, { severity, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 3 }), threshold: micros };
}

/** Resolves and checks the tuning of every alarm kind, and that each kind fits the variants it watches. */
function resolveAll(scope: Construct, props: EndpointAlarmsProps, variants: string[]) {
  const errors = new InputErrors(scope, 'EndpointAlarms');
  const badNames = variants.filter((v) => typeof v !== 'string');
  if (badNames.length > 0) {
    errors.add('variantNames', props.variantNames, 'a list of variant names (strings)');
    errors.throwIfAny();
  }
  const unknown = variants.filter((v) => props.endpoint.variantNames.length > 0 && !props.endpoint.variantNames.includes(v));
  if (unknown.length > 0) {
    errors.add('variantNames', unknown, `among the endpoint's variants ${describe(props.endpoint.variantNames)}`);
  }
  if (props.alarms !== undefined) {
    const known = Object.values(EndpointAlarmKind) as string[];
    if (!Array.isArray(props.alarms)) {
      errors.add('alarms', props.alarms, `a list of EndpointAlarmKind values (${known.map((k) => `'${k}'`).join(', ')})`);
    } else {
      props.alarms.forEach((k, i) => {
        if (!known.includes(k)) {
          errors.add(`alarms[${i}]`, k, `an EndpointAlarmKind: one of ${known.map((x) => `'${x}'`).join(', ')}`);
        }
      });
    }
  }
  if (props.alarmNamePrefix !== undefined && !Token.isUnresolved(props.alarmNamePrefix)
    && (typeof props.alarmNamePrefix !== 'string' || !/^[A-Za-z0-9_.:\/-]+$/.test(props.alarmNamePrefix))) {
    errors.add('alarmNamePrefix', props.alarmNamePrefix, 'a non-empty string of letters, digits and _ . : / -');
  }
  if (props.perVariant !== undefined && typeof props.perVariant !== 'boolean') {
    errors.add('perVariant', props.perVariant, 'true or false');
  }
  const r = {
    e5: resolve(errors, 'errorRate5xx', props.errorRate5xx, AlarmSeverity.CRITICAL, ONE_MINUTE, 1, 100),
    e4: resolve(errors, 'errorRate4xx', props.errorRate4xx, AlarmSeverity.WARNING, ONE_MINUTE, 5, 100),
    lat: resolveLatency(errors, 'modelLatency', props.modelLatency, AlarmSeverity.CRITICAL, Duration.seconds(1)),
    ovh: resolveLatency(errors, 'overheadLatency', props.overheadLatency, AlarmSeverity.WARNING, Duration.millis(500)),
    none: resolve(errors, 'noTraffic', props.noTraffic, AlarmSeverity.WARNING, Duration.minutes(15), 1, 1, 1, 1),
    cpu: resolve(errors, 'cpuUtilization', props.cpuUtilization, AlarmSeverity.WARNING, FIVE_MINUTES, 90, 100, 3),
    mem: resolve(errors, 'memoryUtilization', props.memoryUtilization, AlarmSeverity.WARNING, FIVE_MINUTES, 90, 100, 3),
    disk: resolve(errors, 'diskUtilization', props.diskUtilization, AlarmSeverity.WARNING, FIVE_MINUTES, 85, 100, 3),
    gpu: resolve(errors, 'gpuUtilization', props.gpuUtilization, AlarmSeverity.WARNING, FIVE_MINUTES, 90, 100, 3),
    gpuMem: resolve(errors, 'gpuMemoryUtilization', props.gpuMemoryUtilization, AlarmSeverity.WARNING, FIVE_MINUTES, 90, 100, 3),
    conc: resolve(errors, 'serverlessConcurrency', props.serverlessConcurrency, AlarmSeverity.WARNING, ONE_MINUTE, 90, 100),
  };
  const instanceOnly = [['cpuUtilization', r.cpu], ['diskUtilization', r.disk], ['gpuUtilization', r.gpu],
    ['gpuMemoryUtilization', r.gpuMem]] as const;
  for (const variant of variants) {
    const kind = props.endpoint.variantKind(variant);
    for (const [prop, opts] of instanceOnly) {
      if (kind === VariantKind.SERVERLESS && opts.explicit && opts.enabled) {
        errors.addMessage(`${prop} is enabled, but variant '${variant}' is serverless and SageMaker publishes no such metric for it; `
          + 'allowed: leave it unset, or list only instance variants in variantNames');
      }
    }
    const facts = kind === VariantKind.SERVERLESS ? undefined : instanceFacts(props.endpoint.variantInstanceType?.(variant));
    for (const [prop, opts] of [['gpuUtilization', r.gpu], ['gpuMemoryUtilization', r.gpuMem]] as const) {
      if (facts?.gpus === 0 && opts.explicit && opts.enabled) {
        errors.addMessage(`${prop} is enabled, but variant '${variant}' runs on ${props.endpoint.variantInstanceType(variant)}, which has no GPU `
          + '(SageMaker publishes no GPU metric for it); allowed: leave it unset, or list only GPU variants in variantNames');
      }
    }
    if (kind === VariantKind.INSTANCE && r.conc.explicit && r.conc.enabled) {
      errors.addMessage(`serverlessConcurrency is enabled, but variant '${variant}' runs on instances; `
        + 'allowed: leave it unset, or list only serverless variants in variantNames');
    }
  }
  errors.throwIfAny();
  return r;
}
