"""Models, sample paths, ensembles and backtests for short annual series."""
from forecast.errors import ForecastError
from forecast.paths import Forecast, SeriesForecast
from forecast.rng import series_rng

__all__ = ["Forecast", "ForecastError", "SeriesForecast", "series_rng"]
