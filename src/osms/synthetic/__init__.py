"""Synthetic populations: deterministic people to demonstrate, test and measure the rules on.

One vocabulary, :class:`~osms.synthetic.profiles.Profile` (who a person is), and two ways to
draw people of it, because the demo and the batch engine want different things:

- :mod:`osms.synthetic.people` draws one person at a time, with Kazakh or Russian names
  (:mod:`~osms.synthetic.names`) and a story, each built to get the decision its profile
  expects (:data:`~osms.synthetic.profiles.EXPECTATIONS`): ``osms demo`` writes them into a
  registry and prints some as IINs to try;
- :mod:`osms.synthetic.generate` draws whole arrays (numpy), from a thousand to tens of
  millions of people, as the Parquet files of :mod:`osms.batch.schema`: a wider and messier mix
  (leavers, late employers, short payments) for ``osms batch generate``, the batch engine's
  equality tests and the benchmarks.

Both take every date, price and rule value from :mod:`osms.rules` (its parameters, calendar,
pricing and check digits: :func:`osms.rules.iin.make` for one IIN, :mod:`~osms.synthetic.ids`
for arrays of them); the building blocks of the first are :mod:`~osms.synthetic.draws`
(dates, people, jobs) and :mod:`~osms.synthetic.payments` (payment histories).
"""
