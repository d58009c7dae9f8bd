"""The one error class of the ``forecast`` package."""


class ForecastError(ValueError):
    """A series cannot be forecast as asked (too short, bad parameter, unknown model)."""
