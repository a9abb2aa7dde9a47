"""A small, portable pseudo-random source: SplitMix64.

neuronsim draws initial weights and shuffles training data with its own
generator rather than the ``random`` module, for two reasons:

* a ``seed=`` must not touch (or depend on) the global ``random`` state;
* the same seed must give the same numbers on every interpreter: CPython,
  PyPy and MicroPython (which has no ``random.Random``).  SplitMix64 is pure
  integer arithmetic, and turning 53 of its bits into a float is exact, so the
  numbers are identical bit for bit everywhere.

>>> source = SplitMix64(42)
>>> [source.below(10) for _ in range(5)]
[3, 1, 8, 4, 0]
>>> SplitMix64(42).random() == SplitMix64(42).random()
True
"""

import time

_MASK64 = (1 << 64) - 1
_TWO_TO_MINUS_53 = 1.0 / 9007199254740992.0  # 2**-53, exact


def fresh_seed():
    """A seed for when the caller gave none: from the OS if it can, else the clock."""
    try:
        import os

        return int.from_bytes(os.urandom(8), "little")
    except (ImportError, AttributeError, NotImplementedError, OSError):
        return int(time.time() * 1000003) & _MASK64


class SplitMix64:
    """Sebastiano Vigna's SplitMix64 generator: 64-bit state, full period 2**64."""

    def __init__(self, seed):
        self.state = seed & _MASK64

    def next_u64(self):
        """The next 64-bit unsigned integer."""
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        return z ^ (z >> 31)

    def random(self):
        """A float in [0, 1) with 53 random bits."""
        return (self.next_u64() >> 11) * _TWO_TO_MINUS_53

    def uniform(self, low, high):
        """A float in [low, high)."""
        return low + (high - low) * self.random()

    def below(self, n):
        """An integer in [0, n), uniform (rejection sampling, no modulo bias)."""
        if n <= 0:
            raise ValueError("below(n): expected n >= 1, got %r" % (n,))
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            value = self.next_u64()
            if value < limit:
                return value % n

    def shuffle(self, items):
        """Shuffle a list in place (Fisher–Yates)."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
