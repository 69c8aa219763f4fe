from pathlib import Path

from setuptools import find_packages, setup


def read_requirements(name):
    lines = Path(name).read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


setup(
    name="research-assistant",
    packages=find_packages(),
    install_requires=read_requirements("deps/requirements-agents.txt"),
)
