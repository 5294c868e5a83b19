"""Whole-population status: the vectorised twin of :mod:`osms.rules.status` (DuckDB), the
synthetic population it is measured on, and the paths to and from the registry.

- :func:`osms.synthetic.generate.generate` — a deterministic synthetic population (Parquet);
- :func:`osms.batch.run.run` — everyone's status on a date as known on a date: snapshot
  (Parquet, CSV) and the Fund's statistics; :mod:`osms.batch.engine` runs the rules' SQL
  forms (:mod:`osms.rules.coverage_sql`, :mod:`osms.rules.status_sql`) on DuckDB;
- :func:`osms.batch.chart.coverage_series`, :func:`osms.batch.chart.draw_chart` — coverage
  by reason month by month (PNG);
- :func:`osms.batch.facts.to_facts` — one person's rows as :class:`~osms.rules.facts.PersonFacts`;
  :func:`osms.batch.check.diff` — the batch answer against the per-person engine, with each
  disagreement as a scenario file;
- :func:`osms.batch.load.load_registry` (COPY) and :func:`osms.batch.export.export_registry`.

``docs/scale-out.md`` has the measurements and the choice of DuckDB over Polars.  This
package may import :mod:`osms.rules` and :mod:`osms.registry`, never the other way round.
"""
