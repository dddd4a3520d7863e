"""Opening day (开盘/解筹日): holders check in on arrival and are called in that order (DESIGN §12)."""
