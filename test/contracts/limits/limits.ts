import { CfnResolver, UnresolvableError } from '../harness/cfn';

/** One synthesized template, as the limits checker sees it. */
export interface LimitsInput {
  readonly stackName: string;
  readonly template: any;
  /** The size of the template file CloudFormation is given, in bytes. */
  readonly templateBytes: number;
  /** `aws://account/region` (unknown parts as `unknown-account` / `unknown-region`); alarm names are unique per account and region. */
  readonly environment: string;
}

/** One AWS limit: what it is, where AWS says so. */
interface Limit {
  readonly what: string;
  readonly source: string;
}

const CFN = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html';
const PUT_ALARM = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html';
const PUT_COMPOSITE = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html';
const CW_QUOTAS = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html';
const PUT_DASHBOARD = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html';
const SM_VARIANTS = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html#sagemaker-CreateEndpointConfig-request-ProductionVariants';
const SM_NAMES = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpoint.html#sagemaker-CreateEndpoint-request-EndpointName';
const SM_GROUP = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackageGroup.html#sagemaker-CreateModelPackageGroup-request-ModelPackageGroupName';
const SM_ENV = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Environment';
const SM_TRAINING = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html';
const SM_STOPPING = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StoppingCondition.html';
const SM_CAPTURE = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html';
const SFN_QUOTAS = 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html';
const LAMBDA_QUOTAS = 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const EB_QUOTAS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html';

/** The limits the checker applies, for the README and the error messages. */
export const LIMITS: Record<string, Limit> = {
  resources: { what: 'at most 500 resources per template', source: CFN },
  templateSize: { what: 'a template of at most 1 MB (1,048,576 bytes, uploaded to S3)', source: CFN },
  outputs: { what: 'at most 200 outputs per template', source: CFN },
  parameters: { what: 'at most 200 parameters per template', source: CFN },
  exports: { what: 'export names unique per account and region', source: CFN },
  alarmMetrics: { what: 'at most 10 metrics in a metric-math alarm', source: CW_QUOTAS },
  alarmName: { what: 'alarm names of 1 to 255 characters', source: PUT_ALARM },
  alarmNameUnique: { what: 'alarm names unique per account and region', source: PUT_ALARM },
  alarmDescription: { what: 'alarm descriptions of at most 1024 characters', source: PUT_ALARM },
  alarmActions: { what: 'at most 5 actions per alarm state (AlarmActions, OKActions, InsufficientDataActions)', source: PUT_ALARM },
  alarmRule: { what: 'composite alarm rules of at most 10240 characters', source: PUT_COMPOSITE },
  dashboardName: { what: 'dashboard names of 1 to 255 characters of A-Z, a-z, 0-9, - and _, unique per account (dashboards are global)', source: PUT_DASHBOARD },
  dashboardBody: { what: 'a dashboard body of at most 1 MB, at most 500 widgets, at most 500 metrics per widget and 2500 per dashboard', source: CW_QUOTAS },
  variants: { what: 'at most 10 production variants per endpoint configuration', source: SM_VARIANTS },
  sagemakerNames: { what: 'endpoint, endpoint configuration and model names of at most 63 characters matching ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}', source: SM_NAMES },
  packageGroupName: { what: 'model package group names of at most 63 characters matching ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$', source: SM_GROUP },
  containerEnvironment: { what: 'at most 100 container environment variables, keys and values of at most 1024 characters', source: SM_ENV },
  hyperParameters: { what: 'at most 100 hyperparameters, keys of at most 256 and values of at most 2500 characters', source: SM_TRAINING },
  trainingEnvironment: { what: 'at most 100 training environment variables, keys of at most 512 and values of at most 512 characters', source: SM_TRAINING },
  stoppingCondition: { what: 'MaxRuntimeInSeconds of at most 2,419,200 (28 days), MaxWaitTimeInSeconds not below MaxRuntimeInSeconds', source: SM_STOPPING },
  samplingPercentage: { what: 'data capture InitialSamplingPercentage of 0 to 100', source: SM_CAPTURE },
  definitionSize: { what: 'a state machine definition of at most 1,048,576 bytes', source: SFN_QUOTAS },
  lambdaEnvironment: { what: 'Lambda environment variables of at most 4 KB in total', source: LAMBDA_QUOTAS },
  ruleTargets: { what: 'at most 5 targets per EventBridge rule', source: EB_QUOTAS },
};

const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * The AWS limits that the CloudFormation validators do not check, applied to the templates of one app. Returns one line per
 * problem: the stack, the resource, the value, the limit and where AWS says so. Names made of intrinsics are resolved where the
 * app's templates allow it and skipped otherwise (CloudFormation generates them).
 */
