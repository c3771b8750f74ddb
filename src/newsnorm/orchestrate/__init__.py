"""The Prefect layer: the flow, its warm worker pool, the temporary server, schedules.

Only this package and the CLI import Prefect."""
