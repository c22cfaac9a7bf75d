"""REST API v1 of the catalog: thin views over ``haoban.catalog.selectors`` and ``haoban.catalog.services``."""
