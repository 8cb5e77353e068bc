import { Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { fixture, pipeline } from './fixtures';
import { ITrainingPipeline, TrainingPipeline } from '../../lib/training';
import { TEST_ENV, testApp } from '../util';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:churn-training';

describe('TrainingPipeline.fromStateMachineArn', () => {
  test('an imported pipeline has the state machine, its name, metrics and grants', () => {
    const stack = new Stack(testApp(), 'Other', { env: TEST_ENV });
    const imported: ITrainingPipeline = TrainingPipeline.fromStateMachineArn(stack, 'Churn', ARN);
    expect(imported.stateMachineArn).toBe(ARN);
    expect(imported.stateMachine.stateMachineArn).toBe(ARN);
    expect(imported.pipelineName).toBe('churn-training');
    for (const [metric, name] of [
      [imported.metricFailed(), 'ExecutionsFailed'], [imported.metricTimedOut(), 'ExecutionsTimedOut'],
      [imported.metricAborted(), 'ExecutionsAborted'], [imported.metricSucceeded(), 'ExecutionsSucceeded'],
    ] as const) {
      expect(metric.namespace).toBe('AWS/States');
      expect(metric.metricName).toBe(name);
      expect(metric.dimensions).toEqual({ StateMachineArn: ARN });
    }
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantStartExecution(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: ARN }] },
    });
  });

  test('a TrainingPipeline is an ITrainingPipeline named by its job-name prefix', () => {
    const f = fixture();
    const p: ITrainingPipeline = pipeline(f, { jobNamePrefix: 'churn' });
    expect(p.pipelineName).toBe('churn');
    expect(f.stack.resolve(p.stateMachineArn)).toEqual({ Ref: expect.stringMatching(/^ChurnStateMachine/) });
    expect(p.metricAborted().metricName).toBe('ExecutionsAborted');
  });

  test('a token ARN is passed through', () => {
    const stack = new Stack(testApp(), 'Other', { env: TEST_ENV });
    const imported = TrainingPipeline.fromStateMachineArn(stack, 'Churn', Fn.importValue('ChurnStateMachineArn'));
    expect(stack.resolve(imported.stateMachineArn)).toEqual({ 'Fn::ImportValue': 'ChurnStateMachineArn' });
  });

  test('fails when the ARN is not a state machine\'s', () => {
    const stack = new Stack(testApp(), 'Other', { env: TEST_ENV });
    expect(() => TrainingPipeline.fromStateMachineArn(stack, 'Churn', 'arn:aws:lambda:us-east-1:123456789012:function:churn'))
      .toThrow(/TrainingPipeline.fromStateMachineArn Other\/Churn: stateMachineArn must be the ARN of a state machine, .*got 'arn:aws:lambda:us-east-1:123456789012:function:churn'/);
    // From JavaScript, a missing ARN gets the same clear error.
    expect(() => TrainingPipeline.fromStateMachineArn(stack, 'Missing', undefined as any))
      .toThrow(/TrainingPipeline.fromStateMachineArn Other\/Missing: stateMachineArn must be the ARN of a state machine, .*got undefined/);
  });
});
