import { isWildcardOnlyAction, runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT } from './cfn';
import { IamModel, PrincipalFinder, RolePrincipal } from './iam-model';

/** What a row expects AWS to decide. */
export type Decision = 'allowed' | 'denied';

/** One run-time call of a principal: what AWS is asked, and what it must answer. */
export interface CallRow {
  /** The call in words, for the test title (defaults to `action resource`). */
  readonly call?: string;
  /** The IAM action, e.g. `sagemaker:AddTags`. */
  readonly action: string;
  /** The concrete ARN of the resource, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Request context keys the call carries (e.g. `s3:prefix`, `kms:ViaService`, `iam:PassedToService`). */
  readonly context?: Record<string, string | string[]>;
  /** What AWS must decide. */
  readonly expect: Decision;
  /** The page that says the principal makes (or must not make) this call: an API reference, a Step Functions IAM page, a CDK issue. */
  readonly source: string;
  /** An open issue (`#12 serving: ...`) that makes this row fail today: it runs as `test.failing`, and flips when fixed. */
  readonly knownDefect?: string;
}

/** Who makes the calls: a role of the app (by construct path or logical-id pattern) or an AWS service principal. */
export type PrincipalRef = { readonly role: PrincipalFinder } | { readonly service: string };

/** The calls one principal makes (and must not be able to make), as a function of the app's resolved values. */
export interface PrincipalContract<S> {
  /** The principal in words, e.g. `the training state machine role`. */
  readonly principal: string;
  /** Whether the app has this principal (e.g. only pipelines with a schedule have a rule role); default: always. */
  readonly when?: (s: S) => boolean;
  readonly who: (s: S) => PrincipalRef;
  readonly calls: (s: S) => CallRow[];
  /**
   * The grants on `*` this role must hold, exactly (`<action> on *`), where no ARN can be known: only for a role that serves a
   * whole account (API Gateway's account logging role writes the log groups of every API of the account and Region).
   * `accountWideReason` says why. Default: none (the role is granted no resource-level action on `*`).
   */
  readonly accountWideGrants?: string[];
  readonly accountWideReason?: string;
}

/** The outcome of one simulated call. */
export interface CallOutcome {
  readonly decision: Decision;
  readonly result: string;
  readonly resourcePolicy?: string;
}

/** A session of a role, as AWS sees the caller at run time. */
export function sessionArn(role: RolePrincipal): string {
  return `arn:aws:sts::${ACCOUNT}:assumed-role/${role.roleName}/contract-session`;
}

/**
 * Evaluates one call with `@cloud-copilot/iam-simulate` against the principal's identity policies and the resource policy of
 * the resource (the key policy, bucket policy, topic policy...), as AWS's policy evaluation logic does in one account
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html); KMS keys are decided by their
 * key policy first (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html), which iam-simulate models.
 */
export async function evaluateCall(model: IamModel, who: PrincipalRef, row: CallRow): Promise<CallOutcome> {
  // CloudWatch Logs authorizes log group actions on the group ARN with a literal trailing ':*', the group's own ARN form
  // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html): a concrete resource.
  const logGroupArn = row.action.startsWith('logs:') && /:log-group:[^*]+:\*$/.test(row.resource);
  if (row.resource.includes('*') && !logGroupArn && !(await wildcardOnly(row.action))) {
    // AWS evaluates a request on one concrete resource; the engine answers a '*' request by pattern discovery (allowed if any
    // pattern is), which is not what AWS does. A row on '*' is only meaningful for actions without resource-level permissions.
    throw new Error(`${row.action} supports resource-level permissions: name a concrete resource instead of ${row.resource}`);
  }
  const resourcePolicy = row.resource === '*' ? undefined : model.resourcePolicyFor(row.resource);
  let principal: string;
  let identityPolicies: { name: string; policy: any }[] = [];
  let context: Record<string, string | string[]>;
  if ('role' in who) {
    const role = findOne(model, who.role);
    principal = sessionArn(role);
    identityPolicies = role.identityPolicies.map((p) => ({ name: p.name, policy: engineKeys(p.policy) }));
    context = {
      'aws:PrincipalArn': role.roleArn,
      'aws:PrincipalAccount': ACCOUNT,
      'aws:PrincipalType': 'AssumedRole',
      'aws:SecureTransport': 'true',
    };
  } else {
    principal = who.service;
    context = { 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': who.service, 'aws:SecureTransport': 'true' };
  }
  if (row.action.startsWith('s3:')) {
    // The lake's bucket policies deny TLS below 1.2; the SDKs of the handlers and SageMaker use TLS 1.2 or 1.3.
    context['s3:TlsVersion'] = '1.3';
  }
  const response = await runSimulation({
    request: {
      principal,
      action: row.action,
      resource: { resource: row.resource, accountId: accountOf(row.resource) },
      contextVariables: engineKeys({ ...context, ...row.context }),
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicy ? engineKeys(resourcePolicy.policy) : undefined,
  }, {});
  if (response.resultType === 'error') {
    throw new Error(`iam-simulate rejected ${row.action} on ${row.resource}: ${response.errors.message} ${JSON.stringify(response.errors)}`);
  }
  return {
    decision: response.overallResult === 'Allowed' ? 'allowed' : 'denied',
    result: response.overallResult,
    resourcePolicy: resourcePolicy?.name,
  };
}

/**
 * iam-simulate drops request context keys whose variable part follows a ':' rather than a '/' (it matches
 * `kms:EncryptionContext:${EncryptionContextKey}` against nothing, and lists the key in `ignoredContextKeys`), so a policy
 * conditioned on `kms:EncryptionContext:aws:s3:arn` (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context)
 * could never be shown to allow. This renames those keys, in the policies and in the request alike, to a global key with a
 * '/' variable that the engine does evaluate (`aws:PrincipalTag/kms:EncryptionContext:...`): the same string comparison,
 * operator and value; a request without the key still fails the condition. The harness self-tests check both sides.
 */
export function engineKeys<T>(value: T): T {
  const rename = (key: string) => (/^kms:EncryptionContext:/i.test(key) ? `aws:PrincipalTag/${key}` : key);
  const walk = (v: any): any => {
    if (Array.isArray(v)) {
      return v.map(walk);
    }
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [rename(k), walk(x)]));
    }
    return v;
  };
  return walk(value);
}

