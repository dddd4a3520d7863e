"""Reports (DESIGN §9): the manager's dashboard figures, and exports."""
