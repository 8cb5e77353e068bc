"""The pure transformations of the example Spark scripts, without Spark: python3 -m unittest discover examples/spark"""
import unittest

from build_features import customer_features, split_of
from curate_events import curate_event, parse_line


class CurateEventTest(unittest.TestCase):
    def test_a_valid_purchase_is_curated_with_its_utc_date(self):
        row = curate_event({'customer_id': ' c-1 ', 'event_type': 'PURCHASE', 'timestamp': 1764633600, 'amount': '19.999'})
        self.assertEqual(row, {'customer_id': 'c-1', 'event_type': 'purchase', 'event_time': '2025-12-02 00:00:00',
                               'amount': 20.0, 'event_date': '2025-12-02'})

    def test_unusable_events_are_dropped(self):
        for bad in [{}, {'customer_id': 'c', 'event_type': 'teleport', 'timestamp': 1}, {'customer_id': 'c', 'event_type': 'login'},
                    {'customer_id': 'c', 'event_type': 'login', 'timestamp': 'yesterday'},
                    {'customer_id': 'c', 'event_type': 'purchase', 'timestamp': 1, 'amount': -5},
                    {'customer_id': 'c', 'event_type': 'purchase', 'timestamp': 1, 'amount': 'lots'}]:
            self.assertIsNone(curate_event(bad), bad)

    def test_parse_line_keeps_objects_only(self):
        self.assertEqual(parse_line('{"a": 1}'), {'a': 1})
        self.assertIsNone(parse_line('[1]'))
        self.assertIsNone(parse_line('not json'))


class FeaturesTest(unittest.TestCase):
    def test_features_count_a_customers_events(self):
        events = [
            {'event_type': 'login', 'amount': 0.0, 'event_date': '2025-12-01'},
            {'event_type': 'purchase', 'amount': 10.25, 'event_date': '2025-12-01'},
            {'event_type': 'purchase', 'amount': 4.5, 'event_date': '2025-12-02'},
            {'event_type': 'support_ticket', 'amount': 0.0, 'event_date': '2025-12-03'},
            {'event_type': 'cancel', 'amount': 0.0, 'event_date': '2025-12-03'},
        ]
        self.assertEqual(customer_features('c-1', events), {
            'customer_id': 'c-1', 'churned': 1, 'logins': 1, 'purchases': 2, 'spend': 14.75, 'tickets': 1, 'active_days': 3})

    def test_the_split_is_stable_and_near_its_share(self):
        ids = ['customer-%d' % i for i in range(5000)]
        self.assertEqual([split_of(i) for i in ids], [split_of(i) for i in ids])
        share = sum(1 for i in ids if split_of(i) == 'validation') / len(ids)
        self.assertTrue(0.18 < share < 0.22, share)


if __name__ == '__main__':
    unittest.main()
