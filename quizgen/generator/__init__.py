"""Generated scenarios: topologies, faults and the names they use, all drawn from an rng."""
