"""The temporary Prefect API server's process: uvicorn serving Prefect's app.

The same as `python -m uvicorn --factory prefect.server.api.server:create_app ...`, with
the cyclic garbage collector paused while Prefect's server modules import: they build
thousands of pydantic and SQLAlchemy classes, the collector keeps walking them, and the
import is the longest step of a run's start-up (measured here: 4.8 -> 4.3 s of CPU).
"""

import gc
import sys

gc.disable()
import prefect.server.api.server  # noqa: E402,F401

gc.enable()
gc.freeze()  # what the import built lives as long as the server: later collections skip it

import uvicorn  # noqa: E402

if __name__ == "__main__":
    sys.exit(uvicorn.main())
