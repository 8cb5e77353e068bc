"""The Feature Store side of build_features.py, without Spark or AWS: python3 -m unittest discover examples/spark"""
import unittest

from build_features import event_time_of, feature_record, put_records


class ClientError(Exception):
    """The shape of botocore's ClientError that put_records reads: response['Error']['Code']."""

    def __init__(self, code):
        super().__init__(code)
        self.response = {'Error': {'Code': code}}


class FakeFeatureStore:
    """Answers put_record with the given errors first, then success; records what it was sent."""

    def __init__(self, errors=()):
        self.errors = list(errors)
        self.calls = []

    def put_record(self, **kwargs):
        self.calls.append(kwargs)
        if self.errors:
            raise ClientError(self.errors.pop(0))
        return {}


FEATURES = {'customer_id': 'c-1', 'churned': 1, 'logins': 3, 'purchases': 2, 'spend': 14.75, 'tickets': None, 'active_days': 3}


class FeatureRecordTest(unittest.TestCase):
    def test_a_customer_becomes_a_record_without_its_label_or_missing_values(self):
        self.assertEqual(feature_record(FEATURES, '2026-12-03T08:00:00Z'), [
            {'FeatureName': 'customer_id', 'ValueAsString': 'c-1'},
            {'FeatureName': 'logins', 'ValueAsString': '3'},
            {'FeatureName': 'purchases', 'ValueAsString': '2'},
            {'FeatureName': 'spend', 'ValueAsString': '14.75'},
            {'FeatureName': 'active_days', 'ValueAsString': '3'},
            {'FeatureName': 'event_time', 'ValueAsString': '2026-12-03T08:00:00Z'},
        ])

    def test_the_event_time_is_iso_8601_in_utc(self):
        self.assertEqual(event_time_of(1764748800), '2025-12-03T08:00:00Z')


class PutRecordsTest(unittest.TestCase):
    def test_each_record_is_put_into_the_group(self):
        store = FakeFeatureStore()
        records = [feature_record(FEATURES, 't'), feature_record(dict(FEATURES, customer_id='c-2'), 't')]
        self.assertEqual(put_records(store, 'churn-customers', records, sleep=lambda s: None), 2)
        self.assertEqual([(c['FeatureGroupName'], c['Record'][0]['ValueAsString']) for c in store.calls],
                         [('churn-customers', 'c-1'), ('churn-customers', 'c-2')])

    def test_throttling_is_retried_with_growing_waits(self):
        store, waits = FakeFeatureStore(['ThrottlingException', 'ServiceUnavailable']), []
        self.assertEqual(put_records(store, 'g', [feature_record(FEATURES, 't')], sleep=waits.append), 1)
        self.assertEqual((len(store.calls), waits), (3, [0.2, 0.4]))

    def test_it_gives_up_after_its_attempts_and_never_retries_a_bad_record(self):
        store = FakeFeatureStore(['ThrottlingException'] * 5)
        with self.assertRaises(ClientError):
            put_records(store, 'g', [feature_record(FEATURES, 't')], sleep=lambda s: None)
        self.assertEqual(len(store.calls), 5)
        bad = FakeFeatureStore(['ValidationError'])
        with self.assertRaises(ClientError):
            put_records(bad, 'g', [feature_record(FEATURES, 't')], sleep=lambda s: None)
        self.assertEqual(len(bad.calls), 1)


if __name__ == '__main__':
    unittest.main()
