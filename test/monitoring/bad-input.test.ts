import { Duration, Stack } from 'aws-cdk-lib';
import { AlarmSeverity, AlertTopics, EndpointAlarmKind, EndpointAlarms, EndpointAlarmsProps, EndpointDashboard, EndpointDashboardProps, ModelEndpoint } from '../../lib';
import { TEST_ENV, testApp } from '../util';

// Bad input to the monitoring constructs, each rejected at synth with the construct path, the property the user wrote, the
// bad value and what is allowed; values a JavaScript user can pass where TypeScript would refuse them included (`as any`).
// CloudWatch's rules: PutMetricAlarm (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html:
// Period 10, 30 or a multiple of 60 s, period x EvaluationPeriods <= 1 day, DatapointsToAlarm <= EvaluationPeriods, AlarmName
// 1-255 characters); dashboard metric periods 1, 5, 10, 30 or multiples of 60 s and names of A-Z a-z 0-9 - _
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html, API_PutDashboard.html).

function endpointIn(stack: Stack) {
  return ModelEndpoint.fromEndpointAttributes(stack, 'Endpoint', {
    endpointName: 'churn',
    variantNames: ['champion', 'challenger', 'burst'],
    serverlessVariantNames: ['burst'],
    variantInstanceTypes: { champion: 'ml.m5.large', challenger: 'ml.g5.xlarge' },
  });
}

function alarms(props: Partial<EndpointAlarmsProps> | any) {
  const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
  new EndpointAlarms(stack, 'Alarms', { endpoint: endpointIn(stack), variantNames: ['champion', 'challenger'], ...props });
}

function dashboard(props: Partial<EndpointDashboardProps> | any) {
  const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
  new EndpointDashboard(stack, 'Dashboard', { endpoint: endpointIn(stack), ...props });
}

