"""Curated churn events -> per-customer training features (CSV), split into train/ and validation/ by customer.

The transformation is two pure functions, `customer_features` and `split_of` (plain Python), tested without Spark
(`python3 -m unittest discover examples/spark`). `main()` is the Glue job: it groups the curated events by customer, applies
`customer_features`, and writes `<output_path>train/` and `<output_path>validation/` for the training pipeline's channels.
It reads all curated events on every run (features are recomputed over the whole history), so it runs without bookmarks.

With `--feature_group_name`, it also writes each customer's features to that SageMaker Feature Store feature group
(`PutRecord`, from the executors, one client per partition: `foreachPartition`), stamped with the run's start time as the
event time, so that inference reads the same features from the online store and training from the offline store. The
mapping (`feature_record`) and the retries (`put_records`) are pure functions, tested with a fake client. A retried Spark
task puts the same records again, which is harmless: a record with the same identifier and an event time equal to or
later than the stored one overwrites it.
"""
import hashlib
import time

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

# The features served at inference: every column but the label, and the record identifier.
FEATURE_STORE_FEATURES = ['customer_id', 'logins', 'purchases', 'spend', 'tickets', 'active_days']
EVENT_TIME_FEATURE = 'event_time'
# Errors of PutRecord worth retrying (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_feature_store_PutRecord.html).
RETRYABLE = {'ThrottlingException', 'ServiceUnavailable', 'InternalFailure'}


def event_time_of(epoch_seconds):
    """An event time as Feature Store reads a String one: ISO-8601 `yyyy-MM-dd'T'HH:mm:ssZ`, in UTC."""
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch_seconds))


def feature_record(features, event_time):
    """The Feature Store record of one customer's features: every value as a string, missing values left out."""
    record = [{'FeatureName': name, 'ValueAsString': str(features[name])}
              for name in FEATURE_STORE_FEATURES if features.get(name) is not None]
    record.append({'FeatureName': EVENT_TIME_FEATURE, 'ValueAsString': event_time})
    return record


def put_records(client, group_name, records, max_attempts=5, sleep=time.sleep):
    """PutRecord for each record, retrying throttling and transient errors with exponential backoff; returns how many it put."""
    put = 0
    for record in records:
        for attempt in range(1, max_attempts + 1):
            try:
                client.put_record(FeatureGroupName=group_name, Record=record)
                put += 1
                break
            except Exception as error:  # botocore's ClientError, without importing botocore here
                code = getattr(error, 'response', {}).get('Error', {}).get('Code')
                if code not in RETRYABLE or attempt == max_attempts:
                    raise
                sleep(min(0.1 * 2 ** attempt, 5.0))
    return put


def put_partition(rows, group_name, event_time):  # pragma: no cover - runs on the Glue executors (needs boto3 and the network)
    """Puts one Spark partition of feature rows, with one Feature Store runtime client for the partition."""
    import boto3
    client = boto3.client('sagemaker-featurestore-runtime')
    put_records(client, group_name, (feature_record(row.asDict(), event_time) for row in rows))


def main():  # pragma: no cover - runs on Glue only (needs awsglue and pyspark)
    import sys
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    names = ['JOB_NAME', 'input_path', 'output_path'] + (['feature_group_name'] if '--feature_group_name' in sys.argv else [])
    args = getResolvedOptions(sys.argv, names)
    event_time = event_time_of(time.time())
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
    if 'feature_group_name' in args:
        group = args['feature_group_name']
        frame.select(*FEATURE_STORE_FEATURES).foreachPartition(lambda rows: put_partition(rows, group, event_time))
    job.commit()


if __name__ == '__main__':
    main()
