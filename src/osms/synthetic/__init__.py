"""Synthetic populations: deterministic people to demonstrate, test and measure the rules on.

- :mod:`osms.synthetic.generate` — the vectorised generator (numpy): from a thousand to tens of
  millions of people as the Parquet files of :mod:`osms.batch.schema`, for ``osms batch
  generate``, the batch engine's equality tests and the benchmarks;
- :mod:`osms.synthetic.ids` — check digits, IINs and BINs for whole arrays (R-IIN-2, R-BIN-1).

Every number, date and price comes from :mod:`osms.rules` (its parameters, calendar and
check digits): a generator never restates a rule.
"""
