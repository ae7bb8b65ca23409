"""A growable column table: one numpy array per filterable attribute, rows addressed by index.

The generator fills tables with a million rows in one go; mutations append rows (amortised
doubling) or overwrite cells. Readers take ``col(name)``, a view of the filled part.
"""

from __future__ import annotations

import numpy as np


class Table:
    def __init__(self, columns: dict[str, np.ndarray]) -> None:
        lengths = {len(a) for a in columns.values()}
        if len(lengths) != 1:
            raise ValueError("columns must have equal length")
        self.n = lengths.pop()
        self._cols = dict(columns)

    def __len__(self) -> int:
        return self.n

    def col(self, name: str) -> np.ndarray:
        return self._cols[name][: self.n]

    def get(self, name: str, row: int) -> int:
        return int(self._cols[name][row])

    def set(self, name: str, row: int, value: int) -> None:
        if not 0 <= row < self.n:
            raise IndexError(row)
        self._cols[name][row] = value

    def append(self, **values: int) -> int:
        """Add one row (missing columns are 0) and return its index."""
        row = self.n
        for name, arr in self._cols.items():
            if row >= len(arr):
                grown = np.zeros(max(16, len(arr) * 2), dtype=arr.dtype)
                grown[: len(arr)] = arr
                self._cols[name] = arr = grown
            arr[row] = values.get(name, 0)
        self.n = row + 1
        return row

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._cols.values())
