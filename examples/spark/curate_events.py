"""Raw churn events (JSON lines from the StreamIngestion) -> curated Parquet, partitioned by event date.

The transformation is the pure function `curate_event` (plain Python on one record): it is tested without Spark
(`python3 -m unittest discover examples/spark`). `main()` is the Glue job: it reads the new raw objects since the last run
(job bookmarks: every source and sink has a transformation_ctx, and the job commits), applies `curate_event` to each record, and
writes Parquet under --output_path, adding the new partitions to --output_table.
"""
import json
from datetime import datetime, timezone

EVENT_TYPES = ('login', 'purchase', 'support_ticket', 'cancel')


def curate_event(record):
    """One raw event as a curated row, or None when it cannot be used (missing ids, unknown type, bad time or amount)."""
    customer = str(record.get('customer_id') or '').strip()
    event_type = str(record.get('event_type') or '').strip().lower()
    if not customer or event_type not in EVENT_TYPES:
        return None
    try:
        at = datetime.fromtimestamp(float(record['timestamp']), tz=timezone.utc)
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    amount = record.get('amount', 0) or 0
    try:
        amount = round(float(amount), 2)
    except (TypeError, ValueError):
        return None
    if amount < 0:
        return None
    return {
        'customer_id': customer,
        'event_type': event_type,
        'event_time': at.strftime('%Y-%m-%d %H:%M:%S'),
        'amount': amount,
        'event_date': at.strftime('%Y-%m-%d'),
    }


def parse_line(line):
    """A JSON line as a dict, or None."""
    try:
        value = json.loads(line)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def main():  # pragma: no cover - runs on Glue only (needs awsglue and pyspark)
    import sys
    from awsglue.context import GlueContext
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(sys.argv, ['JOB_NAME', 'input_path', 'output_path', 'database_name', 'output_table'])
    glue = GlueContext(SparkContext.getOrCreate())
    job = Job(glue)
    job.init(args['JOB_NAME'], args)
    raw = glue.create_dynamic_frame.from_options(
        connection_type='s3', format='json',
        connection_options={'paths': [args['input_path']], 'recurse': True},
        transformation_ctx='raw_events')
    rows = raw.toDF().rdd.map(lambda r: curate_event(r.asDict(recursive=True))).filter(lambda r: r is not None)
    if not rows.isEmpty():
        frame = DynamicFrame.fromDF(glue.spark_session.createDataFrame(rows), glue, 'curated')
        sink = glue.getSink(
            connection_type='s3', path=args['output_path'], enableUpdateCatalog=True, updateBehavior='LOG',
            partitionKeys=['event_date'], transformation_ctx='curated_sink')
        sink.setFormat('glueparquet')
        sink.setCatalogInfo(catalogDatabase=args['database_name'], catalogTableName=args['output_table'])
        sink.writeFrame(frame)
    job.commit()


if __name__ == '__main__':
    main()
