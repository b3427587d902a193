"""One small module per list source; each defines a ListParser subclass."""
