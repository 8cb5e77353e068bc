import * as fs from 'fs';
import * as path from 'path';
import { Duration, Lazy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { ContainerImage } from '@aws-cdk/aws-sagemaker-alpha';
import { defaultStages, deploymentFixture, remoteTarget } from './fixtures';
import { ServingModel } from '../../lib/serving';

const repo = (scope: Construct) => ecr.Repository.fromRepositoryName(scope, 'PlainRepo', 'churn-inference');

function definitionOf(template: Template, logicalPrefix: RegExp): any {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const [id] = Object.keys(machines).filter((k) => logicalPrefix.test(k));
  const parts = machines[id].Properties.DefinitionString['Fn::Join'][1];
  // Tokens sit inside JSON strings (Stack.toJsonString): a placeholder keeps the JSON valid.
  return JSON.parse(parts.map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
}

describe('ModelDeploymentPipeline with a staging smoke test, a manual approval and alerts', () => {
  const f = deploymentFixture((b) => ({ alerts: b.alerts, approval: { timeout: Duration.days(2) }, pipelineName: 'churn-deploy' }));
  const template = Template.fromStack(f.pipelineStack);
  const pipeline = Object.values<any>(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties;

  test('is a V2 pipeline in SUPERSEDED mode, on its own versioned, KMS-encrypted artifact bucket', () => {
    expect({ type: pipeline.PipelineType, mode: pipeline.ExecutionMode, name: pipeline.Name, restart: pipeline.RestartExecutionOnUpdate })
      .toEqual({ type: 'V2', mode: 'SUPERSEDED', name: 'churn-deploy', restart: false });
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeployArtifactsKey'), 'Arn'] } },
        }] },
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      }),
    });
  });

  test('runs source, staging, approval and production, in that order', () => {
    expect(pipeline.Stages.map((s: any) => [s.Name, s.Actions.map((a: any) => `${a.ActionTypeId.Category}/${a.ActionTypeId.Provider}`)])).toEqual([
      ['Source', ['Source/S3']],
      ['Staging', ['Invoke/StepFunctions']],
      ['Approve', ['Approval/Manual']],
      ['Production', ['Invoke/StepFunctions']],
    ]);
  });

  test('reads its manifest from the asset bucket without polling, and invokes each stage with the pipeline execution id', () => {
    const [source] = pipeline.Stages[0].Actions;
    expect(source.Configuration.PollForSourceChanges).toEqual(false);
    const staging = pipeline.Stages[1].Actions[0];
    expect(staging.Configuration).toEqual({
      StateMachineArn: { Ref: expect.stringMatching(/^DeployStagingStateMachine/) },
      ExecutionNamePrefix: 'Staging',
      InputType: 'Literal',
      Input: '{"pipelineExecutionId":"#{codepipeline.PipelineExecutionId}","requestedPackage":"#{variables.ModelPackageArn}"}',
    });
    const production = pipeline.Stages[3].Actions[0];
    expect(production.Configuration.Input).toEqual('{"pipelineExecutionId":"#{codepipeline.PipelineExecutionId}"}');
  });

  test('declares the pipeline variable the first stage reads, latest (the newest approved version) by default', () => {
    expect(pipeline.Variables).toEqual([{
      Name: 'ModelPackageArn', DefaultValue: 'latest',
      Description: 'The model package version to deploy (its ARN), or latest: the newest approved version of the group',
    }]);
  });

  test('asks for approval on the warning topic, for at most two days', () => {
    const approve = pipeline.Stages[2].Actions[0];
    expect({ timeout: approve.TimeoutInMinutes, info: approve.Configuration.CustomData, topic: approve.Configuration.NotificationArn })
      .toEqual({
        timeout: 2880,
        info: 'The approved model version passed Staging. Approve to deploy it to production.',
        topic: expect.objectContaining({ 'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringMatching(/AlertsWarning/) }) }),
      });
  });

  test('starts on approvals and rejections of the group, with its own events role', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        'detail': { ModelPackageGroupName: ['churn'], ModelApprovalStatus: ['Approved', 'Rejected'] },
      },
      Targets: [{
        Arn: { Ref: Match.stringLikeRegexp('^DeployApprovalRouterStateMachine') },
        Id: 'Target0',
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeployEventsRole'), 'Arn'] },
      }],
    });
  });

  test('routes each approval through a state machine that starts the pipeline with the version the event names', () => {
    const router = definitionOf(template, /^DeployApprovalRouterStateMachine/);
    const start = router.States.StartPipeline;
    expect({ startAt: router.StartAt, timeout: router.TimeoutSeconds, resource: start.Resource, name: start.Arguments.Name, end: start.End })
      .toEqual({
        startAt: 'StartPipeline', timeout: 600, resource: 'arn:TOKEN:states:::aws-sdk:codepipeline:startPipelineExecution',
        name: 'TOKEN', end: true,
      });
    expect(start.Arguments.Variables.map((v: any) => v.Name)).toEqual(['ModelPackageArn']);
    // The tokens are the pipeline's name (in the comment and the call) and the partition.
    const [id] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine')).filter((k) => /^DeployApprovalRouter/.test(k));
    const parts = template.toJSON().Resources[id].Properties.DefinitionString['Fn::Join'][1].filter((p: unknown) => typeof p !== 'string');
    const pipelineName = { Ref: expect.stringMatching(/^DeployPipeline/) };
    expect(parts).toEqual([pipelineName, { Ref: 'AWS::Partition' }, pipelineName]);
  });

  test('notifies each outcome of an execution to the warning topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.codepipeline'],
        'detail-type': ['CodePipeline Pipeline Execution State Change'],
        'detail': { pipeline: [{ Ref: Match.stringLikeRegexp('^DeployPipeline') }], state: ['SUCCEEDED', 'FAILED', 'STOPPED', 'SUPERSEDED'] },
      },
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AlertsWarning') }) },
        InputTransformer: {
          InputPathsMap: { 'detail-pipeline': '$.detail.pipeline', 'detail-execution-id': '$.detail.execution-id', 'detail-state': '$.detail.state', 'time': '$.time' },
          InputTemplate: '{"pipeline":<detail-pipeline>,"executionId":<detail-execution-id>,"state":<detail-state>,"time":<time>}',
        },
      })],
    });
  });

  test('gives each stage a state machine with a timeout, tracing and every execution logged', () => {
    const staging = definitionOf(template, /^DeployStagingStateMachine/);
    const production = definitionOf(template, /^DeployProductionStateMachine/);
    expect({ staging: [staging.StartAt, staging.States.Start.Next, staging.TimeoutSeconds], production: [production.States.Start.Next] })
      .toEqual({ staging: ['Start', 'RequestedVersion', 3 * 3600], production: ['ReadPreviousStage'] });
    expect(Object.keys(production.States)).not.toContain('ReadAlarms');
    template.resourcePropertiesCountIs('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    }, 3);
  });

  test('writes a manifest of what it deploys as its source', () => {
    f.app.synth();
    const asset = f.pipeline.node.findChild('Manifest') as s3assets.Asset;
    const dir = path.join(f.app.outdir, asset.assetPath);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'deployment.json'), 'utf-8'))).toEqual({
      registry: 'churn',
      pipeline: 'Delivery',
      stages: [
        { stageName: 'Staging', stackName: 'Staging', parameter: 'ModelPackageArnModel', production: false },
        { stageName: 'Production', stackName: 'Production', parameter: 'ModelPackageArnModel', production: true },
      ],
    });
  });
});

