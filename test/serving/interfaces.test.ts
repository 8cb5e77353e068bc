import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { servingFixture } from './fixtures';
import { AbExperiment, DriftMonitor, EndpointDataCapture, FeatureType, IModelEndpoint, ModelEndpoint } from '../../lib';

// This file is compiled by the typecheck: an IModelEndpoint is an aws-cdk-lib sagemaker.IEndpoint, so it feeds
// apigateway.SagemakerIntegration and every other API that takes one.
describe('IModelEndpoint is a sagemaker.IEndpoint', () => {
  test('a ModelEndpoint feeds apigateway.SagemakerIntegration', () => {
    const f = servingFixture();
    const endpoint: IModelEndpoint = new ModelEndpoint(f.stack, 'Churn', { endpointName: 'churn', variants: [{ name: 'champion', model: f.champion }] });
    const asCdk: sagemaker.IEndpoint = endpoint;
    const api = new apigateway.RestApi(f.stack, 'Api');
    api.root.addMethod('POST', new apigateway.SagemakerIntegration(asCdk));
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: { Type: 'AWS', IntegrationHttpMethod: 'POST', Uri: 'arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/churn/invocations' },
    });
    expect(f.stack.resolve(asCdk.endpointRef.endpointArn)).toEqual(f.stack.resolve(endpoint.endpointArn));
  });

  test('an imported endpoint feeds it too, and grants invoke on its ARN only', () => {
    const f = servingFixture();
    const endpoint = ModelEndpoint.fromEndpointAttributes(f.stack, 'Imported', { endpointName: 'legacy', variantNames: ['a'] });
    new apigateway.RestApi(f.stack, 'Api').root.addMethod('POST', new apigateway.SagemakerIntegration(endpoint));
    const role = new iam.Role(f.stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantInvoke(role);
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: { Uri: 'arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/legacy/invocations' },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: f.stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: { Statement: [{ Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'], Effect: 'Allow',
        Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/legacy' }] },
    });
  });
});

describe('what consumers need is on the interface', () => {
  test('a ModelEndpoint says where it captures and whether it retains weights', () => {
    const f = servingFixture();
    const e = new ModelEndpoint(f.stack, 'Churn', { variants: [{ name: 'champion', model: f.champion }], dataCapture: { lake: f.lake }, retainWeightsOnDeploy: true });
    const i: IModelEndpoint = e;
    expect(i.retainsWeightsOnDeploy).toBe(true);
    expect(i.dataCapture?.zone).toBe(f.lake.zone('monitoring'));
    expect([i.dataCapture?.prefix, i.dataCapture?.samplingPercentage, i.dataCapture?.captureInput]).toEqual(['data-capture/', 10, true]);
  });

  test('captures go to the zone given as an ILakeZone', () => {
    const f = servingFixture();
    const e = new ModelEndpoint(f.stack, 'Churn', { variants: [{ name: 'champion', model: f.champion }], dataCapture: { zone: f.lake.zone('raw') } });
    expect(e.dataCapture?.zone).toBe(f.lake.zone('raw'));
    Template.fromStack(f.stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: { DestinationS3Uri: f.stack.resolve(f.lake.zone('raw').s3Uri('data-capture/')) },
    });
  });

  test('fails when data capture names neither lake nor zone', () => {
    const f = servingFixture();
    expect(() => new ModelEndpoint(f.stack, 'Churn', { variants: [{ name: 'champion', model: f.champion }], dataCapture: {} }))
      .toThrow('ModelEndpoint Serve/Churn: dataCapture needs lake (captures go to its monitoring zone) or zone, got neither');
  });

  test('an imported endpoint carries its capture and weights behaviour, and DriftMonitor and AbExperiment use them', () => {
    const f = servingFixture();
    const dataCapture: EndpointDataCapture = {
      zone: f.lake.zone('monitoring'), prefix: 'captures/', captureInput: true, captureOutput: true, samplingPercentage: 5,
    };
    const endpoint = ModelEndpoint.fromEndpointAttributes(f.stack, 'Imported', {
      endpointName: 'legacy', variantNames: ['champion', 'challenger'], dataCapture, retainsWeightsOnDeploy: false,
    });
    expect(endpoint.dataCapture).toBe(dataCapture);
    // Drift reads the capture from the interface: no dataCapture prop needed.
    expect(() => new DriftMonitor(f.stack, 'Drift', {
      endpoint, features: [{ name: 'tenure', kind: FeatureType.NUMERIC }], baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
    })).not.toThrow();
    new AbExperiment(f.stack, 'Exp', { endpoint, championVariant: 'champion', challengerVariant: 'challenger' });
    const warnings = f.stack.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(warnings.some((w) => w.includes('does not retain variant weights'))).toBe(true);
  });

  test('an imported endpoint of unknown weights behaviour gets no weights warning', () => {
    const f = servingFixture();
    const endpoint = ModelEndpoint.fromEndpointAttributes(f.stack, 'Imported', { endpointName: 'legacy', variantNames: ['champion', 'challenger'] });
    expect(endpoint.retainsWeightsOnDeploy).toBeUndefined();
    expect(endpoint.dataCapture).toBeUndefined();
    // Without data capture on the interface the experiment needs a zone for its state and reports.
    new AbExperiment(f.stack, 'Exp', { endpoint, championVariant: 'champion', challengerVariant: 'challenger', reportZone: f.lake.zone('monitoring') });
    const warnings = f.stack.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(warnings.some((w) => w.includes('does not retain variant weights'))).toBe(false);
  });
});
