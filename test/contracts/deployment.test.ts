import validateAsl from 'asl-validator';
import { execute } from './asl/interpreter';
import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { DEPLOYMENT_APPS, DEPLOYMENT_CONTRACT, deploymentSubject } from './tables/deployment';
import { approvalEvent, DeploymentWorld, deploymentWorld, PARAMETER, V2, V3, V4_OTHER_GROUP } from './tables/deployment-executions';

// The deployment capability's contracts: the stage state machines' roles, the pipeline's and its actions' roles, the events role
// and the services assuming them; then each stage's state machine executed on the paths a deployment takes.
const apps = Object.entries(DEPLOYMENT_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return {
    app,
    subject: deploymentSubject(app, spec),
    staging: app.definition(spec.pipeline.stageMachines[0]),
    production: app.definition(spec.pipeline.stageMachines[1]),
    router: app.definition(spec.pipeline.approvalRouter),
  };
});

describeIamContract('deployment', apps, DEPLOYMENT_CONTRACT);

const CFN_EXEC = 'arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1';
const { staging, production, router } = apps[0];

async function run(definition: any, world: DeploymentWorld, input: any = { pipelineExecutionId: 'b1f0c0de-0000-4000-8000-000000000001' }) {
  const w = deploymentWorld(world);
  const e = await execute(definition, input, {
    tasks: w.tasks, executionName: 'Staging-6f1c2a4e-8d3b-4c1a-9e2f-0a1b2c3d4e5f',
  });
  return { e, log: w.log };
}

describe.each(apps.map((a) => [a.app.label, a] as const))('the deploy state machines of the %s', (_label, a) => {
  test('are valid Amazon States Language (asl-validator)', () => {
    for (const definition of [a.staging, a.production, a.router]) {
      const { isValid, errors } = validateAsl(JSON.parse(JSON.stringify(definition)));
      expect({ isValid, errors }).toEqual({ isValid: true, errors: [] });
    }
  });
});

