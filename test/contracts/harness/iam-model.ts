import { ACCOUNT, CfnResolver, PARTITION, ResourceRef, UnresolvableError } from './cfn';

/** A named policy document, as `@cloud-copilot/iam-simulate` takes it. */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: any;
}

/** A role of the app, with every identity policy attached to it. */
export interface RolePrincipal {
  readonly stackName: string;
  readonly logicalId: string;
  /** Construct path of the role (`.../Resource` stripped). */
  readonly path: string;
  readonly roleName: string;
  readonly roleArn: string;
  readonly trustPolicy: any;
  readonly identityPolicies: NamedPolicy[];
}

/**
 * AWS managed policies that the library's roles may attach, with their documents as AWS publishes them
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html). Any other managed policy
 * fails the harness, so that a new one is added here deliberately.
 */
const AWS_MANAGED_POLICIES: Record<string, any> = {
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonAPIGatewayPushToCloudWatchLogs.html
  'service-role/AmazonAPIGatewayPushToCloudWatchLogs': {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents',
        'logs:GetLogEvents', 'logs:FilterLogEvents'],
      Resource: '*',
    }],
  },
  'service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
};

/**
 * The IAM view of a synthesized app, with every intrinsic resolved: each role and its identity policies (AWS::IAM::Policy,
 * inline `Policies`, customer and AWS managed policies), and each resource policy (KMS key policies, bucket policies, topic
 * and queue policies, Lambda permissions, model package group policies) by the ARN it protects.
 */
export class IamModel {
  public readonly roles: RolePrincipal[] = [];
  private readonly resourcePolicies = new Map<string, NamedPolicy>();

  constructor(public readonly resolver: CfnResolver) {
    const resources = resolver.resources();
    const rolesByName = new Map<string, { r: ResourceRef; policies: NamedPolicy[] }>();
    for (const r of resources.filter((x) => x.type === 'AWS::IAM::Role')) {
      const roleName = resolver.resolveString(r.stackName, { Ref: r.logicalId });
      const policies: NamedPolicy[] = [];
      for (const inline of r.properties.Policies ?? []) {
        policies.push({ name: `${r.logicalId}/${inline.PolicyName}`, policy: resolver.resolve(r.stackName, inline.PolicyDocument) });
      }
      for (const managedArn of resolver.resolve(r.stackName, r.properties.ManagedPolicyArns ?? []) as string[]) {
        policies.push(this.managedPolicy(resources, managedArn));
      }
      rolesByName.set(roleName, { r, policies });
    }
    for (const r of resources.filter((x) => x.type === 'AWS::IAM::Policy' || x.type === 'AWS::IAM::ManagedPolicy')) {
      const doc = resolver.resolve(r.stackName, r.properties.PolicyDocument);
      for (const roleName of resolver.resolve(r.stackName, r.properties.Roles ?? []) as string[]) {
        const role = rolesByName.get(roleName);
        if (!role) {
          throw new UnresolvableError(`${r.path}: attached to role ${roleName}, which the app does not define`);
        }
        role.policies.push({ name: r.logicalId, policy: doc });
      }
    }
    for (const [roleName, { r, policies }] of rolesByName) {
      this.roles.push({
        stackName: r.stackName,
        logicalId: r.logicalId,
        path: r.path.replace(/\/Resource$/, ''),
        roleName,
        roleArn: resolver.resolveString(r.stackName, { 'Fn::GetAtt': [r.logicalId, 'Arn'] }),
        trustPolicy: resolver.resolve(r.stackName, r.properties.AssumeRolePolicyDocument),
        identityPolicies: policies,
      });
    }
    // A role's trust policy is the resource policy of sts:AssumeRole on it.
    for (const role of this.roles) {
      this.resourcePolicies.set(role.roleArn, { name: `${role.logicalId}/trust`, policy: role.trustPolicy });
    }
    this.collectResourcePolicies(resources);
  }

  /** The roles whose construct path or logical id matches. */
  public findRoles(find: PrincipalFinder): RolePrincipal[] {
    return this.roles.filter((r) => (find.path ? find.path.test(r.path) : true) && (find.logicalId ? find.logicalId.test(r.logicalId) : true));
  }

  /** The resource policy that governs a resource ARN, if any. */
  public resourcePolicyFor(resourceArn: string): NamedPolicy | undefined {
    return this.resourcePolicies.get(resourcePolicyKey(resourceArn));
  }

  private managedPolicy(resources: ResourceRef[], arn: string): NamedPolicy {
    const awsPrefix = `arn:${PARTITION}:iam::aws:policy/`;
    if (arn.startsWith(awsPrefix)) {
      const name = arn.slice(awsPrefix.length);
      const doc = AWS_MANAGED_POLICIES[name];
      if (!doc) {
        throw new UnresolvableError(`AWS managed policy ${name} is not modelled: add its published document to AWS_MANAGED_POLICIES`);
      }
      return { name, policy: doc };
    }
    const mp = resources.find((x) => x.type === 'AWS::IAM::ManagedPolicy' && this.resolver.resolve(x.stackName, { Ref: x.logicalId }) === arn);
    if (!mp) {
      throw new UnresolvableError(`managed policy ${arn} is not defined in the app`);
    }
    return { name: mp.logicalId, policy: this.resolver.resolve(mp.stackName, mp.properties.PolicyDocument) };
  }

