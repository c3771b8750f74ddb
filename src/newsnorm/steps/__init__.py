"""The per-article steps, in data-flow order: segment, langid, roles, align, translate, metadata, compose.

Steps are pure functions over plain data (newsnorm.document); they never import the warehouse,
the stories, run control or Prefect."""
