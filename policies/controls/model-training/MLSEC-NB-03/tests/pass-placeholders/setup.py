from setuptools import setup

setup(
    name="lattice",
    version="1.4.0",
    url="https://lattice-labs.io",
)
