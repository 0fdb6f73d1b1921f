"""Synthetic data at scale for benchmarks: reproducible, realistically shaped, ledger-true."""
