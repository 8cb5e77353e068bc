import { VariantKind } from './variant';
import { hasInstanceStorage } from '../private/instance-catalog';
import { describe, isToken, problemText } from '../private/validation';

/** SageMaker's limit on production variants per endpoint (CreateEndpointConfig ProductionVariants, 1-10). */
export const MAX_VARIANTS = 10;

/** What the endpoint rules need to know of one variant; plain data, so that the rules are a pure function. */
export interface VariantFacts {
  readonly name: string;
  readonly kind: VariantKind;
  /** The relative weight (production variants). @default 1 */
  readonly weight?: number;
  /** The instance type, as resolved (the default type when none was written); undefined for serverless variants. */
  readonly instanceType?: string;
  /** Whether the user wrote the instance type. */
  readonly instanceTypeGiven: boolean;
  /** The volume size the user wrote, in GiB. */
  readonly volumeSizeGib?: number;
}

/** What the endpoint rules need to know of the endpoint. */
export interface EndpointFacts {
  readonly variants: VariantFacts[];
  readonly shadows: VariantFacts[];
  readonly captures: boolean;
  readonly volumeEncryptionKey: boolean;
}

/**
 * The rules AWS enforces across the variants of one endpoint (DESIGN.md, Serving), as messages
 * `<prop> must be <allowed>, got <value>`: 1-10 production variants, weights not all 0, a serverless variant alone and
 * without data capture, a shadow variant only beside exactly one instance-based production variant, no volume KMS key
 * and no volume size on instance types with local NVMe storage. Rules of one variant are checked when it is added.
 */
export function endpointRuleProblems(facts: EndpointFacts): string[] {
  const problems: string[] = [];
  const add = (prop: string, value: unknown, allowed: string) => problems.push(problemText(prop, value, allowed));
  const n = facts.variants.length;
  const names = facts.variants.map((v) => v.name);
  if (n === 0) {
    add('variants', [], 'at least one production variant (props.variants or addVariant())');
  }
  if (n > MAX_VARIANTS) {
    add('variants', names, `at most ${MAX_VARIANTS} production variants`);
  }
  const weights = facts.variants.map((v) => v.weight ?? 1);
  if (n > 0 && weights.every((w) => !isToken(w) && w === 0)) {
    add('variants weights', weights, 'not all 0: at least one variant must take traffic');
  }
  const serverless = facts.variants.filter((v) => v.kind === VariantKind.SERVERLESS);
  if (serverless.length > 0 && n > 1) {
    add('variants', names, `a single production variant when one is serverless ('${serverless[0].name}'): `
      + 'serverless endpoints support one production variant');
  }
  if (serverless.length > 0 && facts.captures) {
    add('dataCapture', 'a capture configuration', 'absent for a serverless endpoint: serverless endpoints do not support data capture');
  }
  if (facts.shadows.length > 0) {
    if (n !== 1) {
      add('shadowVariant', facts.shadows[0].name, `used with exactly one production variant, but there are ${n} (${describe(names)})`);
    }
    if (serverless.length > 0) {
      add('shadowVariant', facts.shadows[0].name, 'used with an instance-based production variant: shadow tests do not support serverless endpoints');
    }
  }
  const all = [...facts.variants, ...facts.shadows];
  const nvme = all.map((v) => v.instanceType).filter((t): t is string => t !== undefined && !isToken(t) && hasInstanceStorage(t));
  if (facts.volumeEncryptionKey && nvme.length > 0) {
    add('volumeEncryptionKey', nvme[0], 'absent when a variant uses an instance type with local NVMe storage, which SageMaker '
      + 'encrypts in hardware (AWS rejects a KmsKeyId then); remove volumeEncryptionKey or use an instance type without instance storage');
  }
  for (const v of all) {
    if (v.volumeSizeGib !== undefined && v.instanceTypeGiven && v.instanceType && !isToken(v.instanceType) && hasInstanceStorage(v.instanceType)) {
      add(`variant '${v.name}' volumeSize`, v.volumeSizeGib, `absent for ${v.instanceType}, which has local NVMe storage`);
    }
  }
  return problems;
}
