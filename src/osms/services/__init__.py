"""Use cases: what every door (CLI, API, bot) asks of the system.

Each function takes an open SQLAlchemy session (the caller owns the unit of work), calls the
registry and the rules, and writes an audit event for every change.  Interfaces parse, call one
of these, and render; no rule lives in a door.
"""