const A = 'EndpointAlarms Mon/Alarms: ';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ALARM_CASES: Array<[string, any, string]> = [
  ['a 5XX rate threshold of 0', { errorRate5xx: { thresholdPercent: 0 } }, 'errorRate5xx.thresholdPercent must be a percentage in (0, 100], got 0'],
  ['a 5XX rate threshold above 100%', { errorRate5xx: { thresholdPercent: 100.5 } }, 'errorRate5xx.thresholdPercent must be a percentage in (0, 100], got 100.5'],
  ['a rate threshold given as a string (JS)', { errorRate4xx: { thresholdPercent: '5' } }, 'errorRate4xx.thresholdPercent must be a percentage in (0, 100], got \'5\''],
  ['a rate threshold of NaN', { errorRate5xx: { thresholdPercent: NaN } }, 'errorRate5xx.thresholdPercent must be a percentage in (0, 100], got NaN'],
  ['a model latency threshold of 0', { modelLatency: { threshold: Duration.millis(0) } }, 'modelLatency.threshold must be a latency above 0 ms, got 0 millis'],
  ['an overhead latency threshold given as a number (JS)', { overheadLatency: { threshold: 250 } },
    'overheadLatency.threshold must be a Duration above 0 ms, e.g. Duration.millis(250), got 250'],
  ['a latency period CloudWatch refuses', { modelLatency: { period: Duration.seconds(45) } },
    'modelLatency.period must be 10 seconds, 30 seconds or a whole number of minutes, got 45 seconds'],
  ['a period given as a number (JS)', { errorRate5xx: { period: 60 } },
    'errorRate5xx.period must be a Duration of 10 seconds, 30 seconds or a whole number of minutes, e.g. Duration.minutes(5), got 60'],
  ['a CPU threshold above 100%', { cpuUtilization: { thresholdPercent: 101 } }, 'cpuUtilization.thresholdPercent must be a percentage in (0, 100], got 101'],
  ['a negative memory threshold', { memoryUtilization: { thresholdPercent: -1 } }, 'memoryUtilization.thresholdPercent must be a percentage in (0, 100], got -1'],
  ['a disk threshold of 0', { diskUtilization: { thresholdPercent: 0 } }, 'diskUtilization.thresholdPercent must be a percentage in (0, 100], got 0'],
  ['0 evaluation periods', { diskUtilization: { evaluationPeriods: 0 } }, 'diskUtilization.evaluationPeriods must be a whole number >= 1, got 0'],
  ['evaluation periods given as a string (JS)', { diskUtilization: { evaluationPeriods: '3' } }, 'diskUtilization.evaluationPeriods must be a whole number >= 1, got \'3\''],
  ['fractional evaluation periods', { errorRate4xx: { evaluationPeriods: 2.5 } }, 'errorRate4xx.evaluationPeriods must be a whole number >= 1, got 2.5'],
  ['datapoints to alarm above the evaluation periods', { noTraffic: { datapointsToAlarm: 2 } },
    'noTraffic.datapointsToAlarm must be a whole number from 1 to evaluationPeriods (1), got 2'],
  ['fractional datapoints to alarm', { errorRate5xx: { datapointsToAlarm: 1.5 } },
    'errorRate5xx.datapointsToAlarm must be a whole number from 1 to evaluationPeriods (5), got 1.5'],
  ['0 datapoints to alarm', { errorRate5xx: { datapointsToAlarm: 0 } },
    'errorRate5xx.datapointsToAlarm must be a whole number from 1 to evaluationPeriods (5), got 0'],
  // PutMetricAlarm: Period x EvaluationPeriods at most 7 days for periods of an hour or more, 1 day below an hour (#23 item 9).
  ['an evaluation window over seven days with hourly periods', { cpuUtilization: { period: Duration.hours(1), evaluationPeriods: 169, datapointsToAlarm: 3 } },
    'cpuUtilization: period x evaluationPeriods must be at most 7 days (604,800 s) (CloudWatch\'s limit), got 3600 s x 169'],
  ['an evaluation window over one day with 5-minute periods', { cpuUtilization: { period: Duration.minutes(5), evaluationPeriods: 289, datapointsToAlarm: 3 } },
    'cpuUtilization: period x evaluationPeriods must be at most 1 day for a period under 1 hour (CloudWatch\'s limit), got 300 s x 289'],
  ['a severity that does not exist (JS)', { errorRate5xx: { severity: 'PAGE' } }, 'errorRate5xx.severity must be an AlarmSeverity (\'WARNING\', \'CRITICAL\'), got \'PAGE\''],
  ['enabled given as a string (JS)', { errorRate5xx: { enabled: 'no' } }, 'errorRate5xx.enabled must be true or false, got \'no\''],
  ['a GPU alarm on a CPU instance type', { gpuUtilization: { enabled: true } },
    'gpuUtilization is enabled, but variant \'champion\' runs on ml.m5.large, which has no GPU (SageMaker publishes no GPU metric for it); allowed: leave it unset, or list only GPU variants in variantNames'],
  ['a GPU memory alarm on a CPU instance type', { gpuMemoryUtilization: { thresholdPercent: 80 } },
    'gpuMemoryUtilization is enabled, but variant \'champion\' runs on ml.m5.large, which has no GPU'],
  ['a CPU alarm on a serverless variant', { variantNames: ['burst'], cpuUtilization: { thresholdPercent: 80 } },
    'cpuUtilization is enabled, but variant \'burst\' is serverless and SageMaker publishes no such metric for it'],
  ['serverless concurrency on an instance variant', { serverlessConcurrency: { enabled: true } },
    'serverlessConcurrency is enabled, but variant \'champion\' runs on instances'],
  ['a watched variant the endpoint does not have', { variantNames: ['champion', 'ghost'] },
    'variantNames must be among the endpoint\'s variants [\'champion\', \'challenger\', \'burst\'], got [\'ghost\']'],
  ['variant names given as a string (JS)', { variantNames: 'champion' }, 'variantNames must be a list of variant names, got \'champion\''],
  ['a variant name that is not a string (JS)', { variantNames: ['champion', 7] }, 'variantNames must be a list of variant names (strings), got [\'champion\', 7]'],
  ['an alarm kind that does not exist', { alarms: [EndpointAlarmKind.CPU, 'latency'] }, 'alarms[1] must be an EndpointAlarmKind: one of \'5xx-rate\''],
  ['alarm kinds not in a list (JS)', { alarms: 'cpu' }, 'alarms must be a list of EndpointAlarmKind values (\'5xx-rate\''],
  ['perVariant given as a string (JS)', { perVariant: 'yes' }, 'perVariant must be true or false, got \'yes\''],
  ['an alarm name prefix with a space', { alarmNamePrefix: 'churn prod' }, 'alarmNamePrefix must be a non-empty string of letters, digits and _ . : / -, got \'churn prod\''],
  ['an alarm name prefix that makes names too long for CloudWatch', { alarmNamePrefix: 'p'.repeat(200) },
    'alarmNamePrefix must be a prefix that keeps alarm names within 215 characters (CloudWatch\'s limit;'],
];

