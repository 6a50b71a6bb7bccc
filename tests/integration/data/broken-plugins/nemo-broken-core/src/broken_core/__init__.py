"""Written for a nemo-core that does not exist yet: must never be imported."""

raise SystemExit("imported although its nemo-core requirement is not met")