describe('the staging state machine', () => {
  const alarmNames: string[] = staging.States.ReadAlarms.Arguments.AlarmNames;
  const okAlarms = Object.fromEntries(alarmNames.map((n) => [n, 'OK']));

  test('reads the two rollback alarms of the staging endpoint', () => {
    expect(alarmNames).toHaveLength(2);
    expect(alarmNames.every((n) => /Staging/.test(n) || /churn-staging/.test(n))).toBe(true);
  });

  test('deploys the newest approved version with the previous template, waits for the update, and passes the smoke test', async () => {
    const { e, log } = await run(staging, { approved: [V3, V2], stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: 'fallback' } }, alarms: okAlarms });
    expect({ status: e.status, output: e.output, error: e.error }).toEqual({
      status: 'SUCCEEDED', error: undefined, output: { stage: 'Staging', stackName: 'Staging', modelPackageArn: V3, updated: true },
    });
    expect(log.updates).toEqual([{
      StackName: 'Staging',
      UsePreviousTemplate: true,
      Parameters: [{ ParameterKey: 'BootstrapVersion', UsePreviousValue: true }, { ParameterKey: PARAMETER, ParameterValue: V3 }],
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      RoleARN: CFN_EXEC,
      ClientRequestToken: 'md-Staging-6f1c2a4e-8d3b-4c1a-9e2f-0a1b2c3d4e5f',
    }]);
    expect(log.invocations).toEqual([{ EndpointName: 'churn-staging', ContentType: 'text/csv', Body: 'tenure_months,monthly_charges\n12,70.5\n' }]);
    expect(e.path).toEqual(['Start', 'RequestedVersion', 'ListApprovedPackages', 'ApprovedPackageFound', 'DescribeStack', 'StackNeedsUpdate', 'UpdateStack',
      'WaitForStack', 'ReadStackStatus', 'StackUpdated', 'WaitForStack', 'ReadStackStatus', 'StackUpdated', 'WaitForStack', 'ReadStackStatus',
      'StackUpdated', 'ReadPayload', 'InvokeEndpoint', 'Bake', 'ReadAlarms', 'AlarmsOk', 'Deployed']);
    // Three polls of 30 s and a bake of 10 minutes.
    expect(e.seconds).toEqual(3 * 30 + 600);
  });

  test('does not update a stack that serves the version already (a duplicate approval event), and still smoke-tests it', async () => {
    const { e, log } = await run(staging, { approved: [V3], stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: V3 } }, alarms: okAlarms });
    expect({ status: e.status, updated: e.output.updated, updates: log.updates.length, invocations: log.invocations.length })
      .toEqual({ status: 'SUCCEEDED', updated: false, updates: 0, invocations: 1 });
  });

  test('redeploys the previous approved version when the current one was rejected (it is no longer listed)', async () => {
    const { e, log } = await run(staging, { approved: [V2], stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: V3 } }, alarms: okAlarms });
    expect({ status: e.status, deployed: log.updates.map((u) => u.Parameters[1].ParameterValue) }).toEqual({ status: 'SUCCEEDED', deployed: [V2] });
  });

  test('fails with NoApprovedModelPackage and touches no stack when no version is approved', async () => {
    const { e, log } = await run(staging, { approved: [], stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: 'fallback' } } });
    expect({ status: e.status, error: e.error, calls: log.calls.map((c) => c.state) })
      .toEqual({ status: 'FAILED', error: 'NoApprovedModelPackage', calls: ['ListApprovedPackages'] });
  });

  test('fails with SmokeTestFailed when the endpoint answers an error', async () => {
    const { e } = await run(staging, {
      approved: [V3], stacks: { Staging: { status: 'UPDATE_COMPLETE' } }, alarms: okAlarms,
      invokeError: { error: 'SageMakerRuntime.ModelErrorException', cause: 'Received server error (500) from primary with message "boom"' },
    });
    expect({ status: e.status, error: e.error, cause: e.cause, readAlarms: e.path.includes('ReadAlarms') }).toEqual({
      status: 'FAILED', error: 'SmokeTestFailed', readAlarms: false,
      cause: 'SageMakerRuntime.ModelErrorException: Received server error (500) from primary with message "boom"',
    });
  });

  test('fails with SmokeTestAlarm when an alarm is in ALARM after the bake time', async () => {
    const { e } = await run(staging, {
      approved: [V3], stacks: { Staging: { status: 'UPDATE_COMPLETE' } }, alarms: { ...okAlarms, [alarmNames[1]]: 'ALARM' },
    });
    expect({ status: e.status, error: e.error, cause: e.cause })
      .toEqual({ status: 'FAILED', error: 'SmokeTestAlarm', cause: `In ALARM after the bake time: ${alarmNames[1]}` });
  });

  test('fails with SmokeTestAlarmMissing when an alarm it reads does not exist', async () => {
    const { e } = await run(staging, { approved: [V3], stacks: { Staging: { status: 'UPDATE_COMPLETE' } }, alarms: { [alarmNames[0]]: 'OK' } });
    expect({ status: e.status, error: e.error, cause: e.cause })
      .toEqual({ status: 'FAILED', error: 'SmokeTestAlarmMissing', cause: 'Found 1 of the 2 alarms the smoke test reads' });
  });

  test('fails with StackUpdateFailed, before any smoke test, when CloudFormation rolls the update back', async () => {
    const { e } = await run(staging, {
      approved: [V3], stacks: { Staging: { status: 'UPDATE_COMPLETE' } }, updateEndsIn: 'UPDATE_ROLLBACK_COMPLETE', pollsInProgress: 1,
    });
    expect({ status: e.status, error: e.error, cause: e.cause, invoked: e.path.includes('InvokeEndpoint') }).toEqual({
      status: 'FAILED', error: 'StackUpdateFailed', invoked: false,
      cause: 'The stack Staging ended in UPDATE_ROLLBACK_COMPLETE: The following resource(s) failed to update: [EndpointF7A4D3E1].',
    });
  });

  test('fails with StackNotUpdatable and does not update a stack that is being updated', async () => {
    const { e, log } = await run(staging, { approved: [V3], stacks: { Staging: { status: 'UPDATE_IN_PROGRESS' } }, pollsInProgress: 99 });
    expect({ status: e.status, error: e.error, updates: log.updates.length, cause: e.cause }).toEqual({
      status: 'FAILED', error: 'StackNotUpdatable', updates: 0,
      cause: 'The stack Staging is UPDATE_IN_PROGRESS: it is being updated, or its last operation failed; nothing is deployed.',
    });
  });

  test('fails with ParameterNotInStack when the deployed stack predates approvedModelPackage', async () => {
    const { e } = await run(staging, { approved: [V3], stacks: { Staging: { status: 'UPDATE_COMPLETE', noParameter: true } } });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'ParameterNotInStack' });
  });

  test('fails with DeployFailed when UpdateStack is refused', async () => {
    const { e } = await run(staging, {
      approved: [V3], stacks: { Staging: { status: 'UPDATE_COMPLETE' } },
      errors: { UpdateStack: [{ error: 'CloudFormation.CloudFormationException', cause: 'User is not authorized to perform: iam:PassRole' }] },
    });
    expect({ status: e.status, error: e.error, cause: e.cause })
      .toEqual({ status: 'FAILED', error: 'DeployFailed', cause: 'CloudFormation.CloudFormationException: User is not authorized to perform: iam:PassRole' });
  });

  describe('given the version an approval named (the pipeline variable)', () => {
    const input = (requestedPackage: string) => ({ pipelineExecutionId: 'b1f0c0de-0000-4000-8000-000000000001', requestedPackage });
    const packages = { [V2]: { group: 'churn', status: 'Approved' }, [V3]: { group: 'churn', status: 'Approved' } };

    test('deploys an earlier version that was approved while a newer one is approved too (a rollback by approval)', async () => {
      const { e, log } = await run(staging, { approved: [V3, V2], packages, stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: V3 } }, alarms: okAlarms },
        input(V2));
      expect({ status: e.status, output: e.output, deployed: log.updates.map((u) => u.Parameters[1].ParameterValue) }).toEqual({
        status: 'SUCCEEDED', output: { stage: 'Staging', stackName: 'Staging', modelPackageArn: V2, updated: true }, deployed: [V2],
      });
      expect(e.path.slice(0, 5)).toEqual(['Start', 'RequestedVersion', 'DescribeRequestedPackage', 'RequestedPackageApproved', 'DescribeStack']);
      expect(log.calls.filter((c) => c.resource.endsWith('listModelPackages'))).toEqual([]);
      expect(log.calls.find((c) => c.state === 'DescribeRequestedPackage')!.arguments).toEqual({ ModelPackageName: V2 });
    });

    test('fails with RequestedPackageNotApproved, touching no stack, when the version was rejected since', async () => {
      const { e, log } = await run(staging, {
        approved: [V2], packages: { ...packages, [V3]: { group: 'churn', status: 'Rejected' } },
        stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: V2 } },
      }, input(V3));
      expect({ status: e.status, error: e.error, cause: e.cause, updates: log.updates.length }).toEqual({
        status: 'FAILED', error: 'RequestedPackageNotApproved', updates: 0,
        cause: `The model package ${V3} is Rejected, not an approved version of the group churn: nothing is deployed.`,
      });
    });

    test('fails with RequestedPackageNotApproved for an approved version of another group', async () => {
      const { e, log } = await run(staging, {
        approved: [V3], packages: { [V4_OTHER_GROUP]: { group: 'fraud', status: 'Approved' } }, stacks: { Staging: { status: 'UPDATE_COMPLETE' } },
      }, input(V4_OTHER_GROUP));
      expect({ status: e.status, error: e.error, updates: log.updates.length }).toEqual({ status: 'FAILED', error: 'RequestedPackageNotApproved', updates: 0 });
    });

    test('fails with RequestedPackageNotReadable when the version does not exist', async () => {
      const { e } = await run(staging, { approved: [V3], packages, stacks: { Staging: { status: 'UPDATE_COMPLETE' } } },
        input('arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/99'));
      expect({ status: e.status, error: e.error, cause: e.cause }).toEqual({
        status: 'FAILED', error: 'RequestedPackageNotReadable',
        cause: 'SageMaker.SageMakerException: Model package arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/99 does not exist. '
          + '(Service: SageMaker, Status Code: 400, Error Code: ValidationException)',
      });
    });

    test("deploys the newest approved version for 'latest' (a rejection) and for an empty value", async () => {
      for (const requested of ['latest', '']) {
        const { e, log } = await run(staging, { approved: [V3, V2], packages, stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: 'fallback' } }, alarms: okAlarms },
          input(requested));
        expect({ requested, status: e.status, deployed: log.updates.map((u) => u.Parameters[1].ParameterValue), described: e.path.includes('DescribeRequestedPackage') })
          .toEqual({ requested, status: 'SUCCEEDED', deployed: [V3], described: false });
      }
    });

    test('retries a throttled DescribeModelPackage with backoff', async () => {
      const throttled = { error: 'SageMaker.ThrottlingException', cause: 'Rate exceeded' };
      const { e } = await run(staging, {
        approved: [V3], packages, stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: V2 } }, alarms: okAlarms,
        errors: { DescribeRequestedPackage: [throttled] },
      }, input(V2));
      expect({ status: e.status, retries: e.history.filter((h) => h.type === 'RetryScheduled').length }).toEqual({ status: 'SUCCEEDED', retries: 1 });
    });
  });

  test('retries a throttled ListModelPackages with backoff', async () => {
    const throttled = { error: 'SageMaker.ThrottlingException', cause: 'Rate exceeded' };
    const { e } = await run(staging, {
      approved: [V3], stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: V3 } }, alarms: okAlarms,
      errors: { ListApprovedPackages: [throttled, throttled] },
    });
    expect({ status: e.status, retries: e.history.filter((h) => h.type === 'RetryScheduled').length }).toEqual({ status: 'SUCCEEDED', retries: 2 });
  });
});