describe('EndpointAlarms rejects bad input at synth', () => {
  test.each(ALARM_CASES)('fails on %s', (_what, props, message) => {
    expect(() => alarms(props)).toThrow(new RegExp(`^${esc(A)}(.*\\n\\s+- )?${esc(message)}`, 'm'));
  });

  test('fails without an endpoint (JS), naming the construct', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    expect(() => new EndpointAlarms(stack, 'Alarms', {} as any)).toThrow(/^EndpointAlarms Mon\/Alarms: endpoint must be an IModelEndpoint .*got undefined/);
  });

  test('the boundaries pass: 100%, a 1 ms latency, 24 hours of hourly periods, datapoints = evaluation periods, a GPU alarm on the GPU variant only', () => {
    expect(() => alarms({
      errorRate5xx: { thresholdPercent: 100, datapointsToAlarm: 5 }, errorRate4xx: { severity: AlarmSeverity.CRITICAL },
      modelLatency: { threshold: Duration.millis(1) },
      cpuUtilization: { period: Duration.hours(1), evaluationPeriods: 24, datapointsToAlarm: 3 },
    })).not.toThrow();
    expect(() => alarms({ variantNames: ['challenger'], gpuUtilization: { enabled: true } })).not.toThrow();
    expect(() => alarms({ alarmNamePrefix: 'p'.repeat(150) })).not.toThrow();
  });
});

const D = 'EndpointDashboard Mon/Dashboard: ';
const DASHBOARD_CASES: Array<[string, any, string]> = [
  ['a period CloudWatch refuses', { period: Duration.seconds(45) }, 'period must be 1, 5, 10 or 30 seconds, or a whole number of minutes, e.g. Duration.minutes(5), got 45 seconds'],
  ['a period of 90 seconds', { period: Duration.seconds(90) }, 'period must be 1, 5, 10 or 30 seconds, or a whole number of minutes, e.g. Duration.minutes(5), got 1 minute 30 seconds'],
  ['a period given as a number (JS)', { period: 60 }, 'period must be a Duration of 1, 5, 10 or 30 seconds, or a whole number of minutes, e.g. Duration.minutes(5), got 60'],
  ['a dashboard name with a space', { dashboardName: 'churn dashboard' }, 'dashboardName must be a name of 1 to 255 characters of A-Z, a-z, 0-9, - and _, got \'churn dashboard\''],
  ['a dashboard name of 256 characters', { dashboardName: 'd'.repeat(256) }, 'dashboardName must be a name of 1 to 255 characters of A-Z, a-z, 0-9, - and _'],
];

describe('EndpointDashboard rejects bad input at synth, with its own construct path', () => {
  test.each(DASHBOARD_CASES)('fails on %s', (_what, props, message) => {
    expect(() => dashboard(props)).toThrow(new RegExp(`^${esc(D)}${esc(message)}`));
  });

  test('fails without an endpoint (JS)', () => {
    const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
    expect(() => new EndpointDashboard(stack, 'Dashboard', {} as any)).toThrow(/^EndpointDashboard Mon\/Dashboard: endpoint must be an IModelEndpoint .*got undefined/);
  });

  test('the boundaries pass: 1 s, 10 s, 1 minute, 1 hour; a name of 255 characters', () => {
    for (const period of [Duration.seconds(1), Duration.seconds(10), Duration.minutes(1), Duration.hours(1)]) {
      expect(() => dashboard({ period })).not.toThrow();
    }
    expect(() => dashboard({ dashboardName: 'd'.repeat(255) })).not.toThrow();
  });
});

describe('AlertTopics rejects bad input at synth', () => {
  const topics = (props: any) => new AlertTopics(new Stack(testApp(), 'Mon', { env: TEST_ENV }), 'Alerts', props);

  test('fails on an address that is not an e-mail address', () => {
    expect(() => topics({ criticalEmails: ['oncall@example.com', 'oncall'] }))
      .toThrow(/^AlertTopics Mon\/Alerts: criticalEmails\[1\] must be an e-mail address such as oncall@example.com, got 'oncall'/);
  });

  test('fails on e-mail addresses given as a string, not a list (JS)', () => {
    expect(() => topics({ warningEmails: 'team@example.com' }))
      .toThrow(/^AlertTopics Mon\/Alerts: warningEmails must be a list of e-mail addresses, got 'team@example.com'/);
  });

  test('fails on an address that is not a string (JS)', () => {
    expect(() => topics({ warningEmails: [42] })).toThrow(/^AlertTopics Mon\/Alerts: warningEmails\[0\] must be an e-mail address such as oncall@example.com, got 42/);
  });
});
