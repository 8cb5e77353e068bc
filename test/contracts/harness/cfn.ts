import { createHash } from 'crypto';

/**
 * A synthesized app as the contract harness sees it: every stack's template, by stack name, and the concrete account,
 * region and partition its intrinsics resolve to.
 */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: any;
  /** Construct paths by logical id (from the construct tree: path metadata is off in unit-test apps). */
  readonly paths?: Record<string, string>;
}

/** The fixed environment every template is resolved in (the unit tests' TEST_ENV). */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';
export const URL_SUFFIX = 'amazonaws.com';

/** Raised for an intrinsic the resolver does not know: a contract must never silently compare against a placeholder. */
export class UnresolvableError extends Error {}

/** Marker for `Ref: AWS::NoValue`: removed from the enclosing object or array. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If, Fn::Equals,
 * Fn::ImportValue and Fn::GetStackOutput across the app's stacks, pseudo parameters) to concrete values, as CloudFormation
 * would in one account and region. Physical names that CloudFormation generates are modelled as `<stack>-<logicalId>`
 * (what CloudFormation does, minus its random suffix), so that an ARN is the same wherever it is referenced.
 *
 * References: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html and each
 * resource type's "Return values" section (Ref / Fn::GetAtt), e.g.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html#aws-resource-sns-topic-return-values
 */
export class CfnResolver {
  private readonly stacks = new Map<string, SynthesizedStack>();

  constructor(stacks: SynthesizedStack[]) {
    for (const s of stacks) {
      this.stacks.set(s.stackName, s);
    }
  }

  public stackNames(): string[] {
    return [...this.stacks.keys()];
  }

  public template(stackName: string): any {
    const s = this.stacks.get(stackName);
    if (!s) {
      throw new UnresolvableError(`no stack named ${stackName} (have ${this.stackNames().join(', ')})`);
    }
    return s.template;
  }

  /** Every resource of the app: stack, logical id, type, properties and construct path. */
  public resources(): ResourceRef[] {
    const out: ResourceRef[] = [];
    for (const [stackName, s] of this.stacks) {
      for (const [logicalId, r] of Object.entries<any>(s.template.Resources ?? {})) {
        const path = s.paths?.[logicalId] ?? r.Metadata?.['aws:cdk:path'] ?? '';
        out.push({ stackName, logicalId, type: r.Type, properties: r.Properties ?? {}, path });
      }
    }
    return out;
  }

  /** Resolves a value of a stack's template, deeply. */
  public resolve(stackName: string, value: any): any {
    const v = this.walk(stackName, value);
    return v === NO_VALUE ? undefined : v;
  }

  /** Resolves a value that must become a string (an ARN, a name). */
  public resolveString(stackName: string, value: any): string {
    const v = this.resolve(stackName, value);
    if (typeof v !== 'string') {
      throw new UnresolvableError(`expected a string, got ${JSON.stringify(v)} from ${JSON.stringify(value)}`);
    }
    return v;
  }

