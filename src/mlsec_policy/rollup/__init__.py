"""The organisation roll-up: many repositories' JSON reports merged into one record.

``record`` reads one verified scan report into the few figures an organisation view needs;
``merge`` streams any number of them into the merged document (memory bounded by the summary,
not by the inputs); ``trend`` compares a merge with a previous one; ``markdown`` and ``html``
render the merged document.
"""
