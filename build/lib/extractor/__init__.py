"""extractor: typed, grounded records from news coverage of diplomacy."""

__version__ = "0.1.0"
