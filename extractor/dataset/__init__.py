"""From per-article records to a dataset: events across articles, tidy exports, the review page.

* `rules` loads the grouping thresholds (``data/events.yaml``); `mentions` turns meeting records into
  comparable mentions; `events` groups them into events (pure); `links` links anticipated to held events and
  statements/positions to events; `load`/`write` read an output directory and write ``events.jsonl``;
  `tables` builds tidy tables; `export` writes them (csv, parquet, sqlite, duckdb); `review` writes the HTML
  review page. None of these imports the batch or the pipeline.
"""
