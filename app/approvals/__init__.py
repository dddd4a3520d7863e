"""The two-person rule in one place: requests that move money or undo a sale, decided by someone else."""
