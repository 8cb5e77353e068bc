import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmSeverity, AlertTopics, EndpointAlarms, EndpointDashboard, ModelEndpoint, TrainingPipelineAlarms } from '../../lib';
import { fixture, pipeline } from '../training/fixtures';
import { TEST_ENV, testApp } from '../util';

describe('TrainingPipelineAlarms', () => {
  test('alarms on failed and timed-out executions, routed to the warning topic on alarm and recovery', () => {
    const f = fixture();
    const p = pipeline(f);
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new TrainingPipelineAlarms(f.stack, 'TrainingAlarms', { pipeline: p, alerts });
    const template = Template.fromStack(f.stack);
    const warning = f.stack.resolve((alerts.warningTopic as sns.Topic).topicArn);
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metricName,
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [warning],
        OKActions: [warning],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('-training-failed$') });
  });

  test('routes to the critical topic when asked', () => {
    const f = fixture();
    const alerts = new AlertTopics(f.stack, 'Alerts');
    new TrainingPipelineAlarms(f.stack, 'TrainingAlarms', { pipeline: pipeline(f), alerts, severity: AlarmSeverity.CRITICAL });
    Template.fromStack(f.stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed', AlarmActions: [f.stack.resolve((alerts.criticalTopic as sns.Topic).topicArn)],
    });
  });
});

describe('EndpointDashboard', () => {
  function dashboardBody(withTraining: boolean): string {
    const f = fixture();
    const endpoint = ModelEndpoint.fromEndpointAttributes(f.stack, 'Endpoint', {
      endpointName: 'churn', variantNames: ['champion', 'challenger'], variantInstanceTypes: { champion: 'ml.g5.xlarge' },
    });
    const alarms = new EndpointAlarms(f.stack, 'Alarms', { endpoint });
    const dashboard = new EndpointDashboard(f.stack, 'Dashboard', { endpoint, alarms });
    if (withTraining) {
      const p = pipeline(f);
      dashboard.addTrainingPipeline(p, new TrainingPipelineAlarms(f.stack, 'TrainingAlarms', { pipeline: p }));
    }
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'churn-endpoint' });
    return JSON.stringify(f.stack.resolve(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody));
  }

  test('shows per-variant invocations, latency percentiles, error rates, utilization and alarm status', () => {
    const body = dashboardBody(false);
    for (const part of ['Invocations', 'Invocation5XXErrors', 'Invocation4XXErrors', 'ModelLatency', 'OverheadLatency',
      'CPUUtilization', 'MemoryUtilization', 'DiskUtilization', 'GPUUtilization', 'GPUMemoryUtilization', 'p50', 'p90', 'p99',
      'champion', 'challenger', 'AlarmsHealth']) {
      expect(body).toContain(part);
    }
  });

  test('gains training widgets when a pipeline is attached', () => {
    const body = dashboardBody(true);
    expect(body).toContain('ExecutionsSucceeded');
    expect(body).toContain('Training alarms');
  });
});

describe('monitoring snapshots', () => {
  test('minimal', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    new EndpointAlarms(stack, 'Alarms', { endpoint: ModelEndpoint.fromEndpointName(stack, 'Endpoint', 'churn', ['champion']) });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('full', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    const endpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', {
      endpointName: 'churn', variantNames: ['champion', 'challenger'], variantInstanceTypes: { champion: 'ml.g5.xlarge', challenger: 'ml.m5.large' },
    });
    const alerts = new AlertTopics(stack, 'Alerts', { criticalEmails: ['oncall@example.com'] });
    const alarms = new EndpointAlarms(stack, 'Alarms', { endpoint, alerts });
    new EndpointDashboard(stack, 'Dashboard', { endpoint, alarms });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
