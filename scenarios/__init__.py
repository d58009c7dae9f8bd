"""What-if adjustments on sample paths, target semantics, attainment and risk tables."""