export function checkLimits(stacks: LimitsInput[]): string[] {
  const problems: string[] = [];
  const resolver = new CfnResolver(stacks.map((s) => ({ stackName: s.stackName, template: s.template })));
  const add = (limit: keyof typeof LIMITS, where: string, got: string) =>
    problems.push(`${where}: ${got}; AWS allows ${LIMITS[limit].what} (${LIMITS[limit].source})`);
  const resolved = (stackName: string, v: any): any => {
    try {
      return resolver.resolve(stackName, v);
    } catch (e) {
      if (e instanceof UnresolvableError) {
        return undefined;
      }
      throw e;
    }
  };
  const alarmNames = new Map<string, string>();
  const dashboardNames = new Map<string, string>();
  const exportNames = new Map<string, string>();

  for (const s of stacks) {
    const t = s.template;
    const resources = Object.entries<any>(t.Resources ?? {});
    if (resources.length > 500) {
      add('resources', s.stackName, `${resources.length} resources`);
    }
    if (s.templateBytes > 1_048_576) {
      add('templateSize', s.stackName, `${s.templateBytes} bytes`);
    }
    if (Object.keys(t.Outputs ?? {}).length > 200) {
      add('outputs', s.stackName, `${Object.keys(t.Outputs).length} outputs`);
    }
    if (Object.keys(t.Parameters ?? {}).length > 200) {
      add('parameters', s.stackName, `${Object.keys(t.Parameters).length} parameters`);
    }
    for (const [id, out] of Object.entries<any>(t.Outputs ?? {})) {
      const name = out.Export ? resolved(s.stackName, out.Export.Name) : undefined;
      if (typeof name === 'string') {
        const key = `${s.environment} ${name}`;
        if (exportNames.has(key)) {
          add('exports', `${s.stackName}/${id}`, `export '${name}' is also exported by ${exportNames.get(key)}`);
        }
        exportNames.set(key, `${s.stackName}/${id}`);
      }
    }

    for (const [id, r] of resources) {
      const p = r.Properties ?? {};
      const where = `${s.stackName}/${id} (${r.Type})`;
      switch (r.Type) {
        case 'AWS::CloudWatch::Alarm': {
          const metrics = (p.Metrics ?? []).filter((m: any) => m.MetricStat !== undefined).length;
          if (metrics > 10) {
            add('alarmMetrics', where, `${metrics} metrics`);
          }
          checkAlarmCommon(s, where, p, add, resolved, alarmNames);
          break;
        }
        case 'AWS::CloudWatch::CompositeAlarm': {
          const rule = resolved(s.stackName, p.AlarmRule);
          if (typeof rule === 'string' && rule.length > 10240) {
            add('alarmRule', where, `a rule of ${rule.length} characters`);
          }
          checkAlarmCommon(s, where, p, add, resolved, alarmNames);
          break;
        }
        case 'AWS::CloudWatch::Dashboard': {
          const name = p.DashboardName === undefined ? undefined : resolved(s.stackName, p.DashboardName);
          if (typeof name === 'string') {
            if (!DASHBOARD_NAME.test(name)) {
              add('dashboardName', where, `name '${name}'`);
            }
            const account = s.environment.split('/')[2];
            const key = `${account} ${name}`;
            if (dashboardNames.has(key)) {
              add('dashboardName', where, `name '${name}' is also used by ${dashboardNames.get(key)}`);
            }
            dashboardNames.set(key, where);
          }
          const body = resolved(s.stackName, p.DashboardBody);
          if (typeof body === 'string') {
            const widgets: any[] = JSON.parse(body).widgets ?? [];
            const perWidget = widgets.map((w) => (w.properties?.metrics ?? []).length);
            const total = perWidget.reduce((a, b) => a + b, 0);
            if (Buffer.byteLength(body) > 1_048_576 || widgets.length > 500 || perWidget.some((n) => n > 500) || total > 2500) {
              add('dashboardBody', where, `${Buffer.byteLength(body)} bytes, ${widgets.length} widgets, ${Math.max(0, ...perWidget)} metrics in one widget, ${total} in all`);
            }
          }
          break;
        }
        case 'AWS::SageMaker::EndpointConfig':
          if ((p.ProductionVariants ?? []).length > 10) {
            add('variants', where, `${p.ProductionVariants.length} production variants`);
          }
          checkName(s, where, 'EndpointConfigName', p.EndpointConfigName, add, resolved);
          if (p.DataCaptureConfig?.InitialSamplingPercentage !== undefined) {
            const pct = p.DataCaptureConfig.InitialSamplingPercentage;
            if (typeof pct === 'number' && (pct < 0 || pct > 100)) {
              add('samplingPercentage', where, `InitialSamplingPercentage ${pct}`);
            }
          }
          break;
        case 'AWS::SageMaker::Endpoint':
          checkName(s, where, 'EndpointName', p.EndpointName, add, resolved);
          break;
        case 'AWS::SageMaker::Model':
          checkName(s, where, 'ModelName', p.ModelName, add, resolved);
          for (const c of [p.PrimaryContainer, ...(p.Containers ?? [])].filter(Boolean)) {
            checkMap(where, 'container Environment', resolved(s.stackName, c.Environment), 100, 1024, 1024, 'containerEnvironment', add);
          }
          break;
        case 'AWS::SageMaker::ModelPackageGroup': {
          const name = resolved(s.stackName, p.ModelPackageGroupName);
          if (typeof name === 'string' && !SAGEMAKER_NAME.test(name)) {
            add('packageGroupName', where, `ModelPackageGroupName '${name}' (${name.length} characters)`);
          }
          break;
        }
        case 'AWS::StepFunctions::StateMachine': {
          const definition = resolved(s.stackName, p.DefinitionString);
          if (typeof definition === 'string') {
            if (Buffer.byteLength(definition) > 1_048_576) {
              add('definitionSize', where, `${Buffer.byteLength(definition)} bytes`);
            }
            checkTrainingJobs(where, JSON.parse(definition), add);
          }
          break;
        }
        case 'AWS::Lambda::Function': {
          const vars = resolved(s.stackName, p.Environment?.Variables);
          if (vars && typeof vars === 'object') {
            const bytes = Buffer.byteLength(JSON.stringify(vars));
            if (bytes > 4096) {
              add('lambdaEnvironment', where, `${bytes} bytes of environment variables`);
            }
          }
          break;
        }
        case 'AWS::Events::Rule':
          if ((p.Targets ?? []).length > 5) {
            add('ruleTargets', where, `${p.Targets.length} targets`);
          }
          break;
      }
    }
  }
  return problems;
}

