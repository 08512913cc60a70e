"""Array aliases used across the engine (float32 and float64 are different names on purpose).

Scores are computed in float32 (half the memory and twice the BLAS speed of float64) and
quantised to float64 with 6 decimals before they reach a solver or a result, so that the
same input always gives the same sums.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Float32Array = NDArray[np.float32]
"""Scores and features while scoring."""
Float64Array = NDArray[np.float64]
"""Quantised scores, benefits, prices and UTC offsets."""
IntArray = NDArray[np.int64]
"""Row (mentee) and column (mentor) indices, codes, capacities."""
BoolArray = NDArray[np.bool_]
"""Feasibility masks and constraint violations."""
