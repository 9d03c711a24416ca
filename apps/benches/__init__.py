"""One module per ``pocketpilot bench`` target; each exposes ``register(subparsers)``."""