describe('ModelDeploymentPipeline, minimal', () => {
  const f = deploymentFixture();
  const template = Template.fromStack(f.pipelineStack);

  test('has no approval stage and notifies nothing', () => {
    const pipeline = Object.values<any>(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
    expect(pipeline.Stages.map((s: any) => s.Name)).toEqual(['Source', 'Staging', 'Production']);
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toHaveLength(1);
    expect(f.pipeline.notificationRule).toBeUndefined();
  });
});

describe('ModelDeploymentPipeline with a stage in another account', () => {
  const f = deploymentFixture((b) => {
    const remote = remoteTarget(b.app, 'Remote', { account: '111122223333', region: 'us-east-1' });
    return {
      stages: [defaultStages(b)[0], { stageName: 'Production', model: remote.model, production: true, trustedThroughBootstrap: true }],
      bootstrapQualifier: 'mlops',
    };
  });
  const template = Template.fromStack(f.pipelineStack);

  test('calls CloudFormation there through the bootstrap deploy role, with the bootstrap execution role of that account', () => {
    const production = definitionOf(template, /^DeployProductionStateMachine/);
    expect(production.States.UpdateStack.Credentials).toEqual({ RoleArn: 'arn:TOKEN:iam::111122223333:role/cdk-mlops-deploy-role-111122223333-us-east-1' });
    expect(production.States.UpdateStack.Arguments.RoleARN).toEqual('arn:TOKEN:iam::111122223333:role/cdk-mlops-cfn-exec-role-111122223333-us-east-1');
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const id = Object.keys(machines).find((k) => /^DeployProductionStateMachine/.test(k))!;
    const joined = JSON.stringify(machines[id].Properties.DefinitionString);
    expect(joined).toContain(':iam::111122223333:role/cdk-mlops-deploy-role-111122223333-us-east-1');
    expect(joined).toContain(':iam::111122223333:role/cdk-mlops-cfn-exec-role-111122223333-us-east-1');
  });

  test('may assume that deploy role and call CloudFormation on no stack there itself', () => {
    const policies = Object.entries<any>(template.findResources('AWS::IAM::Policy')).filter(([k]) => /^DeployProductionRole/.test(k));
    const statements = policies[0][1].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual({ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:role/cdk-mlops-deploy-role-111122223333-us-east-1']],
    } });
    expect(JSON.stringify(statements)).not.toContain('cloudformation:UpdateStack');
  });
});

