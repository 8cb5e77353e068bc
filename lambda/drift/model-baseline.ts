/**
 * A baseline that follows the model: each variant is compared with the profile of the model it serves now, written
 * next to that model's artifacts (`<model data folder>/<profileName>`, e.g. by the baseline-profile handler invoked
 * with the model's `modelDataUrl` when the model is registered). A variant whose model has no such profile is compared
 * with the monitor's own baseline.
 *
 * The deployed model of a variant: DescribeEndpoint (the configuration in service,
 * docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpoint.html), DescribeEndpointConfig (each production
 * and shadow variant's ModelName, .../API_DescribeEndpointConfig.html), DescribeModel (its container's ModelDataUrl or
 * ModelDataSource.S3DataSource.S3Uri, .../API_DescribeModel.html).
 */
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';

export { DEFAULT_PROFILE_NAME, profileNextTo } from '../shared/model-profile';
export type { ProfileLocation } from '../shared/model-profile';

export const sagemaker = new SageMakerClient({ maxAttempts: 5 });

/** The S3 location of a DescribeModel answer's artifacts: the primary container's, else the first container's. */
export function modelDataUrlOf(model: { PrimaryContainer?: Container; Containers?: Container[] }): string | undefined {
  const c = model.PrimaryContainer ?? model.Containers?.[0];
  return c?.ModelDataUrl ?? c?.ModelDataSource?.S3DataSource?.S3Uri;
}

interface Container {
  readonly ModelDataUrl?: string;
  readonly ModelDataSource?: { readonly S3DataSource?: { readonly S3Uri?: string } };
}

/** What the endpoint serves now, per variant: its model's name and artifacts. */
export interface DeployedModel {
  readonly variantName: string;
  readonly modelName: string;
  readonly modelDataUrl?: string;
}

/** The deployed model of every production and shadow variant of an endpoint. */
export async function deployedModels(endpointName: string): Promise<DeployedModel[]> {
  const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  const config = await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }));
  const variants = [...config.ProductionVariants ?? [], ...config.ShadowProductionVariants ?? []];
  const out: DeployedModel[] = [];
  const urls = new Map<string, string | undefined>();
  for (const v of variants) {
    if (!v.VariantName || !v.ModelName) continue;
    if (!urls.has(v.ModelName)) {
      urls.set(v.ModelName, modelDataUrlOf(await sagemaker.send(new DescribeModelCommand({ ModelName: v.ModelName }))));
    }
    out.push({ variantName: v.VariantName, modelName: v.ModelName, modelDataUrl: urls.get(v.ModelName) });
  }
  return out;
}
