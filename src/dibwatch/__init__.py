"""dibwatch: find and document the firms supplying a military-industrial base."""

__version__ = "0.1.0"