describe('ModelDeploymentPipeline with a CloudFormation role of its own', () => {
  test('passes that role, and only that role, to CloudFormation', () => {
    const f = deploymentFixture((b) => {
      const role = iam.Role.fromRoleArn(b.shared, 'DeployRole', 'arn:aws:iam::123456789012:role/model-deployer');
      const [staging, production] = defaultStages(b);
      return { stages: [{ ...staging, cloudFormationRole: role }, production] };
    });
    const template = Template.fromStack(f.pipelineStack);
    const policies = Object.entries<any>(template.findResources('AWS::IAM::Policy')).filter(([k]) => /^DeployStagingRole/.test(k));
    expect(policies[0][1].Properties.PolicyDocument.Statement).toContainEqual({
      Action: 'iam:PassRole', Effect: 'Allow', Resource: 'arn:aws:iam::123456789012:role/model-deployer',
      Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    });
    expect(definitionOf(template, /^DeployStagingStateMachine/).States.UpdateStack.Arguments.RoleARN).toEqual('arn:aws:iam::123456789012:role/model-deployer');
  });
});

describe('ModelDeploymentPipeline bad input', () => {
  const build = (props: (b: any) => any) => () => deploymentFixture(props);
  const where = 'ModelDeploymentPipeline Delivery/Deploy';

  test('fails when the stage list has no production stage', () => {
    expect(build((b) => ({ stages: [defaultStages(b)[0]] }))).toThrow(`${where}: stages must be a list with exactly one production stage `
      + "(production: true), last, got ['Staging']");
  });

  test('fails when production is not the last stage', () => {
    expect(build((b) => ({ stages: [...defaultStages(b)].reverse() }))).toThrow(`${where}: stages (production stage 'Production') must be the `
      + 'last stage: production deploys only what every other stage passed, got \'at position 1 of 2\'');
  });

  test('fails when production is the only stage', () => {
    expect(build((b) => ({ stages: [defaultStages(b)[1]] }))).toThrow(`${where}: stages must be at least one stage before production `
      + "(e.g. Staging), which production follows, got ['Production']");
  });

  test('fails when two stages are production', () => {
    expect(build((b) => ({ stages: defaultStages(b).map((s) => ({ ...s, production: true })) })))
      .toThrow(`${where}: stages must be exactly one production stage, got several, got ['Staging', 'Production']`);
  });

  test('fails when the smoke-test payload is not an object of the lake zone', () => {
    for (const key of ['s3://other-bucket/request.csv', '/churn/smoke.csv', 'churn/../secrets.csv', 'churn/*.csv']) {
      expect(build((b) => {
        const [staging, production] = defaultStages(b);
        return { stages: [{ ...staging, smokeTest: { ...staging.smokeTest, payloadKey: key } }, production] };
      })).toThrow(`${where}: stages[0].smokeTest.payloadKey must be the key of an object in payloadZone, e.g. 'churn/smoke/request.csv' `
        + `(no URI, leading slash, wildcard or ..): the payload comes from the lake, got '${key}'`);
    }
  });

  test('fails when the smoke-test payload zone is not a lake zone', () => {
    expect(build((b) => {
      const [staging, production] = defaultStages(b);
      return { stages: [{ ...staging, smokeTest: { ...staging.smokeTest, payloadZone: undefined } }, production] };
    })).toThrow(`${where}: stages[0].smokeTest.payloadZone must be a zone of the data lake, e.g. lake.zone('features'): the payload comes `
      + 'from the lake, got undefined');
  });

  test('fails when the approval waits longer than CodePipeline allows', () => {
    expect(build(() => ({ approval: { timeout: Duration.days(61) } }))).toThrow(`${where}: approval.timeout must be between 5 minutes and `
      + '60 days (86400 minutes), CodePipeline\'s limits for a manual approval, got 61 days');
    expect(build(() => ({ approval: { timeout: Duration.minutes(4) } }))).toThrow(/approval.timeout must be between 5 minutes and 60 days .*got 4 minutes/);
  });

  test('fails when a stage in another account has no trust', () => {
    expect(build((b) => {
      const remote = remoteTarget(b.app, 'Remote', { account: '111122223333', region: 'us-east-1' });
      return { stages: [defaultStages(b)[0], { stageName: 'Production', model: remote.model, production: true }] };
    })).toThrow(`${where}: stages[1].trustedThroughBootstrap must be true for the stack Remote in account 111122223333: bootstrap that `
      + "account with 'cdk bootstrap --trust 123456789012' and set it, or the pipeline cannot deploy there, got undefined");
  });

  test('fails when a stage is in another Region', () => {
    expect(build((b) => {
      const remote = remoteTarget(b.app, 'Remote', { account: '123456789012', region: 'eu-west-1' });
      return { stages: [defaultStages(b)[0], { stageName: 'Production', model: remote.model, production: true }] };
    })).toThrow(`${where}: stages[1] must be a stack in the pipeline's Region (us-east-1): Step Functions calls CloudFormation in its own `
      + "Region, got 'the stack Remote in eu-west-1'");
  });

  test('fails when the same stack is in two stages', () => {
    expect(build((b) => {
      const [staging] = defaultStages(b);
      return { stages: [staging, { stageName: 'Production', model: b.staging.model, production: true }] };
    })).toThrow(`${where}: stages[1].model must be a model in a stack of its own: stage 'Staging' deploys that stack already (the same `
      + "stack in two stages), got 'a model of the stack Staging'");
  });

  test('fails when a stage model does not serve approved packages', () => {
    expect(build((b) => {
      const plain = new ServingModel(b.staging.stack, 'Plain', { image: ContainerImage.fromEcrRepository(repo(b.staging.stack), '1.4.2') });
      return { stages: [{ ...defaultStages(b)[0], model: plain }, defaultStages(b)[1]] };
    })).toThrow(`${where}: stages[0].model must be a ServingModel with approvedModelPackage (its stack parameter is what the stage sets), `
      + "got the construct 'Staging/Plain'");
  });

  test('fails when stage names clash with the pipeline\'s or each other', () => {
    expect(build((b) => ({ stages: defaultStages(b).map((s) => ({ ...s, stageName: 'Approve' })) }))).toThrow(/stages\[0\].stageName must be a name other than Source and Approve/);
    expect(build((b) => {
      const [staging, production] = defaultStages(b);
      return { stages: [staging, { ...production, stageName: 'Staging' }] };
    })).toThrow(/stages\[1\].stageName must be unique among the stages, got 'Staging'/);
    expect(build((b) => {
      const [staging, production] = defaultStages(b);
      return { stages: [{ ...staging, stageName: 'Stage 1' }, production] };
    })).toThrow(/stages\[0\].stageName must be 1-100 letters, digits and \. @ - _ \(a CodePipeline stage name\), got 'Stage 1'/);
  });

  test('fails when a stage may take longer than the Step Functions action allows', () => {
    expect(build(() => ({ stageTimeout: Duration.days(8) }))).toThrow(`${where}: stageTimeout must be between 5 minutes and 7 days (the `
      + "timeout of CodePipeline's Step Functions action), got 8 days");
  });

  test('fails when a smoke test is asked of a stage in another account', () => {
    expect(build((b) => {
      const remote = remoteTarget(b.app, 'Remote', { account: '111122223333', region: 'us-east-1' });
      return { stages: [defaultStages(b)[0], {
        stageName: 'Production', model: remote.model, production: true, trustedThroughBootstrap: true,
        smokeTest: { endpoint: remote.endpoint, payloadZone: b.lake.zone('features'), payloadKey: 'churn/smoke.csv' },
      }] };
    })).toThrow(/stages\[1\].smokeTest must be a smoke test of a stage in the pipeline's account only/);
  });

  test('lets tokens through', () => {
    const key = Lazy.string({ produce: () => 'churn/smoke/request.csv' });
    expect(build((b) => {
      const [staging, production] = defaultStages(b);
      // (aws-codepipeline-actions itself rejects a token approval timeout, so none is tried here.)
      return { stages: [{ ...staging, smokeTest: { ...staging.smokeTest, payloadKey: key } }, production] };
    })).not.toThrow();
  });
});
