"""Curated churn events -> per-customer training features (CSV), split into train/ and validation/ by customer.

The transformation is two pure functions, `customer_features` and `split_of` (plain Python), tested without Spark
(`python3 -m unittest discover examples/spark`). `main()` is the Glue job: it groups the curated events by customer, applies
`customer_features`, and writes `<output_path>train/` and `<output_path>validation/` for the training pipeline's channels.
It reads all curated events on every run (features are recomputed over the whole history), so it runs without bookmarks.
"""
import hashlib

VALIDATION_SHARE = 0.2


def customer_features(customer_id, events):
    """The features of one customer from their curated events; the label is whether they cancelled."""
    purchases = [e for e in events if e['event_type'] == 'purchase']
    return {
        'customer_id': customer_id,
        'churned': 1 if any(e['event_type'] == 'cancel' for e in events) else 0,
        'logins': sum(1 for e in events if e['event_type'] == 'login'),
        'purchases': len(purchases),
        'spend': round(sum(e['amount'] for e in purchases), 2),
        'tickets': sum(1 for e in events if e['event_type'] == 'support_ticket'),
        'active_days': len({e['event_date'] for e in events}),
    }


def split_of(customer_id):
    """'validation' for a stable VALIDATION_SHARE of customers (by a hash of the id), else 'train'."""
    bucket = int(hashlib.sha256(customer_id.encode('utf-8')).hexdigest()[:8], 16) / 0xFFFFFFFF
    return 'validation' if bucket < VALIDATION_SHARE else 'train'


COLUMNS = ['churned', 'logins', 'purchases', 'spend', 'tickets', 'active_days']


def main():  # pragma: no cover - runs on Glue only (needs awsglue and pyspark)
    import sys
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(sys.argv, ['JOB_NAME', 'input_path', 'output_path'])
    glue = GlueContext(SparkContext.getOrCreate())
    job = Job(glue)
    job.init(args['JOB_NAME'], args)
    spark = glue.spark_session
    events = spark.read.parquet(args['input_path'])
    by_customer = events.rdd.map(lambda r: (r['customer_id'], r.asDict())).groupByKey()
    features = by_customer.map(lambda kv: dict(customer_features(kv[0], list(kv[1])), split=split_of(kv[0])))
    frame = spark.createDataFrame(features)
    for split in ('train', 'validation'):
        (frame.filter(frame.split == split).select(*COLUMNS)
            .write.mode('overwrite').option('header', 'false').csv(args['output_path'] + split + '/'))
    job.commit()


if __name__ == '__main__':
    main()
