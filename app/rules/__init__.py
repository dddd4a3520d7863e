"""Plain-Python business rules: no Flask, no SQLAlchemy, no clock.

Every decision is a :class:`Decision` carrying a reason code and a sentence.
Callers pass in the dates and settings they hold; rules never look them up.
"""

from .decision import N_, Decision, allow, refuse

__all__ = ["Decision", "N_", "allow", "refuse"]
