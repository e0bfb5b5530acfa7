"""The floor under every app: pieces that know no app (see docs/architecture.md)."""
