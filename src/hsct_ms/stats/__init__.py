"""Statistics on plain arrays and frames (numpy, scipy, lifelines). No charts, no page text.

Callers use the functions through the package, ``from hsct_ms import stats`` then
``stats.km_table(...)``; which module holds each function is an internal matter.
"""

from hsct_ms.stats.survival import *  # noqa: F401,F403
from hsct_ms.stats.survival import __all__  # noqa: F401
