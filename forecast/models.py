"""The model registry: the names users type after ``--model``.

``auto`` (forecast.auto.AutoModel) is built on top of the models here, so it is imported
lazily to keep the import graph one-way.
"""
from __future__ import annotations

import difflib
import inspect

from forecast.base import Model
from forecast.errors import ForecastError
from forecast.arima import AutoARIMA
from forecast.bounded import BoundedLogit
from forecast.simple import Drift, LinearTrend, LogDrift, Naive
from forecast.smoothing import AutoETS, DampedETS, Theta

MODELS: dict[str, type[Model]] = {
    cls.name: cls
    for cls in (
        Naive,
        Drift,
        LogDrift,
        LinearTrend,
        DampedETS,
        AutoETS,
        Theta,
        AutoARIMA,
        BoundedLogit,
    )
}

MODEL_NAMES: tuple[str, ...] = ("auto", *MODELS)


def _model_class(name: str) -> type[Model]:
    if name == "auto":
        from forecast.auto import AutoModel  # lazy: auto builds on this registry

        return AutoModel
    try:
        return MODELS[name]
    except KeyError:
        pass
    close = difflib.get_close_matches(str(name), MODEL_NAMES, n=3, cutoff=0.5)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ForecastError(
        f"Unknown model {name!r}.{hint} Choose one of: {', '.join(MODEL_NAMES)}."
    )


def get_model(name: str, **params) -> Model:
    """A new, unfitted model by its registry name.

    Parameters
    ----------
    name : one of ``MODEL_NAMES`` (case-insensitive, surrounding spaces ignored).
    **params : keyword-only options of that model class (e.g. ``prior_sigma`` for the
        closed-form models, ``lo``/``hi`` for ``logit``).

    Raises
    ------
    ForecastError
        Unknown name (with close matches) or a parameter the model does not take.

    Examples
    --------
    >>> get_model("drift").name
    'drift'
    >>> get_model("drfit")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    forecast.errors.ForecastError: Unknown model 'drfit'. Did you mean 'drift' or 'logdrift'? Choose one of: ...
    """
    key = str(name).strip().lower()
    cls = _model_class(key)
    accepted = [
        p.name for p in inspect.signature(cls.__init__).parameters.values() if p.kind is p.KEYWORD_ONLY
    ]
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise ForecastError(
            f"Model {key!r} does not take parameter{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(u) for u in unknown)}. "
            f"Its parameters are: {', '.join(accepted) if accepted else 'none'}."
        )
    return cls(**params)
