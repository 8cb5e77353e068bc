/**
 * Sticky assignment of users to the variants of an experiment, for applications (and the inference API) that call
 * InvokeEndpoint with `TargetVariant` so that all requests of one user see one variant.
 *
 * A user's bucket is the 32-bit FNV-1a hash of the UTF-8 bytes of the user id, modulo 10,000. The challenger takes the
 * lowest buckets, `[0, 10000 x challenger share)`, and the champion the rest: when the experiment shifts traffic toward
 * the challenger, only champion users move to the challenger, never back; a rollback moves every user to the champion.
 * The shares come from the endpoint's current weights (DescribeEndpoint `ProductionVariants[].CurrentWeight`), which
 * the experiment sets.
 */

/** The number of buckets users are hashed into: shares are honoured to 0.01%. */
const BUCKETS = 10_000;

/** Which variant serves a user. */
export class VariantAssignment {
  /** The number of buckets (10,000). */
  public static readonly BUCKET_COUNT = BUCKETS;

  /** The 32-bit FNV-1a hash of the UTF-8 bytes of `text` (http://www.isthe.com/chongo/tech/comp/fnv/), unsigned. */
  public static fnv1a(text: string): number {
    let hash = 0x811c9dc5;
    for (const byte of Buffer.from(text, 'utf-8')) {
      hash ^= byte;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }

  /** The bucket of a user, in [0, 10000). */
  public static bucketOf(userId: string): number {
    return VariantAssignment.fnv1a(userId) % BUCKETS;
  }

  /**
   * The variant of a user: the challenger when the user's bucket is below 10,000 x challengerWeight / (championWeight +
   * challengerWeight), else the champion. Weights are the variants' current weights (>= 0, not both 0).
   */
  public static variantFor(userId: string, championVariant: string, championWeight: number, challengerVariant: string,
    challengerWeight: number): string {
    const total = championWeight + challengerWeight;
    if (!(championWeight >= 0 && challengerWeight >= 0 && total > 0)) {
      throw new Error(`VariantAssignment needs weights >= 0 that are not both 0, got ${championWeight} and ${challengerWeight}`);
    }
    return VariantAssignment.bucketOf(userId) < Math.round((BUCKETS * challengerWeight) / total) ? challengerVariant : championVariant;
  }

  private constructor() {}
}
