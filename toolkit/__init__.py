"""dkbm-toolkit: data-based municipal education management (DKBM).

Subpackages
-----------
io          readers for GENESIS / Regionalstatistik exports and municipal tables
regions     the AGS region hierarchy
indicators  official DKBM indicators as one long IndicatorFrame
weighting   survey designs, weighting and design-based standard errors
disclosure  statistical disclosure control (cell suppression, rounding)
reports     template registry, papermill runner, batch and rendering

Examples
--------
>>> import toolkit
>>> toolkit.__version__
'0.1.0'
"""

from toolkit.errors import (
    ConvergenceError,
    DataError,
    DisclosureError,
    DkbmError,
    ParameterError,
    TemplateError,
)

__version__ = "0.1.0"

__all__ = [
    "ConvergenceError",
    "DataError",
    "DisclosureError",
    "DkbmError",
    "ParameterError",
    "TemplateError",
    "__version__",
]
