import { VariantKind } from '../../lib';
import { EndpointFacts, MAX_VARIANTS, VariantFacts, endpointRuleProblems } from '../../lib/serving/private-endpoint-rules';

// The rules across variants are a pure function: these tests need no stack.
const instance = (name: string, o: Partial<VariantFacts> = {}): VariantFacts => ({
  name, kind: VariantKind.INSTANCE, instanceType: 'ml.m5.large', instanceTypeGiven: false, ...o,
});
const serverless = (name: string): VariantFacts => ({ name, kind: VariantKind.SERVERLESS, instanceTypeGiven: false });
const endpoint = (o: Partial<EndpointFacts>): EndpointFacts => ({ variants: [], shadows: [], captures: false, volumeEncryptionKey: false, ...o });
const problems = (o: Partial<EndpointFacts>) => endpointRuleProblems(endpoint(o));

describe('endpoint rules', () => {
  test('one instance variant is fine', () => {
    expect(problems({ variants: [instance('a')] })).toEqual([]);
  });

  test('needs at least one production variant', () => {
    expect(problems({})).toEqual(['variants must be at least one production variant (props.variants or addVariant()), got []']);
  });

  test('allows 10 production variants and not 11', () => {
    const names = Array.from({ length: MAX_VARIANTS + 1 }, (_, i) => `v${i}`);
    expect(problems({ variants: names.slice(0, MAX_VARIANTS).map((n) => instance(n)) })).toEqual([]);
    expect(problems({ variants: names.map((n) => instance(n)) }))
      .toEqual([`variants must be at most 10 production variants, got [${names.map((n) => `'${n}'`).join(', ')}]`]);
  });

  test('weights may not all be 0, but some may', () => {
    expect(problems({ variants: [instance('a', { weight: 0 }), instance('b', { weight: 0 })] }))
      .toEqual(['variants weights must be not all 0: at least one variant must take traffic, got [0, 0]']);
    expect(problems({ variants: [instance('a', { weight: 0 }), instance('b', { weight: 1 })] })).toEqual([]);
  });

  test('a serverless variant stands alone and captures nothing', () => {
    expect(problems({ variants: [serverless('s')] })).toEqual([]);
    expect(problems({ variants: [serverless('s'), instance('a')] })).toEqual([
      "variants must be a single production variant when one is serverless ('s'): serverless endpoints support one production variant, got ['s', 'a']",
    ]);
    expect(problems({ variants: [serverless('s')], captures: true })).toEqual([
      "dataCapture must be absent for a serverless endpoint: serverless endpoints do not support data capture, got 'a capture configuration'",
    ]);
  });

  test('a shadow variant needs exactly one instance-based production variant', () => {
    expect(problems({ variants: [instance('a')], shadows: [instance('sh')] })).toEqual([]);
    expect(problems({ variants: [instance('a'), instance('b')], shadows: [instance('sh')] }))
      .toEqual(["shadowVariant must be used with exactly one production variant, but there are 2 (['a', 'b']), got 'sh'"]);
    expect(problems({ variants: [serverless('s')], shadows: [instance('sh')] }))
      .toEqual(["shadowVariant must be used with an instance-based production variant: shadow tests do not support serverless endpoints, got 'sh'"]);
  });

  test('no volume key with a local-NVMe type, on a production or a shadow variant', () => {
    expect(problems({ variants: [instance('a', { instanceType: 'ml.g5.xlarge' })], volumeEncryptionKey: true }))
      .toEqual([expect.stringMatching(/^volumeEncryptionKey must be absent when a variant uses an instance type with local NVMe storage.*got 'ml.g5.xlarge'$/)]);
    expect(problems({ variants: [instance('a')], shadows: [instance('sh', { instanceType: 'ml.g5.xlarge' })], volumeEncryptionKey: true }))
      .toHaveLength(1);
    expect(problems({ variants: [instance('a', { instanceType: 'ml.m5.large' })], volumeEncryptionKey: true })).toEqual([]);
    expect(problems({ variants: [serverless('s')], volumeEncryptionKey: true })).toEqual([]);
  });

  test('no volume size on a local-NVMe type the user named', () => {
    expect(problems({ variants: [instance('a', { instanceType: 'ml.g5.xlarge', instanceTypeGiven: true, volumeSizeGib: 100 })] }))
      .toEqual(["variant 'a' volumeSize must be absent for ml.g5.xlarge, which has local NVMe storage, got 100"]);
    expect(problems({ variants: [instance('a', { instanceType: 'ml.m5.large', instanceTypeGiven: true, volumeSizeGib: 100 })] })).toEqual([]);
  });

  test('reports every broken rule at once', () => {
    expect(problems({ variants: [serverless('s'), instance('a', { weight: 0 })], captures: true })).toHaveLength(2);
  });
});
