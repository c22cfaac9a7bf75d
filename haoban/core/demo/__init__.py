"""Putian (莆田市) demo data: regions, service centers, departments and service items.

The data lives in plain Python modules (``regions``, ``departments``, ``items``) so that every code can be
read, grepped and commented; :mod:`haoban.core.demo.loader` writes it through the same services as the
application (``item_create`` → ``version_publish`` → ``item_claim``), and ``haoban load_demo`` calls the loader.

Demo only: the department 统一社会信用代码 are computed to be *valid* (GB 32100 check character, GB 11714
organisation-code check) but are not the departments' real codes; addresses and phone numbers are
illustrative. Laws and articles cited in the items are real.
"""
