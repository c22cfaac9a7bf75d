"""REST API v1 of cases (办件): thin views over ``haoban.cases.selectors`` and ``haoban.cases.services``."""