  private addResourcePolicy(arn: string, name: string, doc: any) {
    const key = resourcePolicyKey(arn);
    const existing = this.resourcePolicies.get(key);
    const statements = [...(existing?.policy.Statement ?? []), ...asArray(doc.Statement)];
    this.resourcePolicies.set(key, { name: existing ? `${existing.name}+${name}` : name, policy: { Version: '2012-10-17', Statement: statements } });
  }

  private collectResourcePolicies(resources: ResourceRef[]) {
    const res = this.resolver;
    for (const r of resources) {
      const p = r.properties;
      const get = (attr: string) => res.resolveString(r.stackName, { 'Fn::GetAtt': [r.logicalId, attr] });
      switch (r.type) {
        case 'AWS::KMS::Key':
          if (p.KeyPolicy) {
            this.addResourcePolicy(get('Arn'), r.logicalId, res.resolve(r.stackName, p.KeyPolicy));
          }
          break;
        case 'AWS::S3::BucketPolicy':
          this.addResourcePolicy(`arn:${PARTITION}:s3:::${res.resolveString(r.stackName, p.Bucket)}`, r.logicalId, res.resolve(r.stackName, p.PolicyDocument));
          break;
        case 'AWS::SNS::TopicPolicy':
          for (const topic of res.resolve(r.stackName, p.Topics) as string[]) {
            this.addResourcePolicy(topic, r.logicalId, res.resolve(r.stackName, p.PolicyDocument));
          }
          break;
        case 'AWS::SNS::TopicInlinePolicy':
          this.addResourcePolicy(res.resolveString(r.stackName, p.TopicArn), r.logicalId, res.resolve(r.stackName, p.PolicyDocument));
          break;
        case 'AWS::SQS::QueuePolicy':
          for (const url of res.resolve(r.stackName, p.Queues) as string[]) {
            const [, , , account, queue] = url.split('/');
            this.addResourcePolicy(`arn:${PARTITION}:sqs:${url.split('.')[1]}:${account}:${queue}`, r.logicalId, res.resolve(r.stackName, p.PolicyDocument));
          }
          break;
        case 'AWS::SageMaker::ModelPackageGroup':
          if (p.ModelPackageGroupPolicy) {
            this.addResourcePolicy(get('ModelPackageGroupArn'), r.logicalId, res.resolve(r.stackName, p.ModelPackageGroupPolicy));
          }
          break;
        case 'AWS::ApiGateway::RestApi':
          if (p.Policy) {
            // API Gateway expands the 'execute-api:/' shorthand of a resource policy to the API's own ARN
            // (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html).
            const apiArn = `arn:${PARTITION}:execute-api:${this.regionOf()}:${ACCOUNT}:${res.resolveString(r.stackName, { Ref: r.logicalId })}`;
            const doc = res.resolve(r.stackName, p.Policy);
            const expand = (x: string) => (x.startsWith('execute-api:/') ? `${apiArn}/${x.slice('execute-api:/'.length)}` : x);
            const statements = asArray<any>(doc.Statement).map((st) => ({ ...st, Resource: asArray<string>(st.Resource).map(expand) }));
            this.addResourcePolicy(apiArn, r.logicalId, { Statement: statements });
          }
          break;
        case 'AWS::Lambda::Permission': {
          // A Lambda permission is one statement of the function's resource policy
          // (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html).
          const fn = res.resolveString(r.stackName, p.FunctionName);
          const fnArn = fn.startsWith('arn:') ? fn : `arn:${PARTITION}:lambda:${this.regionOf()}:${ACCOUNT}:function:${fn}`;
          const principal = res.resolveString(r.stackName, p.Principal);
          const condition: any = {};
          if (p.SourceArn) {
            condition.ArnLike = { 'aws:SourceArn': res.resolve(r.stackName, p.SourceArn) };
          }
          if (p.SourceAccount) {
            condition.StringEquals = { 'aws:SourceAccount': res.resolve(r.stackName, p.SourceAccount) };
          }
          this.addResourcePolicy(fnArn, r.logicalId, {
            Statement: [{
              Effect: 'Allow',
              Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
              Action: res.resolve(r.stackName, p.Action),
              Resource: fnArn,
              ...(Object.keys(condition).length ? { Condition: condition } : {}),
            }],
          });
          break;
        }
      }
    }
  }

  private regionOf(): string {
    return this.resolver.resolveString(this.resolver.stackNames()[0], { Ref: 'AWS::Region' });
  }
}

/** How a table names its principal: by construct path and/or role logical-id pattern, never a hard-coded logical id. */
export interface PrincipalFinder {
  readonly path?: RegExp;
  readonly logicalId?: RegExp;
}

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The ARN whose resource policy governs a request on `arn`:
 * a bucket's for its objects, a group's for its packages, a function's for its versions. */
export function resourcePolicyKey(arn: string): string {
  const parts = arn.split(':');
  const service = parts[2];
  if (service === 's3') {
    return `arn:${parts[1]}:s3:::${parts.slice(5).join(':').split('/')[0]}`;
  }
  if (service === 'lambda') {
    return parts.slice(0, 7).join(':');
  }
  if (service === 'execute-api') {
    // A method ARN (<api id>/<stage>/<verb>/<path>) is governed by its API's resource policy.
    return [...parts.slice(0, 5), parts[5].split('/')[0]].join(':');
  }
  if (service === 'sagemaker' && parts[5]?.startsWith('model-package/')) {
    const group = parts[5].split('/')[1];
    return [...parts.slice(0, 5), `model-package-group/${group}`].join(':');
  }
  return arn;
}
