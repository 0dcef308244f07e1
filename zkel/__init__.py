"""zkel: a zero-knowledge execution layer for a private perpetual-futures exchange.

The code lives in three import packages mapped from the repository's top-level
folders: ``zkel.circuits`` (circuits/), ``zkel.gateware`` (gateware/) and
``zkel.host`` (host/).
"""

__version__ = "0.1.0"
