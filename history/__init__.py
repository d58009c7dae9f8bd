"""Getting trustworthy data in: readers, validation, units and the bundled plans and series."""
from history.problems import DataError, Problem, problems_frame

__all__ = ["DataError", "Problem", "problems_frame"]