type Add = (limit: keyof typeof LIMITS, where: string, got: string) => void;

function checkAlarmCommon(s: LimitsInput, where: string, p: any, add: Add, resolved: (stack: string, v: any) => any, names: Map<string, string>) {
  if (p.AlarmName !== undefined) {
    const name = resolved(s.stackName, p.AlarmName);
    if (typeof name === 'string') {
      if (name.length < 1 || name.length > 255) {
        add('alarmName', where, `a name of ${name.length} characters`);
      }
      const key = `${s.environment} ${name}`;
      if (names.has(key)) {
        add('alarmNameUnique', where, `alarm name '${name}' is also used by ${names.get(key)}`);
      }
      names.set(key, where);
    }
  }
  const description = resolved(s.stackName, p.AlarmDescription);
  if (typeof description === 'string' && description.length > 1024) {
    add('alarmDescription', where, `a description of ${description.length} characters`);
  }
  for (const field of ['AlarmActions', 'OKActions', 'InsufficientDataActions']) {
    if ((p[field] ?? []).length > 5) {
      add('alarmActions', where, `${p[field].length} ${field}`);
    }
  }
}

function checkName(s: LimitsInput, where: string, prop: string, value: any, add: Add, resolved: (stack: string, v: any) => any) {
  if (value === undefined) {
    return;
  }
  const name = resolved(s.stackName, value);
  if (typeof name === 'string' && !SAGEMAKER_NAME.test(name)) {
    add('sagemakerNames', where, `${prop} '${name}' (${name.length} characters)`);
  }
}

function checkMap(where: string, what: string, map: any, maxEntries: number, maxKey: number, maxValue: number, limit: keyof typeof LIMITS, add: Add) {
  if (!map || typeof map !== 'object') {
    return;
  }
  const entries = Object.entries<any>(map);
  const longKey = entries.find(([k]) => k.length > maxKey);
  const longValue = entries.find(([, v]) => String(v).length > maxValue);
  if (entries.length > maxEntries || longKey || longValue) {
    add(limit, where, `${what}: ${entries.length} entries${longKey ? `, key '${longKey[0].slice(0, 40)}...' of ${longKey[0].length}` : ''}`
      + `${longValue ? `, value of '${longValue[0]}' of ${String(longValue[1]).length} characters` : ''}`);
  }
}

/** The CreateTrainingJob arguments of a state machine's SageMaker tasks, checked against the API's limits. */
function checkTrainingJobs(where: string, definition: any, add: Add) {
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    if (state.Type !== 'Task' || !/sagemaker:createTrainingJob/.test(String(state.Resource))) {
      continue;
    }
    const args = state.Arguments ?? state.Parameters ?? {};
    const at = `${where} state ${name}`;
    checkMap(at, 'HyperParameters', args.HyperParameters, 100, 256, 2500, 'hyperParameters', add);
    checkMap(at, 'Environment', args.Environment, 100, 512, 512, 'trainingEnvironment', add);
    const stop = args.StoppingCondition ?? {};
    if (typeof stop.MaxRuntimeInSeconds === 'number' && stop.MaxRuntimeInSeconds > 2_419_200) {
      add('stoppingCondition', at, `MaxRuntimeInSeconds ${stop.MaxRuntimeInSeconds}`);
    }
    if (typeof stop.MaxWaitTimeInSeconds === 'number' && typeof stop.MaxRuntimeInSeconds === 'number' && stop.MaxWaitTimeInSeconds < stop.MaxRuntimeInSeconds) {
      add('stoppingCondition', at, `MaxWaitTimeInSeconds ${stop.MaxWaitTimeInSeconds} < MaxRuntimeInSeconds ${stop.MaxRuntimeInSeconds}`);
    }
  }
}
