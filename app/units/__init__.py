"""The sales control sheet (销控表): a programme's units, its published discounts, and the grid managers watch."""
