"""Maps the five top-level code folders onto the ``pocketpilot.<folder>`` packages.

pyproject.toml holds the metadata; setuptools cannot express "folder X installs as
pocketpilot.X, with all its subpackages" declaratively, so this file walks the folders.
"""

from pathlib import Path

from setuptools import setup

CODE_FOLDERS = ("runtime", "planner", "memory", "devices", "apps")
HERE = Path(__file__).parent


def _packages() -> tuple[list[str], dict[str, str]]:
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    for folder in CODE_FOLDERS:
        for init in sorted((HERE / folder).rglob("__init__.py")):
            rel = init.parent.relative_to(HERE)
            name = "pocketpilot." + ".".join(rel.parts)
            packages.append(name)
            package_dir[name] = rel.as_posix()
    return packages, package_dir


packages, package_dir = _packages()
setup(
    packages=packages,
    package_dir=package_dir,
    package_data={name: ["*.txt", "*.yaml", "*.json", "*.tcss", "*.ttf"] for name in packages},
    include_package_data=True,
)
