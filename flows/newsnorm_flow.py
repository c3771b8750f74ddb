"""Deployment entrypoint for `prefect deploy` (prefect.yaml: flows/newsnorm_flow.py:newsnorm_flow).

The flow itself lives in the library, `newsnorm.orchestrate.flow`; this file only names it
for Prefect, which loads an entrypoint by file path.
"""

from newsnorm.orchestrate.flow import newsnorm_flow

__all__ = ["newsnorm_flow"]
