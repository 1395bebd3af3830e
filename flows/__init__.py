"""Orchestration: Prefect flows over plain steps (flows.steps holds the Prefect-free logic)."""