describe('the production state machine', () => {
  test('deploys the version the staging stack serves, not the newest approved one', async () => {
    const { e, log } = await run(production, {
      approved: [V3], stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: V2 }, Production: { status: 'UPDATE_COMPLETE', modelPackageArn: 'fallback' } },
    });
    expect({ status: e.status, output: e.output, deployed: log.updates.map((u) => [u.StackName, u.Parameters[1].ParameterValue]) }).toEqual({
      status: 'SUCCEEDED', output: { stage: 'Production', stackName: 'Production', modelPackageArn: V2, updated: true }, deployed: [['Production', V2]],
    });
    expect(log.calls.some((c) => c.resource.endsWith('listModelPackages'))).toBe(false);
  });

  test('fails with PreviousStageNotDeployed when the staging stack serves no package', async () => {
    const { e, log } = await run(production, {
      stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: 'fallback' }, Production: { status: 'UPDATE_COMPLETE', modelPackageArn: V2 } },
    });
    expect({ status: e.status, error: e.error, updates: log.updates.length }).toEqual({ status: 'FAILED', error: 'PreviousStageNotDeployed', updates: 0 });
  });

  test('fails with PreviousStageNotDeployed when the staging stack rolled back its last update', async () => {
    const { e } = await run(production, {
      stacks: { Staging: { status: 'UPDATE_ROLLBACK_COMPLETE', modelPackageArn: V2 }, Production: { status: 'UPDATE_COMPLETE', modelPackageArn: V2 } },
    });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'PreviousStageNotDeployed' });
  });

  test('does nothing when production serves the version already', async () => {
    const { e, log } = await run(production, {
      stacks: { Staging: { status: 'UPDATE_COMPLETE', modelPackageArn: V3 }, Production: { status: 'UPDATE_COMPLETE', modelPackageArn: V3 } },
    });
    expect({ status: e.status, updated: e.output.updated, updates: log.updates.length }).toEqual({ status: 'SUCCEEDED', updated: false, updates: 0 });
  });
});