/** The one role a finder names; zero or several is an error of the table. */
export function findOne(model: IamModel, find: PrincipalFinder): RolePrincipal {
  const found = model.findRoles(find);
  if (found.length !== 1) {
    throw new Error(`expected one role matching ${find.path ?? ''} ${find.logicalId ?? ''}, found ${found.length}: `
      + `${found.map((r) => r.path).join(', ') || model.roles.map((r) => r.path).join(', ')}`);
  }
  return found[0];
}

function accountOf(arn: string): string {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : ACCOUNT;
}

/** A construct path as an exact-match pattern (`Train/Churn/StateMachineRole`). */
export function exactPath(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/**
 * Actions whose only resource type does not apply to the calls the library makes: CloudWatch lists an optional `dataset`
 * resource for PutMetricData and GetMetricData, but metrics are authorized on `*` (scoped by `cloudwatch:namespace`)
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
 */
const NO_RESOURCE_FOR_METRICS = new Set(['cloudwatch:putmetricdata', 'cloudwatch:getmetricdata']);

/**
 * Actions whose only resource type is optional and whose calls, as the library makes them, name no resource of that type, so that
 * AWS authorizes them on `*`: ListModelPackages lists the packages of a group (optional `model-package` resource type,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html; the request names a group, not a
 * package), and DeleteNetworkInterfacePermission names a permission id (optional `network-interface` resource type,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html). Kept to these two, each granted by one
 * construct with its own acknowledgment.
 */
const NO_RESOURCE_IN_REQUEST = new Set(['sagemaker:listmodelpackages', 'ec2:deletenetworkinterfacepermission']);

/** Whether an action is authorized on `*` only: no resource types in the service authorization reference (via iam-data). */
export async function wildcardOnly(action: string): Promise<boolean> {
  const [service, name] = action.split(':');
  if (name.includes('*')) {
    return false;
  }
  return NO_RESOURCE_FOR_METRICS.has(action.toLowerCase()) || NO_RESOURCE_IN_REQUEST.has(action.toLowerCase()) || isWildcardOnlyAction(service, name);
}

/**
 * The Allow statements of a role that grant an action supporting resource-level permissions on every resource (`*`, or an
 * ARN of only wildcards): "no `*` where an ARN is known". Returns `action on resource` per finding.
 */
export async function wildcardGrants(role: RolePrincipal): Promise<string[]> {
  const findings: string[] = [];
  for (const p of role.identityPolicies) {
    for (const st of [p.policy.Statement].flat()) {
      if (st.Effect !== 'Allow' || st.Resource === undefined) {
        continue;
      }
      const resources: string[] = [st.Resource].flat();
      const everything = resources.filter((r) => r === '*' || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(r));
      for (const action of [st.Action].flat()) {
        for (const r of everything) {
          if (!(await wildcardOnly(action))) {
            findings.push(`${action} on ${r} (${p.name})`);
          }
        }
      }
    }
  }
  return findings;
}
