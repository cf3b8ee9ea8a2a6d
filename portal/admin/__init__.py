"""System administration: typed system settings and usage statistics."""
