import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

// Helpers for exact assertions on a synthesized stack, in a form a reader can check against the AWS docs: every
// reference to a resource of the app is rendered as `<construct path>` (`<path>.Attr` for Fn::GetAtt), so tests pin
// whole values (policies, alarms, schedule inputs) without hard-coding logical ids or searching JSON strings.

/** The template of a stack, its resources with references rendered by construct path. */
export class Readable {
  public static of(stack: Stack): Readable {
    return new Readable(stack);
  }

  public readonly template: Record<string, any>;
  private readonly paths = new Map<string, string>();

  private constructor(stack: Stack) {
    for (const c of stack.node.root.node.findAll()) {
      if (CfnElement.isCfnElement(c)) {
        if (Stack.of(c) === stack) {
          this.paths.set(stack.resolve(c.logicalId) as string, c.node.path.replace(/\/Resource$/, ''));
        }
      }
    }
    this.template = Template.fromStack(stack).toJSON();
  }

  /** The path of the construct whose CloudFormation element has `logicalId` (without a trailing `/Resource`). */
  public pathOf(logicalId: string): string {
    const p = this.paths.get(logicalId);
    if (!p) {
      throw new Error(`no construct for logical id ${logicalId}`);
    }
    return p;
  }

  /** Resources of a type, keyed by construct path, properties rendered. */
  public resources(type: string): Record<string, any> {
    const out: Record<string, any> = {};
    for (const [id, r] of Object.entries<any>(this.template.Resources ?? {})) {
      if (r.Type === type) {
        out[this.pathOf(id)] = this.render(r.Properties ?? {});
      }
    }
    return out;
  }

  /** Renders references by construct path; joins strings. */
  public render(value: any): any {
    if (Array.isArray(value)) {
      return value.map((v) => this.render(v));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [k] = keys;
      const v = value[k];
      if (k === 'Ref') {
        return v.startsWith('AWS::') ? `\${${v}}` : `<${this.pathOf(v)}>`;
      }
      if (k === 'Fn::GetAtt') {
        return `<${this.pathOf(v[0])}.${v[1]}>`;
      }
      if (k === 'Fn::Join') {
        const parts = this.render(v[1]);
        return parts.every((p: unknown) => typeof p === 'string') ? parts.join(v[0]) : { 'Fn::Join': [v[0], parts] };
      }
      if (k === 'Fn::ImportValue') {
        return `<import ${this.render(v)}>`;
      }
    }
    const out: Record<string, any> = {};
    for (const k of keys) {
      out[k] = this.render(value[k]);
    }
    return out;
  }

  /**
   * Every CloudWatch alarm of the stack, by construct path: what decides when it fires. A metric-math alarm lists its
   * metrics and expressions instead of one metric.
   */
  public alarms(): Record<string, AlarmRow> {
    const out: Record<string, AlarmRow> = {};
    for (const [path, p] of Object.entries<any>(this.resources('AWS::CloudWatch::Alarm'))) {
      out[path] = {
        ...(p.MetricName !== undefined ? {
          namespace: p.Namespace, metric: p.MetricName, dimensions: dims(p.Dimensions),
          statistic: p.Statistic ?? p.ExtendedStatistic, period: p.Period,
        } : { metrics: (p.Metrics ?? []).map(mathRow) }),
        comparison: p.ComparisonOperator,
        threshold: p.Threshold,
        evaluationPeriods: p.EvaluationPeriods,
        datapointsToAlarm: p.DatapointsToAlarm,
        treatMissingData: p.TreatMissingData,
      };
    }
    return out;
  }

  /** Every composite alarm's rule, by construct path. */
  public compositeRules(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [path, p] of Object.entries<any>(this.resources('AWS::CloudWatch::CompositeAlarm'))) {
      out[path] = p.AlarmRule;
    }
    return out;
  }

  /** The parsed input of every EventBridge Scheduler schedule, by construct path. */
  public scheduleInputs(): Record<string, any> {
    const out: Record<string, any> = {};
    for (const [path, p] of Object.entries<any>(this.resources('AWS::Scheduler::Schedule'))) {
      out[path] = JSON.parse(p.Target.Input);
    }
    return out;
  }

  /**
   * The whole identity policy of a role: the statements of every AWS::IAM::Policy attached to it, then its inline
   * policies, and its managed policy ARNs. `rolePath` is the role's construct path.
   */
  public rolePolicy(rolePath: string): { statements: any[]; managedPolicyArns: any[] } {
    const roleRef = `<${rolePath}>`;
    const role = this.resources('AWS::IAM::Role')[rolePath];
    if (!role) {
      throw new Error(`no role at ${rolePath}; roles: ${Object.keys(this.resources('AWS::IAM::Role')).join(', ')}`);
    }
    const statements: any[] = [];
    for (const p of Object.values<any>(this.resources('AWS::IAM::Policy'))) {
      if ((p.Roles ?? []).includes(roleRef)) {
        statements.push(...p.PolicyDocument.Statement);
      }
    }
    for (const p of role.Policies ?? []) {
      statements.push(...p.PolicyDocument.Statement);
    }
    return { statements, managedPolicyArns: role.ManagedPolicyArns ?? [] };
  }
}

export interface AlarmRow {
  readonly namespace?: string;
  readonly metric?: string;
  readonly dimensions?: Record<string, unknown>;
  readonly statistic?: string;
  readonly period?: number;
  readonly metrics?: unknown[];
  readonly comparison: string;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData?: string;
}

function dims(list: Array<{ Name: string; Value: unknown }> | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((d) => [d.Name, d.Value]));
}

function mathRow(m: any): unknown {
  if (m.Expression) {
    return { id: m.Id, expression: m.Expression, returnData: m.ReturnData ?? true, ...(m.Period !== undefined ? { period: m.Period } : {}) };
  }
  const s = m.MetricStat;
  return {
    id: m.Id, namespace: s.Metric.Namespace, metric: s.Metric.MetricName, dimensions: dims(s.Metric.Dimensions),
    statistic: s.Stat, period: s.Period, returnData: m.ReturnData ?? true,
  };
}