describe('the approval router', () => {
  const pipelineName = router.States.StartPipeline.Arguments.Name;

  test('starts the pipeline with the version an approval names, once per event (the event id as the request token)', async () => {
    const { e, log } = await run(router, { stacks: {} }, approvalEvent('Approved', V2));
    expect({ status: e.status, output: e.output, starts: log.starts }).toEqual({
      status: 'SUCCEEDED',
      output: { pipelineExecutionId: 'b1f0c0de-0000-4000-8000-000000000042', approvalStatus: 'Approved', modelPackageArn: V2 },
      starts: [{ Name: pipelineName, Variables: [{ Name: 'ModelPackageArn', Value: V2 }], ClientRequestToken: '3f4e2c1a-7b8d-4e5f-9a0b-1c2d3e4f5a6b' }],
    });
    expect(typeof pipelineName === 'string' && pipelineName.length > 0).toBe(true);
  });

  test("starts it with 'latest' on a rejection (the newest version still approved is deployed)", async () => {
    const { e, log } = await run(router, { stacks: {} }, approvalEvent('Rejected', V3));
    expect({ status: e.status, variables: log.starts.map((a) => a.Variables) })
      .toEqual({ status: 'SUCCEEDED', variables: [[{ Name: 'ModelPackageArn', Value: 'latest' }]] });
  });

  test("starts it with 'latest' when an approval names no package", async () => {
    const { log } = await run(router, { stacks: {} }, approvalEvent('Approved'));
    expect(log.starts.map((a) => a.Variables[0].Value)).toEqual(['latest']);
  });

  test('retries while the pipeline is busy or throttled, then starts it once', async () => {
    const { e, log } = await run(router, {
      stacks: {},
      errors: { StartPipeline: [
        { error: 'CodePipeline.ConflictException', cause: 'Your request cannot be handled because the pipeline is busy handling ongoing activities.' },
        { error: 'CodePipeline.ThrottlingException', cause: 'Rate exceeded' },
      ] },
    }, approvalEvent('Approved', V2));
    expect({ status: e.status, retries: e.history.filter((h) => h.type === 'RetryScheduled').length, starts: log.starts.length })
      .toEqual({ status: 'SUCCEEDED', retries: 2, starts: 1 });
  });

  test('fails after six retries, so that the failed start shows in its execution history and logs', async () => {
    const busy = { error: 'CodePipeline.ConcurrentPipelineExecutionsLimitExceededException', cause: 'limit' };
    const { e, log } = await run(router, { stacks: {}, errors: { StartPipeline: Array(7).fill(busy) } }, approvalEvent('Approved', V2));
    expect({ status: e.status, error: e.error, starts: log.starts.length, retries: e.history.filter((h) => h.type === 'RetryScheduled').length })
      .toEqual({ status: 'FAILED', error: 'CodePipeline.ConcurrentPipelineExecutionsLimitExceededException', starts: 0, retries: 6 });
  });

  test('does not retry a request CodePipeline refuses (no such pipeline)', async () => {
    const { e } = await run(router, {
      stacks: {}, errors: { StartPipeline: [{ error: 'CodePipeline.PipelineNotFoundException', cause: 'not found' }] },
    }, approvalEvent('Approved', V2));
    expect({ status: e.status, error: e.error, retries: e.history.filter((h) => h.type === 'RetryScheduled').length })
      .toEqual({ status: 'FAILED', error: 'CodePipeline.PipelineNotFoundException', retries: 0 });
  });
});