  private walk(stackName: string, value: any): any {
    if (Array.isArray(value)) {
      return value.map((v) => this.walk(stackName, v)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
      return this.intrinsic(stackName, keys[0], value[keys[0]]);
    }
    const out: any = {};
    for (const k of keys) {
      const v = this.walk(stackName, value[k]);
      if (v !== NO_VALUE) {
        out[k] = v;
      }
    }
    return out;
  }

  private intrinsic(stackName: string, fn: string, arg: any): any {
    switch (fn) {
      case 'Ref':
        return this.ref(stackName, arg);
      case 'Fn::GetAtt': {
        const [logicalId, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/s);
        return this.getAtt(stackName, logicalId, this.walk(stackName, attr));
      }
      case 'Fn::Join': {
        const [sep, parts] = arg;
        const values = this.walk(stackName, parts);
        return values.map((p: any) => this.scalar(p, 'Fn::Join')).join(sep);
      }
      case 'Fn::Sub':
        return this.sub(stackName, arg);
      case 'Fn::Select': {
        const [index, list] = this.walk(stackName, arg);
        if (!Array.isArray(list) || list[Number(index)] === undefined) {
          throw new UnresolvableError(`Fn::Select ${index} out of ${JSON.stringify(list)}`);
        }
        return list[Number(index)];
      }
      case 'Fn::Split': {
        const [sep, source] = arg;
        return String(this.scalar(this.walk(stackName, source), 'Fn::Split')).split(sep);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg;
        return this.condition(stackName, condition) ? this.walk(stackName, whenTrue) : this.walk(stackName, whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = this.walk(stackName, arg);
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !this.walk(stackName, arg[0]);
      case 'Fn::And':
        return arg.every((c: any) => this.walk(stackName, c));
      case 'Fn::Or':
        return arg.some((c: any) => this.walk(stackName, c));
      case 'Condition':
        return this.condition(stackName, arg);
      case 'Fn::Base64':
        return Buffer.from(String(this.walk(stackName, arg))).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((z) => `${REGION}${z}`);
      case 'Fn::FindInMap': {
        const [map, k1, k2] = this.walk(stackName, arg);
        const v = this.template(stackName).Mappings?.[map]?.[k1]?.[k2];
        if (v === undefined) {
          throw new UnresolvableError(`Fn::FindInMap ${map}.${k1}.${k2} not found`);
        }
        return v;
      }
      case 'Fn::ToJsonString':
        return JSON.stringify(this.walk(stackName, arg));
      case 'Fn::ImportValue':
        return this.importValue(this.walk(stackName, arg));
      case 'Fn::GetStackOutput': {
        const { StackName, OutputName } = this.walk(stackName, arg);
        const out = this.template(StackName).Outputs?.[OutputName];
        if (!out) {
          throw new UnresolvableError(`Fn::GetStackOutput: ${StackName} has no output ${OutputName}`);
        }
        return this.walk(StackName, out.Value);
      }
      default:
        throw new UnresolvableError(`unsupported intrinsic ${fn}`);
    }
  }

  private scalar(v: any, where: string): string | number | boolean {
    if (v === null || typeof v === 'object') {
      throw new UnresolvableError(`${where}: not a scalar: ${JSON.stringify(v)}`);
    }
    return v;
  }

  private condition(stackName: string, name: string): boolean {
    const c = this.template(stackName).Conditions?.[name];
    if (c === undefined) {
      throw new UnresolvableError(`${stackName}: no condition ${name}`);
    }
    return Boolean(this.walk(stackName, c));
  }

  private importValue(exportName: string): any {
    for (const [name, s] of this.stacks) {
      for (const out of Object.values<any>(s.template.Outputs ?? {})) {
        if (out.Export && this.resolve(name, out.Export.Name) === exportName) {
          return this.walk(name, out.Value);
        }
      }
    }
    throw new UnresolvableError(`Fn::ImportValue: no stack exports ${exportName}`);
  }

  private sub(stackName: string, arg: any): string {
    const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
    const resolvedVars = this.walk(stackName, vars ?? {});
    return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
      if (name in resolvedVars) {
        return String(resolvedVars[name]);
      }
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [id, attr] = name.split(/\.(.*)/s);
        return String(this.getAtt(stackName, id, attr));
      }
      return String(this.ref(stackName, name));
    }).replace(/\$\{!/g, '${');
  }

  private ref(stackName: string, name: string): any {
    switch (name) {
      case 'AWS::AccountId': return ACCOUNT;
      case 'AWS::Region': return REGION;
      case 'AWS::Partition': return PARTITION;
      case 'AWS::URLSuffix': return URL_SUFFIX;
      case 'AWS::StackName': return stackName;
      case 'AWS::StackId': return `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/${fakeUuid(stackName)}`;
      case 'AWS::NoValue': return NO_VALUE;
      case 'AWS::NotificationARNs': return [];
    }
    const template = this.template(stackName);
    const param = template.Parameters?.[name];
    if (param) {
      if (param.Default === undefined) {
        throw new UnresolvableError(`${stackName}: parameter ${name} has no default`);
      }
      return param.Default;
    }
    const r = template.Resources?.[name];
    if (!r) {
      throw new UnresolvableError(`${stackName}: Ref to unknown ${name}`);
    }
    return physical(this, stackName, name, r).ref;
  }

  private getAtt(stackName: string, logicalId: string, attr: string): any {
    const r = this.template(stackName).Resources?.[logicalId];
    if (!r) {
      throw new UnresolvableError(`${stackName}: Fn::GetAtt of unknown ${logicalId}`);
    }
    const p = physical(this, stackName, logicalId, r);
    if (!(attr in p.attrs)) {
      throw new UnresolvableError(`${stackName}: Fn::GetAtt ${logicalId}.${attr} (${r.Type}) is not modelled`);
    }
    return p.attrs[attr];
  }
}

/** One resource of a synthesized app. */
export interface ResourceRef {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: any;
  /** The construct path (`aws:cdk:path` metadata), e.g. `TrainingStack/Churn/StateMachineRole/Resource`. */
  readonly path: string;
}

function fakeUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The name CloudFormation generates for an unnamed resource, modelled without its random suffix. */
function generatedName(stackName: string, logicalId: string, max = 64, lower = false): string {
  const n = `${stackName}-${logicalId}`.slice(0, max);
  return lower ? n.toLowerCase() : n;
}

/** Ref and Fn::GetAtt values of the resource types the library defines ("Return values" of each type's page). */
function physical(resolver: CfnResolver, stackName: string, logicalId: string, r: any): { ref: any; attrs: Record<string, any> } {
  const p = r.Properties ?? {};
  const name = (prop: string, max = 64, lower = false) =>
    (p[prop] !== undefined ? resolver.resolveString(stackName, p[prop]) : generatedName(stackName, logicalId, max, lower));
  const arn = (service: string, resource: string, region = REGION, account = ACCOUNT) =>
    `arn:${PARTITION}:${service}:${region}:${account}:${resource}`;
  switch (r.Type) {
    case 'AWS::IAM::Role': {
      const n = name('RoleName');
      const path = p.Path ?? '/';
      return { ref: n, attrs: { Arn: `arn:${PARTITION}:iam::${ACCOUNT}:role${path}${n}`, RoleId: `AROA${logicalId.toUpperCase().slice(0, 17)}` } };
    }
    case 'AWS::IAM::ManagedPolicy': {
      const n = name('ManagedPolicyName');
      const a = `arn:${PARTITION}:iam::${ACCOUNT}:policy/${n}`;
      return { ref: a, attrs: { PolicyArn: a } };
    }
    case 'AWS::IAM::Policy':
      return { ref: `${logicalId}-policy-id`, attrs: {} };
    case 'AWS::S3::Bucket': {
      const n = name('BucketName', 63, true);
      return {
        ref: n,
        attrs: {
          Arn: `arn:${PARTITION}:s3:::${n}`, DomainName: `${n}.s3.${URL_SUFFIX}`, RegionalDomainName: `${n}.s3.${REGION}.${URL_SUFFIX}`,
          WebsiteURL: `http://${n}.s3-website-${REGION}.${URL_SUFFIX}`,
        },
      };
    }
    case 'AWS::KMS::Key': {
      const id = fakeUuid(`${stackName}/${logicalId}`);
      return { ref: id, attrs: { Arn: arn('kms', `key/${id}`), KeyId: id } };
    }
    case 'AWS::KMS::Alias':
      return { ref: resolver.resolveString(stackName, p.AliasName), attrs: {} };
    case 'AWS::SNS::Topic': {
      const n = name('TopicName', 256);
      const a = arn('sns', n);
      return { ref: a, attrs: { TopicArn: a, TopicName: n } };
    }
    case 'AWS::SQS::Queue': {
      const n = name('QueueName', 80);
      const url = `https://sqs.${REGION}.${URL_SUFFIX}/${ACCOUNT}/${n}`;
      return { ref: url, attrs: { Arn: arn('sqs', n), QueueName: n, QueueUrl: url } };
    }
    case 'AWS::Lambda::Function': {
      const n = name('FunctionName');
      return { ref: n, attrs: { Arn: arn('lambda', `function:${n}`) } };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const n = name('StateMachineName', 80);
      const a = arn('states', `stateMachine:${n}`);
      return { ref: a, attrs: { Arn: a, Name: n } };
    }
    case 'AWS::ECR::Repository': {
      const n = name('RepositoryName', 256, true);
      return { ref: n, attrs: { Arn: arn('ecr', `repository/${n}`), RepositoryUri: `${ACCOUNT}.dkr.ecr.${REGION}.${URL_SUFFIX}/${n}` } };
    }
    case 'AWS::Logs::LogGroup': {
      const n = name('LogGroupName', 512);
      return { ref: n, attrs: { Arn: arn('logs', `log-group:${n}:*`) } };
    }
    case 'AWS::Kinesis::Stream': {
      const n = name('Name', 128);
      return { ref: n, attrs: { Arn: arn('kinesis', `stream/${n}`) } };
    }
    case 'AWS::KinesisFirehose::DeliveryStream': {
      const n = name('DeliveryStreamName');
      return { ref: n, attrs: { Arn: arn('firehose', `deliverystream/${n}`) } };
    }
    case 'AWS::Logs::LogStream':
      return { ref: name('LogStreamName', 512), attrs: {} };
    case 'AWS::Events::Rule': {
      const n = name('Name');
      return { ref: n, attrs: { Arn: arn('events', `rule/${n}`) } };
    }
    case 'AWS::Scheduler::Schedule': {
      const n = name('Name');
      const group = p.GroupName ? resolver.resolveString(stackName, p.GroupName) : 'default';
      return { ref: n, attrs: { Arn: arn('scheduler', `schedule/${group}/${n}`) } };
    }
    case 'AWS::CloudWatch::Alarm':
    case 'AWS::CloudWatch::CompositeAlarm': {
      const n = name('AlarmName', 255);
      return { ref: n, attrs: { Arn: arn('cloudwatch', `alarm:${n}`) } };
    }
    case 'AWS::CloudWatch::Dashboard':
      return { ref: name('DashboardName', 255), attrs: {} };
    case 'AWS::SageMaker::ModelPackageGroup': {
      const n = name('ModelPackageGroupName', 63);
      const a = arn('sagemaker', `model-package-group/${n.toLowerCase()}`);
      return { ref: a, attrs: { ModelPackageGroupArn: a, ModelPackageGroupName: n } };
    }
    case 'AWS::SageMaker::Model': {
      const n = name('ModelName', 63);
      const a = arn('sagemaker', `model/${n.toLowerCase()}`);
      return { ref: a, attrs: { ModelName: n } };
    }
    case 'AWS::SageMaker::EndpointConfig': {
      const n = name('EndpointConfigName', 63);
      const a = arn('sagemaker', `endpoint-config/${n.toLowerCase()}`);
      return { ref: a, attrs: { EndpointConfigName: n } };
    }
    case 'AWS::SageMaker::Endpoint': {
      const n = name('EndpointName', 63);
      const a = arn('sagemaker', `endpoint/${n.toLowerCase()}`);
      return { ref: a, attrs: { EndpointName: n } };
    }
    case 'AWS::Glue::Database': {
      const n = p.DatabaseInput?.Name ? resolver.resolveString(stackName, p.DatabaseInput.Name) : generatedName(stackName, logicalId).toLowerCase();
      return { ref: n, attrs: {} };
    }
    case 'AWS::Glue::Table':
      return {
        ref: p.TableInput?.Name ? resolver.resolveString(stackName, p.TableInput.Name) : generatedName(stackName, logicalId).toLowerCase(),
        attrs: {},
      };
    case 'AWS::Athena::WorkGroup':
      return { ref: resolver.resolveString(stackName, p.Name), attrs: {} };
    case 'AWS::EC2::SecurityGroup':
      return { ref: `sg-${fakeUuid(logicalId).slice(0, 17).replace(/-/g, '')}`, attrs: { GroupId: `sg-${fakeUuid(logicalId).slice(0, 17).replace(/-/g, '')}` } };
    case 'AWS::EC2::VPC': {
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpc.html#aws-resource-ec2-vpc-return-values
      const id = `vpc-${fakeUuid(logicalId).replace(/-/g, '').slice(0, 17)}`;
      return { ref: id, attrs: { VpcId: id, DefaultSecurityGroup: `sg-${fakeUuid(`${logicalId}/default`).replace(/-/g, '').slice(0, 17)}`, CidrBlock: '10.0.0.0/16' } };
    }
    case 'AWS::EC2::Subnet': {
      const id = `subnet-${fakeUuid(logicalId).replace(/-/g, '').slice(0, 17)}`;
      return { ref: id, attrs: { SubnetId: id } };
    }
    case 'AWS::ApplicationAutoScaling::ScalableTarget':
      return { ref: `${logicalId}-target`, attrs: {} };
    default:
      return { ref: `${stackName}-${logicalId}`, attrs: {} };
  }
}
