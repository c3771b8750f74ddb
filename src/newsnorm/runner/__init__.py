"""Run control: process files through the steps, plan a run, commit it, report it.

The only place that joins steps, stories and the warehouse."""
